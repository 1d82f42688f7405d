"""The site spider: sources -> article requests -> items. Site-agnostic.

A site's spider is a subclass naming its ``Site`` (``newscrawl.sites``); everything it knows
about the site comes from there. Arguments (``-a``, or Scrapyd's ``-d``):

- ``sections``: comma-separated section paths of the site (``news/asia-pacific,business``);
  default: the site's main news sections. Filters every source: a feed or sitemap entry belongs
  to a section by its URL path (``Site.section_of``).
- ``discover``: comma-separated ways in, ``listings,feeds,sitemaps`` (the default: all three).
- ``max_pages``: listing pages per section (default: until the section has no next page).
- ``since`` / ``until``: ``YYYY-MM-DD``, the range of publication days to export (either or
  both). Entries dated outside it are not requested, articles whose page says so are dropped
  (``older_than_since`` / ``newer_than_until``), a section stops paginating once its teasers
  are older than ``since``, and date-organised sitemaps outside the range are not fetched.
- ``fresh``: ``1`` ignores the incremental state for one run (``newscrawl.state``).

Other keyword arguments (Scrapyd's ``_job``, ...) are accepted and ignored. A bad argument
raises ``BadArgument`` (one line saying what is accepted); ``scrapy crawl`` prints it and exits 1.

Order: feeds and sitemaps first (they carry dates and the change signals the state compares),
then, once the engine has nothing left of them, the listings. A URL found by several sources is
requested once, credited to the first; a later entry with a newer change signal may still ask
for it when the state skipped it (``newscrawl.middlewares.incremental``).

Article requests from feeds and sitemaps wait in a backlog (``state.spill.SpillQueue``: bounded
memory, the rest on disk) and are handed to Scrapy's scheduler as it runs low, at most
``NEWSCRAWL_MAX_QUEUED`` at a time: a big site's monthly sitemap lists thousands of articles,
and as requests in the scheduler's memory queue they made the crawl's memory grow with the site.
A distributed crawl's queue is in Redis, not in memory: there they go straight to it.
"""

import logging
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.archive import archived
from newscrawl.discovery import listings as listing_pages
from newscrawl.discovery.feeds import read_feed
from newscrawl.discovery.sitemaps import period_of, read_sitemap, robots_sitemaps
from newscrawl.discovery.sources import (
    KINDS,
    Entry,
    count,
    fill_missing,
    label,
    section_tally,
    set_status,
    tallies,
    tally,
)
from newscrawl.distributed import is_distributed
from newscrawl.extensions.progress import engine_queue
from newscrawl.extraction import dates
from newscrawl.extraction.article import NotAnArticle, extract_article
from newscrawl.extraction.pagechecks import is_botwall, is_truncated
from newscrawl.extraction.specs import compile_site
from newscrawl.state.spill import SpillMap, SpillQueue
from newscrawl.urls import key_digest, normalize_url

logger = logging.getLogger(__name__)

STAT_LISTING = "newscrawl/pages/listing"
STAT_ARTICLE = "newscrawl/pages/article"
STAT_BOTWALL = "newscrawl/pages/botwall"
STAT_DROPPED = "newscrawl/dropped"
STAT_FAILED = "newscrawl/failed"
STAT_FAILED_PAGES = "newscrawl/failed_pages"
# failed pages beyond the list's cap (NEWSCRAWL_REPORT_LIST_CAP): counted, not listed
STAT_FAILED_PAGES_OMITTED = "newscrawl/failed_pages_omitted"
# How many failed pages are listed, and how many of each kind of per-page WARNING (failed,
# dropped, bot wall) are logged, before the rest are only counted: a long run's report and log
# stay readable (the counts are complete in the stats and the report).
REPORT_LIST_CAP = 100
STAT_TEASERS_OLD = "newscrawl/teasers/older_than_since"
STAT_LINKS_IGNORED = "newscrawl/links/ignored"
STAT_FALLBACK = "newscrawl/listings/fallback"
STAT_EMPTY_LISTING = "newscrawl/listings/empty"
STAT_NEXT_PAGE = "newscrawl/listings/next_page"
# robots.txt, feeds, sitemaps and listing pages answered (or failed for good)
STAT_DOCUMENTS = "newscrawl/discovery/documents"
STAT_OUT_OF_RANGE = "newscrawl/discovery/out_of_range"
STAT_OTHER_SECTION = "newscrawl/discovery/other_section"
STAT_NOT_ARTICLE = "newscrawl/discovery/not_article"
STAT_BAD_DATE = "newscrawl/discovery/bad_date"
STAT_UPGRADED = "newscrawl/discovery/signal_requests"
STAT_FILLED = "newscrawl/filled"
# the most article requests that waited in the backlog at once
STAT_BACKLOG_MAX = "newscrawl/discovery/backlog_max"
# Article requests handed to the scheduler at most at once (NEWSCRAWL_MAX_QUEUED; 0: no
# backlog). Enough to keep any politely throttled crawl busy for minutes.
DEFAULT_MAX_QUEUED = 1000
# Statuses that mean "this source is not there" rather than "this source is broken".
ABSENT_STATUSES = (404, 410)


class BadArgument(ValueError):
    """A spider argument that cannot be used; its message says what is accepted."""



def _parse_day(name, value):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadArgument(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None


class SectionSpider(scrapy.Spider):
    site = None  # a newscrawl.sites.base.Site, set by each site's spider

    def __init__(self, *args, sections=None, max_pages=None, since=None, until=None,
                 discover=None, fresh=None, **kwargs):
        super().__init__(*args, **kwargs)
        compile_site(self.site)  # a bad selector stops the crawl before it starts
        self.sections = self.parse_sections(sections)
        self.max_pages = self.parse_max_pages(max_pages)
        self.since = self.parse_since(since)
        self.until = self.parse_until(until)
        if self.since and self.until and self.since > self.until:
            raise BadArgument(f"since ({self.since}) is after until ({self.until}): "
                              "give a range with since <= until")
        self.discover = self.parse_discover(discover)
        self.discover_named = discover not in (None, "")
        self.fresh = fresh
        # digest of a normalised article URL -> the change signal its request carried (epoch
        # seconds, 0 without one): each URL is requested once, the first source is credited.
        # Bounded memory however long the run (newscrawl.state.spill): NEWSCRAWL_MEMORY_KEYS.
        self.followed = SpillMap()
        self.backlog = None  # article requests waiting for room in the scheduler (from_crawler)
        self.documents = set()  # feed and sitemap URLs asked for in this run
        self.listings_started = False
        self.warned_fallback = set()
        self.warnings_logged = {}  # kind -> per-page WARNING lines logged so far

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.followed = SpillMap.from_settings(crawler.settings)
        crawler.signals.connect(spider.followed.close, signal=signals.spider_closed)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        spider.max_queued = crawler.settings.getint("NEWSCRAWL_MAX_QUEUED", DEFAULT_MAX_QUEUED)
        if spider.max_queued > 0:
            spider.backlog = SpillQueue.from_settings(crawler.settings)
            crawler.signals.connect(spider.backlog.close, signal=signals.spider_closed)
            # each finished download leaves room in the scheduler's queue to top up
            crawler.signals.connect(spider.top_up, signal=signals.request_left_downloader)
        return spider

    @property
    def distributed(self):
        # Read when used: the add-on applies NEWSCRAWL_* from the environment after the spider
        # is made.
        crawler = getattr(self, "crawler", None)
        return bool(crawler) and is_distributed(crawler.settings)

    # --- arguments -------------------------------------------------------------------------
    def parse_sections(self, value):
        if value is None or not str(value).strip():
            return list(self.site.default_sections)
        wanted = [s.strip().strip("/") for s in str(value).split(",") if s.strip().strip("/")]
        unknown = [s for s in wanted if s not in self.site.sections]
        if unknown or not wanted:
            named = ", ".join(unknown) or repr(value)
            raise BadArgument(
                f"Unknown section(s) of {self.site.label}: {named}."
                f" Known sections: {', '.join(self.site.sections)}")
        return list(dict.fromkeys(wanted))

    @staticmethod
    def parse_max_pages(value):
        if value in (None, ""):
            return None
        try:
            pages = int(value)
        except (TypeError, ValueError):
            pages = 0
        if pages < 1:
            raise BadArgument(f"max_pages must be a whole number of pages >= 1, got {value!r}")
        return pages

    @staticmethod
    def parse_since(value):
        return _parse_day("since", value)

    @staticmethod
    def parse_until(value):
        return _parse_day("until", value)

    @staticmethod
    def parse_discover(value):
        if value is None or not str(value).strip():
            return list(KINDS)
        wanted = [s.strip() for s in str(value).split(",") if s.strip()]
        unknown = [s for s in wanted if s not in KINDS]
        if unknown or not wanted:
            named = ", ".join(unknown) or repr(value)
            raise BadArgument(f"Unknown discover source(s): {named}."
                              f" Known: {', '.join(KINDS)} (comma-separated)")
        return [k for k in KINDS if k in wanted]

    # --- start: feeds and sitemaps, then listings ------------------------------------------
    async def start(self):
        for request in self.document_requests():
            yield request
        if not self.documents:
            for request in self.start_listings():
                yield request

    def document_requests(self):
        site = self.site
        if "feeds" in self.discover:
            urls = [site.absolute(f) for f in site.feeds]
            urls += [site.absolute(t.format(section=s)) for t in site.section_feeds
                     for s in self.sections]
            for url in urls:
                yield from self.document_request(url, "feed", self.parse_feed)
        if "sitemaps" in self.discover:
            yield from self.document_request(site.absolute("/robots.txt"), "robots",
                                             self.parse_robots)
            for url in site.sitemaps:
                yield from self.document_request(site.absolute(url), "sitemap",
                                                 self.parse_sitemap)

    def document_request(self, url, kind, callback, parent=None):
        if url in self.documents:
            return
        self.documents.add(url)
        source = label(kind, urlsplit(url).path or "/")
        if kind != "robots":
            tally(self.crawler.stats, source)
            if parent:
                tally(self.crawler.stats, source)["parent"] = parent
        # dont_filter: robots.txt was fetched already by Scrapy's RobotsTxtMiddleware (to obey
        # it; this fetch reads its Sitemap: lines), and in a distributed crawl every worker
        # reads the feeds and sitemaps itself (a few documents; the shared dupefilter keeps one
        # request per article), so a worker killed while reading one loses nothing.
        yield scrapy.Request(
            url, callback=callback, errback=self.document_failed, dont_filter=True,
            meta={"newscrawl_listing": True, "newscrawl_document": kind,
                  "newscrawl_source": source, "dont_obey_robotstxt": kind == "robots"},
        )

    def start_listings(self):
        self.listings_started = True
        if "listings" not in self.discover:
            return []
        return [self.listing_request(self.site.section_url(section), section, 1)
                for section in self.sections]

    def spider_idle(self):
        """Feeds and sitemaps are done (and the articles they found): start the listings."""
        if self.top_up():
            raise DontCloseSpider  # the backlog first (requests skipped by the state leave
            # the scheduler without a download, so only the idle engine notices them gone)
        if self.listings_started:
            return
        self.check_documents_found()
        requests = self.start_listings()
        if not requests:
            return
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def check_documents_found(self):
        """A kind of source that was asked for and found no document at all (no sitemap in
        robots.txt nor in the site module) is an ERROR when the user named it in
        ``discover``, and a line at INFO when it only came with the default."""
        sources = tallies(self.crawler.stats)
        for kind in ("feeds", "sitemaps"):
            if kind not in self.discover:
                continue
            prefix = "feed:" if kind == "feeds" else "sitemap:"
            if any(name.startswith(prefix) for name in sources):
                continue
            if self.discover_named:
                logger.error("discover=%s: %s has no %s (none declared, none in robots.txt)",
                             kind, self.site.label, kind)
                set_status(self.crawler.stats, label(prefix[:-1], "(none found)"), "error",
                           f"{self.site.label} has no {kind}")
            else:
                logger.info("%s declares no %s and robots.txt lists none", self.site.label,
                            kind)

    def listing_request(self, url, section, page):
        source = label("listing", section)
        tally(self.crawler.stats, source)
        return scrapy.Request(
            url, callback=self.parse_listing, errback=self.page_failed,
            meta={"newscrawl_listing": True, "newscrawl_section": section,
                  "newscrawl_page": page, "newscrawl_source": source},
        )

    # --- what is an article of this crawl --------------------------------------------------
    def is_article_url(self, url):
        parts = urlsplit(url)
        return (parts.scheme in ("http", "https") and self.site.owns_host(parts.hostname)
                and bool(self.site.article_path_re.match(parts.path)))

    def section_of(self, path):
        """The section a feed or sitemap entry belongs to, by its URL path."""
        return self.site.section_of(path)

    def wants_section(self, section):
        return section in self.sections

    def in_range(self, day):
        return not ((self.since and day < self.since) or (self.until and day > self.until))

    def entry_day(self, value):
        return dates.day_in_zone(value, self.site.timezone) if value is not None else None

    def follow(self, entry, source, section=None):
        """A request for an entry's article, or None (not an article of this crawl, out of
        the date range, already requested). ``section``: the listing's own section; entries
        of feeds and sitemaps belong to the section their URL path says."""
        stats = self.crawler.stats
        href = entry.url
        url = normalize_url(href, hosts=self.site.hosts, keep_query=True)
        # Checked before normalising too: normalize_url makes every scheme https.
        if not (self.is_article_url(href) and self.is_article_url(url)):
            stats.inc_value(STAT_LINKS_IGNORED)
            if section is None:
                stats.inc_value(STAT_NOT_ARTICLE)
            logger.debug("Not an article link of %s: %s", self.site.name, href)
            return None
        if section is None:
            # A feed or sitemap entry: counted as found when it is an article of the site,
            # kept when it belongs to an asked section.
            section = self.section_of(urlsplit(url).path)
            count(stats, source, "links")
            if not self.wants_section(section):
                stats.inc_value(STAT_OTHER_SECTION)
                return None
            count(stats, source, "kept")
            section_tally(stats, source, section)["links"] += 1
        else:
            count(stats, source, "links", section=section)
            count(stats, source, "kept")
        if self.since or self.until:
            published = self.entry_day(entry.published) or self.entry_day(
                dates.date_from_url(url))
            changed = self.entry_day(entry.changed)
            newest = max(d for d in (published, changed) if d is not None) \
                if (published or changed) else None
            if (self.since and newest is not None and newest < self.since) or (
                    self.until and published is not None and published > self.until):
                stats.inc_value(STAT_OUT_OF_RANGE)
                return None
        signal = dates.as_timestamp(entry.changed) if entry.changed is not None else 0
        key = key_digest(normalize_url(url, hosts=self.site.hosts))
        meta = {"newscrawl_section": section, "newscrawl_source": source}
        if entry.metadata:
            meta["newscrawl_discovery"] = entry.metadata
        if signal:
            meta["newscrawl_changed"] = signal
        known = self.followed.get(key)
        if known is not None:
            if signal <= known or self.distributed:
                # (a distributed crawl does not ask twice: the worker that holds the first
                # request may not be this one; the next run's signal check catches the change)
                return None
            # A newer change signal than the first request carried: worth asking the state
            # again, but only if that first request was skipped as exported before (the
            # incremental middleware decides; it never lets a second fetch of one run through).
            self.followed[key] = signal
            meta["newscrawl_signal_retry"] = True
            stats.inc_value(STAT_UPGRADED)
            return scrapy.Request(url, callback=self.parse_article, errback=self.page_failed,
                                  dont_filter=True, meta=meta)
        self.followed[key] = signal
        return scrapy.Request(url, callback=self.parse_article, errback=self.page_failed,
                              meta=meta)

    # --- the backlog: article requests of feeds and sitemaps, handed over as room frees up --
    def follow_entries(self, entries, source):
        """The requests for the entries' articles: pushed to the backlog, and as many handed
        over now as the scheduler has room for."""
        direct = self.backlog is None or self.distributed
        for entry in entries:
            request = self.follow(entry, source)
            if request is None:
                continue
            if direct:
                yield request
            else:
                self.backlog.push((request.url, request.meta, request.dont_filter))
        if self.backlog:
            self.crawler.stats.max_value(STAT_BACKLOG_MAX, len(self.backlog))
            yield from self.from_backlog()

    def from_backlog(self):
        """Article requests from the backlog, up to ``max_queued`` in the scheduler."""
        if not self.backlog:
            return
        queued = engine_queue(self.crawler)[0] or 0
        for _ in range(min(len(self.backlog), self.max_queued - queued)):
            url, meta, dont_filter = self.backlog.pop()
            yield scrapy.Request(url, callback=self.parse_article, errback=self.page_failed,
                                 meta=meta, dont_filter=dont_filter)

    def top_up(self, *args, **kwargs):
        """Hand backlog requests to the engine when the scheduler runs low (below half of
        ``max_queued``: not on every download); the number handed over."""
        if not self.backlog or (engine_queue(self.crawler)[0] or 0) * 2 > self.max_queued:
            return 0
        handed = 0
        for request in self.from_backlog():
            self.crawler.engine.crawl(request)
            handed += 1
        return handed

    # --- documents: robots.txt, feeds, sitemaps --------------------------------------------
    def document_fetched(self, response):
        """Count a fetched discovery document; False (and accounted for) when it is no
        document (a bot wall, an HTTP error the errback did not see)."""
        stats = self.crawler.stats
        source = response.meta["newscrawl_source"]
        stats.inc_value(STAT_DOCUMENTS)
        if response.meta["newscrawl_document"] != "robots":
            count(stats, source, "requests")
        if is_botwall(response, self.site):
            self.botwall(response, "discovery document")
            set_status(stats, source, "failed", "a bot wall")
            return False
        if response.status != 200:
            self.failed(response.url, f"http_{response.status}")
            set_status(stats, source, "failed", f"HTTP {response.status}")
            return False
        return True

    def parse_robots(self, response):
        if not self.document_fetched(response):
            return
        urls = robots_sitemaps(response.body, response.url)
        logger.info("robots.txt of %s lists %d sitemap(s)", self.site.name, len(urls))
        for url in urls:
            if self.site.owns_host(urlsplit(url).hostname):
                yield from self.document_request(url, "sitemap", self.parse_sitemap)
            else:
                logger.info("Sitemap on another host, not fetched: %s", url)

    def parse_feed(self, response):
        if not self.document_fetched(response):
            return
        stats = self.crawler.stats
        source = response.meta["newscrawl_source"]
        content_type = response.headers.get("Content-Type", b"application/xml")
        read = read_feed(response.body, response.url, timezone=self.site.timezone,
                         article_id_re=self.site.feed_article_id_re,
                         content_type=content_type.decode("latin-1"))
        if read.error:
            yield from self.broken_document(response, "feed", read.error)
            return
        set_status(stats, source, "fetched")
        self.bad_dates(read.bad_dates, response.url)
        yield from self.follow_entries(read.entries, source)

    def parse_sitemap(self, response):
        if not self.document_fetched(response):
            return
        stats = self.crawler.stats
        source = response.meta["newscrawl_source"]
        read = read_sitemap(response.body, response.url, timezone=self.site.timezone,
                            max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        if read.error:
            yield from self.broken_document(response, "sitemap", read.error)
            return
        self.bad_dates(read.bad_dates, response.url)
        if read.kind == "index":
            set_status(stats, source, "index")
            tally(stats, source)["children"] = len(read.entries)
            for child in read.entries:
                if not self.site.owns_host(urlsplit(child.url).hostname):
                    logger.info("Sitemap on another host, not fetched: %s", child.url)
                    continue
                if self.sitemap_out_of_range(child):
                    child_source = label("sitemap", urlsplit(child.url).path)
                    set_status(stats, child_source, "skipped")
                    tally(stats, child_source)["parent"] = source
                    stats.inc_value(f"{STAT_OUT_OF_RANGE}/sitemaps")
                    logger.debug("Sitemap outside %s..%s, not fetched: %s",
                                 self.since, self.until, child.url)
                    continue
                yield from self.document_request(child.url, "sitemap", self.parse_sitemap,
                                                 parent=source)
            return
        set_status(stats, source, "fetched")
        tally(stats, source)["kind"] = "news" if read.news else "urlset"
        tally(stats, source)["entries"] = len(read.entries)
        yield from self.follow_entries(read.entries, source)

    def broken_document(self, response, kind, error):
        """A feed or sitemap that cannot be read: fetched again (a body cut in transit reads
        as broken XML) up to RETRY_TIMES, then an ERROR naming it; the other sources go on."""
        retry = get_retry_request(response.request, spider=self, reason=f"unreadable {kind}")
        if retry is not None:
            yield retry
            return
        set_status(self.crawler.stats, response.meta["newscrawl_source"], "error", error)
        logger.error("Broken %s %s: %s; its articles are not found through it", kind,
                     response.url, error)

    def sitemap_out_of_range(self, child):
        """A child sitemap holds nothing of the date range: its ``lastmod`` is before
        ``since``, or the period its URL names lies outside the range."""
        if not (self.since or self.until):
            return False
        lastmod = self.entry_day(child.changed)
        if self.since and lastmod is not None and lastmod < self.since:
            return True
        period = period_of(child.url, self.site.sitemap_period)
        if period is None:
            return False
        first, last = period
        return bool((self.since and last < self.since) or (self.until and first > self.until))

    def bad_dates(self, urls, document):
        if urls:
            self.crawler.stats.inc_value(STAT_BAD_DATE, len(urls))
            logger.warning("%d entr%s of %s with an unreadable date (followed; the article's "
                           "own date decides): %s", len(urls), "y" if len(urls) == 1 else "ies",
                           document, ", ".join(urls[:5]))

    def document_failed(self, failure):
        stats = self.crawler.stats
        request = failure.request
        source = request.meta.get("newscrawl_source")
        kind = request.meta.get("newscrawl_document")
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt forbids it: the site does not want it crawled.
            if kind != "robots":
                set_status(stats, source, "disallowed")
            logger.info("Not fetched (forbidden by robots.txt or skipped): %s", request.url)
            return
        if failure.check(HttpError):
            response = failure.value.response
            stats.inc_value(STAT_DOCUMENTS)
            if kind != "robots":
                count(stats, source, "requests")
            if response.status in ABSENT_STATUSES:
                if kind != "robots":
                    set_status(stats, source, "absent")
                logger.info("No %s at %s (HTTP %d): absent, the crawl goes on",
                            kind, request.url, response.status)
                return
            reason = f"http_{response.status}"
        else:
            reason = failure.type.__name__ if failure.type else "error"
        if kind != "robots":
            set_status(stats, source, "failed", reason)
        self.failed(request.url, reason)

    # --- listings ---------------------------------------------------------------------------
    def teaser_day(self, url, printed):
        value = None
        if printed:
            value = dates.parse_text(printed, language=self.site.language,
                                     timezone=self.site.timezone)
        value = value or dates.date_from_url(url)
        return dates.day_in_zone(value, self.site.timezone) if value else None

    def teasers(self, response):
        """(article URL, teaser date or None) for each teaser of a listing page, and the
        listing layout that found them (``discovery.listings``)."""
        return listing_pages.teasers(response, self.site.listings)

    def parse_listing(self, response):
        try:
            yield from self.read_listing(response)
        finally:
            listing_pages.release(response)

    def read_listing(self, response):
        section = response.meta["newscrawl_section"]
        page = response.meta.get("newscrawl_page", 1)
        source = response.meta.get("newscrawl_source") or label("listing", section)
        stats = self.crawler.stats
        stats.inc_value(STAT_DOCUMENTS)
        count(stats, source, "requests", section=section)
        if is_botwall(response, self.site):
            self.botwall(response, "listing page")
            set_status(stats, source, "failed", "a bot wall")
            return
        if response.status != 200:
            self.failed(response.url, f"http_{response.status}")
            set_status(stats, source, "failed", f"HTTP {response.status}")
            return
        stats.inc_value(STAT_LISTING)
        stats.inc_value(f"{STAT_LISTING}/{section}")
        count(stats, source, "pages")
        set_status(stats, source, "fetched")
        if is_truncated(response):
            # Still cut after the retries: its teasers are used, but the page is listed as
            # failed (teasers or the next-page link may be missing) and tried again next run.
            self.failed(response.url, "truncated_listing")
        found, listing = self.teasers(response)
        teasers = [(href, printed) for href, printed in found if self.is_article_url(href)]
        if len(teasers) < len(found):
            stats.inc_value(STAT_LINKS_IGNORED, len(found) - len(teasers))
            logger.debug("Not article links of %s on %s: %s", self.site.name, response.url,
                         [href for href, _ in found if not self.is_article_url(href)])
        if not teasers:
            # No teaser selector matched, or what it matched links nowhere on the site.
            teasers = [(url, None) for url in
                       listing_pages.main_content_links(response, self.is_article_url)]
            if teasers:
                stats.inc_value(f"{STAT_FALLBACK}/{section}")
                if section not in self.warned_fallback:
                    self.warned_fallback.add(section)
                    logger.warning(
                        "Section %s: none of %s's teaser selectors matched on %s; used the "
                        "%d article links of its main content instead. The site's listing "
                        "markup may have changed: update its Listing selectors",
                        section, self.site.name, response.url, len(teasers))
            else:
                stats.inc_value(STAT_EMPTY_LISTING)
                logger.error("Listing page %s (section %s) gives no article link, not even "
                             "in its main content", response.url, section)
        older = False
        for href, printed in teasers:
            day = None
            if self.since or self.until:
                day = self.teaser_day(href, printed)
                if day is not None and self.since and day < self.since:
                    older = True
                    stats.inc_value(STAT_TEASERS_OLD)
                    # the link counts as found by the listing even though it is not followed
                    if self.is_article_url(href):
                        count(stats, source, "links", section=section)
                    continue
            request = self.follow(Entry(url=href, published=day), source, section=section)
            if request is not None:
                yield request
        if older:
            logger.info("Section %s: teasers older than %s on page %d, not paginating further",
                        section, self.since, page)
            return
        if self.max_pages and page >= self.max_pages:
            return
        next_url, how = listing_pages.next_page(response, listing, page, self.site.listings)
        if next_url and self.site.owns_host(urlsplit(next_url).hostname):
            stats.inc_value(f"{STAT_NEXT_PAGE}/{how}")
            yield self.listing_request(next_url, section, page + 1)

    def botwall(self, response, what):
        # A wall is told by its page ("Just a moment...", extraction.pagechecks), not by its
        # status: a plain 503 or 429 left after the retries is a failed page instead.
        self.crawler.stats.inc_value(STAT_BOTWALL)
        self.page_warning("bot walls", "Bot wall (HTTP %d) instead of the %s %s: not an "
                          "article, not exported, not retried", response.status, what,
                          response.url)

    def site_for(self, response):
        """The site an article page is read as: the spider's (a spider that reads pages of
        many sites, such as the generic re-extraction, picks one per page)."""
        return self.site

    def parse_article(self, response):
        stats = self.crawler.stats
        stats.inc_value(STAT_ARTICLE)
        # (a response made by hand, as `scrapy extract` and tests do, has no request)
        meta = response.request.meta if response.request is not None else {}
        if meta.get("newscrawl_source"):
            count(stats, meta["newscrawl_source"], "requests",
                  section=meta.get("newscrawl_section"))
        # Archived (a crawl writing WARC, or a re-extraction reading it): the record it is kept
        # in, and its WARC-Date as the fetch time.
        archive, fetched_at = archived(response)
        site = self.site_for(response)
        try:
            item = extract_article(response, site, fetched_at=fetched_at or datetime.now(UTC))
        except NotAnArticle as reason:
            if reason.reason == "botwall":
                self.botwall(response, "article page")
            elif reason.reason == "http_error":
                self.failed(response.url, f"http_{response.status}")
            else:
                self.drop(response.url, reason.reason, reason.detail)
            return
        source = meta.get("newscrawl_source") or ""
        filled = fill_missing(item, meta.get("newscrawl_discovery"), site,
                              "sitemaps" if source.startswith("sitemap:") else "feeds")
        for key in filled:
            stats.inc_value(f"{STAT_FILLED}/{key}")
        if filled:
            logger.debug("%s: %s taken from %s (the page gives none)", response.url,
                         ", ".join(filled), source)
        if (self.since or self.until) and item.get("published_at"):
            published = dates.parse_iso(item["published_at"], site.timezone)
            day = dates.day_in_zone(published, site.timezone) if published else None
            if day is not None and self.since and day < self.since:
                self.drop(response.url, "older_than_since", f"published {day}", level=logging.INFO)
                return
            if day is not None and self.until and day > self.until:
                self.drop(response.url, "newer_than_until", f"published {day}", level=logging.INFO)
                return
        item["archive"] = archive
        yield item

    # --- what did not become an item -------------------------------------------------------
    def drop(self, url, reason, detail="", level=logging.WARNING):
        stats = self.crawler.stats
        stats.inc_value(STAT_DROPPED)
        stats.inc_value(f"{STAT_DROPPED}/{reason}")
        if level >= logging.WARNING:
            self.page_warning("dropped pages", "Dropped %s (%s%s)", url, reason,
                              f": {detail}" if detail else "")
        else:
            logger.log(level, "Dropped %s (%s%s)", url, reason, f": {detail}" if detail else "")

    def failed(self, url, reason):
        """A page that could not be fetched (after retries): listed in the report by URL."""
        stats = self.crawler.stats
        stats.inc_value(STAT_FAILED)
        stats.inc_value(f"{STAT_FAILED}/{reason}")
        pages = stats.get_value(STAT_FAILED_PAGES) or []
        if len(pages) < self.report_list_cap:
            pages.append({"url": url, "reason": reason})
            stats.set_value(STAT_FAILED_PAGES, pages)
        else:
            stats.inc_value(STAT_FAILED_PAGES_OMITTED)
        self.page_warning("failed pages", "Failed to fetch %s (%s): listed in the crawl report, "
                          "tried again next run", url, reason)

    @property
    def report_list_cap(self):
        settings = getattr(self, "settings", None)
        return settings.getint("NEWSCRAWL_REPORT_LIST_CAP", REPORT_LIST_CAP) if settings \
            else REPORT_LIST_CAP

    def page_warning(self, kind, message, *args):
        """A WARNING about one page, for the first ``NEWSCRAWL_REPORT_LIST_CAP`` of its kind;
        then one line saying the rest are counted only (at DEBUG from there on)."""
        logged = self.warnings_logged.get(kind, 0)
        self.warnings_logged[kind] = logged + 1
        cap = self.report_list_cap
        if logged < cap:
            logger.warning(message, *args)
            return
        if logged == cap:
            logger.warning("%d %s logged: the rest are counted in the stats and the report, "
                           "not logged (NEWSCRAWL_REPORT_LIST_CAP)", cap, kind)
        logger.debug(message, *args)

    def page_failed(self, failure):
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # not sent on purpose (already exported, already requested): no failure
        request = failure.request
        if request.meta.get("newscrawl_listing") and request.meta.get("newscrawl_source"):
            self.crawler.stats.inc_value(STAT_DOCUMENTS)
            set_status(self.crawler.stats, request.meta["newscrawl_source"], "failed",
                       failure.type.__name__ if failure.type else "error")
        if request.meta.get("newscrawl_source"):
            count(self.crawler.stats, request.meta["newscrawl_source"], "requests",
                  section=request.meta.get("newscrawl_section"))
        if failure.check(HttpError):
            response = failure.value.response
            if is_botwall(response, self.site):
                self.botwall(response, "page")
                return
            reason = f"http_{response.status}"
        else:
            reason = failure.type.__name__ if failure.type else "error"
        self.failed(request.url, reason)
