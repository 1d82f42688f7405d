"""Scrapy settings for newscrawl.

Every ``NEWSCRAWL_*`` setting below is a default; the environment variable of the same name
overrides it and ``-s NAME=VALUE`` overrides both (see ``newscrawl.addon``).
"""

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

# --- newscrawl's own settings (env-overridable, see newscrawl/addon.py) -------------------
# Where per-run feeds are written (one new file per run).
NEWSCRAWL_FEED_DIR = "output"
# Feed format of the default per-run feed: "jsonlines" or "json".
NEWSCRAWL_FEED_FORMAT = "jsonlines"
# Fetch every request for a site's host from this origin instead (the offline snapshot).
NEWSCRAWL_MIRROR = ""
# Where the incremental state (SQLite, one file per site) and run locks live.
NEWSCRAWL_STATE_DIR = ".newscrawl"
# Articles published within this many hours are fetched again to catch updates.
NEWSCRAWL_RECRAWL_HOURS = 48
# Monitors (Spidermon): coverage thresholds in percent, and the dropped-page ceiling.
NEWSCRAWL_MIN_COVERAGE = 95
NEWSCRAWL_MAX_DROPPED_PERCENT = 5
# Write the crawl report (JSON) beside the feed.
NEWSCRAWL_REPORT = True
# Keep every response the crawl fetched as gzip-compressed WARC 1.1 files in this directory
# (empty: off), one series per run, a new file after NEWSCRAWL_WARC_MAX_BYTES (docs/warc.md).
NEWSCRAWL_WARC_DIR = ""
NEWSCRAWL_WARC_MAX_BYTES = 1024**3

ADDONS = {"newscrawl.addon.NewscrawlAddon": 0}

# --- Politeness: a live crawl identifies itself, obeys robots.txt and throttles itself -----
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; news research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 2
# Outputs of one callback processed at once. Scrapy (2.13+, asyncio) starts this many worker
# tasks for every response, however few outputs it has: at the default 100 that cost 1.7 ms of
# CPU per response, more than parsing an article page. A callback here yields one article or a
# listing's 20-odd requests, and the pipelines are synchronous, so 16 loses nothing. Measured on
# the snapshot crawl (median of 9): 0.306 s -> 0.215 s, link-only 0.179 s -> 0.108 s.
CONCURRENT_ITEMS = 16
# Scrapy checks every callback, for every response, for a generator that returns a value
# (``warn_on_generator_with_return_value``): it reads the callback's source and walks its AST.
# Its cache is keyed weakly by the bound method, which each request makes anew, so the check
# ran about once per four article pages and cost 0.6 ms of CPU per article in a 2,000-article
# crawl (bench/scale.py --profile). tests/test_callbacks.py runs the same check once over
# every spider's callbacks instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
# The offline snapshot is our own loopback server, not the site: its slot is not throttled
# (the mirror middleware puts its requests there). Live requests never use this slot.
DOWNLOAD_SLOTS = {"newscrawl-mirror": {"concurrency": 16, "delay": 0, "jitter": 0}}

# Bot walls (Cloudflare "Just a moment...") come as 403/503: let the spider see them so it can
# count and log them instead of Scrapy discarding them silently.
HTTPERROR_ALLOWED_CODES = [403, 503]

DOWNLOADER_MIDDLEWARES = {
    # After every other middleware, right next to the downloader: the rest of Scrapy only ever
    # sees the site's real URLs.
    "newscrawl.middlewares.mirror.MirrorMiddleware": 990,
    # Next to the downloader, after the mirror: records each response as received, before
    # decompression, redirects or retries; off unless NEWSCRAWL_WARC_DIR is set (docs/warc.md).
    "newscrawl.archive.writer.WarcWriterMiddleware": 995,
    # Does not send requests for articles the state says were exported and are not due again.
    "newscrawl.middlewares.incremental.IncrementalMiddleware": 560,
    # Retries with backoff and Retry-After, truncated bodies and oversize pages too (issue 5).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.retry.RetryMiddleware": 550,
    # UTF-8 pages labelled latin-1/cp1252 by the server are read as UTF-8 (after decompression).
    "newscrawl.middlewares.retry.Utf8LabelMiddleware": 580,
}

# --- A site having a bad day (issue 5, docs/faults.md) --------------------------------------
# Retried: these statuses, Scrapy's RETRY_EXCEPTIONS (timeouts, resets, data loss), a 200 HTML
# body without </html>, a page above DOWNLOAD_MAXSIZE. RETRY_TIMES retries (set above).
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# The n-th retry waits NEWSCRAWL_RETRY_BACKOFF * 2**(n-1) s (at most ..._MAX); a 429/503 with
# Retry-After waits that long instead, at most NEWSCRAWL_RETRY_AFTER_MAX s.
NEWSCRAWL_RETRY_BACKOFF = 1.0
NEWSCRAWL_RETRY_BACKOFF_MAX = 30.0
NEWSCRAWL_RETRY_AFTER_MAX = 120.0
NEWSCRAWL_RETRY_TRUNCATED = True
# A hung server costs at most this long per try (Scrapy's default is 180 s).
DOWNLOAD_TIMEOUT = 30
# News pages are 50-300 KB; a page above 16 MiB is not an article (retried, then reported).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# Run-long sets of URLs and keys (the dupefilter's fingerprints, the spider's followed URLs,
# the incremental middleware's and the duplicates pipeline's keys) hold at most this many keys
# each in memory; the rest wait in a temporary SQLite file (newscrawl/state/spill.py).
NEWSCRAWL_MEMORY_KEYS = 5000
# Article requests of feeds and sitemaps handed to Scrapy's scheduler at most at once; the rest
# wait in the spider's backlog (its newest NEWSCRAWL_MEMORY_KEYS in memory, the rest on disk).
# A big site's monthly sitemap lists thousands of articles: queued at once, they made memory
# grow with the site. 0: no backlog, every request straight to the scheduler.
NEWSCRAWL_MAX_QUEUED = 1000
DUPEFILTER_CLASS = "newscrawl.dupefilter.BoundedDupeFilter"
# Failed pages listed in the report, and per-page WARNING lines of each kind (failed, dropped,
# bot wall) logged, before the rest are only counted.
NEWSCRAWL_REPORT_LIST_CAP = 100
# Seconds between progress lines (newscrawl/extensions/progress.py); 0: none.
NEWSCRAWL_PROGRESS_INTERVAL = 60

ITEM_PIPELINES = {
    "newscrawl.pipelines.cleaning.CleaningPipeline": 100,
    "newscrawl.pipelines.validation.ValidationPipeline": 200,
    "newscrawl.pipelines.duplicates.DuplicatesPipeline": 300,
    "newscrawl.pipelines.state.StatePipeline": 400,
}

EXTENSIONS = {
    # Ends a job at once when another job of the same site holds the site's lock.
    "newscrawl.extensions.overlap_guard.OverlapGuard": 0,
    # End-of-crawl summary in the log and a JSON report beside the feed.
    "newscrawl.extensions.report.CrawlReport": 500,
    # One INFO line a minute: articles/s, requests queued, queued work left. Replaces
    # Scrapy's LogStats line, which says nothing of what is left.
    "newscrawl.extensions.progress.Progress": 520,
    "scrapy.extensions.logstats.LogStats": None,
    "spidermon.contrib.scrapy.extensions.Spidermon": 510,
}

SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ("newscrawl.monitors.CrawlMonitorSuite",)

# Feeds: the default per-run feed is configured by the add-on from NEWSCRAWL_FEED_DIR unless
# the command line gives -o/-O. Exported keys and their order are the article schema's.
FEED_EXPORT_ENCODING = "utf-8"
# Local feeds are written to <feed>.part and renamed when the crawl ends: a killed crawl leaves
# no partial feed (its articles are not in the state either, so the next run exports them).
FEED_STORAGES = {"": "newscrawl.export.storage.AtomicFileFeedStorage",
                 "file": "newscrawl.export.storage.AtomicFileFeedStorage"}
FEED_URI_PARAMS = "newscrawl.export.feeds.uri_params"

LOG_LEVEL = "INFO"

# --- Exactly once across runs: state, monitors, report (issue 3) ----------------------------
# Byline (authors or credit) coverage floor in percent for the monitor: a number for every site,
# or {"<site>": percent, "default": percent}. A site module's `min_byline_coverage` wins.
NEWSCRAWL_MIN_BYLINE_COVERAGE = {"japantimes": 60, "default": 50}
# Drop reasons that are the user's choice, not a fault: not counted by the dropped-pages monitor.
NEWSCRAWL_DROPPED_IGNORE_REASONS = ["older_than_since", "newer_than_until"]
# Coverage monitors judge a run only when it checked/exported at least this many articles.
NEWSCRAWL_MONITOR_MIN_ITEMS = 3
# The dropped-pages monitor judges a run only when it parsed at least this many article pages.
NEWSCRAWL_MONITOR_MIN_PAGES = 10

# --- One crawl shared by many workers (issue 12, docs/distributed.md) -----------------------
# Both set: this process is one worker of the crawl NEWSCRAWL_CRAWL_ID, whose frontier is in
# this Redis (password-protected, private network: requests are pickled). Empty: one process.
NEWSCRAWL_REDIS_URL = ""
NEWSCRAWL_CRAWL_ID = ""
# postgresql://... keeps the incremental state (and the overlap lock) in PostgreSQL, shared by
# every worker; empty: SQLite under NEWSCRAWL_STATE_DIR. Required by a distributed crawl.
NEWSCRAWL_STATE_URL = ""
NEWSCRAWL_STATE_SCHEMA = "newscrawl"
# A worker that finds the shared queue empty closes once the queue and every worker's leases
# have been empty for this many seconds (the others' in-flight pages may still add requests).
NEWSCRAWL_IDLE_WAIT = 5.0
# A worker's heartbeat lives this long (refreshed every third of it): a worker silent for longer
# is dead, and its leased requests go back to the queue.
NEWSCRAWL_HEARTBEAT_TTL = 15
# How often a worker looks at the shared queue while it has nothing to do, seconds.
NEWSCRAWL_POLL_INTERVAL = 0.2
# A crawl's Redis keys expire this long after its last worker's last heartbeat, seconds.
NEWSCRAWL_CRAWL_EXPIRE = 86400
# PostgreSQL overlap lock: a worker's lock row counts this long after its last heartbeat.
NEWSCRAWL_LOCK_TTL = 60
