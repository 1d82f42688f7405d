"""Settings that depend on other settings or on the environment, applied once per crawl.

- Every ``NEWSCRAWL_*`` setting can come from the environment variable of the same name, so
  Scrapyd and cron deployments are configured without editing code. ``-s`` still wins.
- Unless the command line chose feeds (``-o``/``-O``), each run writes one new feed file under
  ``NEWSCRAWL_FEED_DIR``, named so that runs never collide.
- With ``NEWSCRAWL_MIRROR`` set, the sites' hosts are downloaded from the mirror.
- With ``NEWSCRAWL_REDIS_URL`` and ``NEWSCRAWL_CRAWL_ID`` set, the worker shares one crawl's
  frontier in Redis (scrapy-redis' Scheduler with leases and its RFPDupeFilter, keys
  ``<spider>:<crawl id>:...``) with the other workers of that crawl (docs/distributed.md).
"""

import os

from newscrawl.items import ARTICLE_KEYS

CMDLINE_PRIORITY = 40  # scrapy.settings.SETTINGS_PRIORITIES["cmdline"]
ENV_PRIORITY = "spider"  # above the project's defaults, below -s


def feed_path(feed_dir, fmt):
    ext = "json" if fmt == "json" else "jsonl"
    # %(run_id)s comes from newscrawl.export.feeds.uri_params: the Scrapyd job id, else time + pid.
    return os.path.join(feed_dir, "%(name)s", f"%(name)s_%(run_id)s.{ext}")


class NewscrawlAddon:
    def update_settings(self, settings):
        for name, value in os.environ.items():
            if name.startswith("NEWSCRAWL_") and settings.getpriority(name) is not None:
                if settings.getpriority(name) < CMDLINE_PRIORITY:
                    settings.set(name, value, priority=ENV_PRIORITY)
        feeds_priority = settings.getpriority("FEEDS") or 0
        if feeds_priority < CMDLINE_PRIORITY and not settings.getdict("FEEDS"):
            fmt = settings.get("NEWSCRAWL_FEED_FORMAT", "jsonlines")
            path = feed_path(settings.get("NEWSCRAWL_FEED_DIR"), fmt)
            settings.set(
                "FEEDS",
                {path: {"format": fmt, "encoding": "utf-8", "fields": list(ARTICLE_KEYS)}},
                priority=ENV_PRIORITY,
            )
        # The offline snapshot (or any mirror): fetch the sites' hosts from it, see
        # newscrawl/middlewares/mirror.py. Live crawls keep Scrapy's own handlers untouched.
        if settings.get("NEWSCRAWL_MIRROR"):
            handlers = settings.getdict("DOWNLOAD_HANDLERS")
            for scheme in ("http", "https"):
                handlers.setdefault(scheme, "newscrawl.middlewares.mirror.MirrorDownloadHandler")
            settings.set("DOWNLOAD_HANDLERS", handlers, priority=ENV_PRIORITY)
        if settings.get("NEWSCRAWL_REDIS_URL") and settings.get("NEWSCRAWL_CRAWL_ID"):
            self.distributed(settings)
        # -o/-O feeds export the schema's keys in the schema's order too.
        if not settings.getlist("FEED_EXPORT_FIELDS"):
            settings.set("FEED_EXPORT_FIELDS", list(ARTICLE_KEYS), priority=ENV_PRIORITY)

    @staticmethod
    def distributed(settings):
        crawl = settings.get("NEWSCRAWL_CRAWL_ID")
        for name, value in {
            "SCHEDULER": "newscrawl.distributed.scheduler.LeasingScheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            # Never flushed by a worker that finishes first: the others still use it. The
            # keys expire instead (newscrawl.distributed.frontier).
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_FLUSH_ON_START": False,
            "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # a blocking pop would stall the event loop
            "SCHEDULER_QUEUE_KEY": f"%(spider)s:{crawl}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"%(spider)s:{crawl}:dupefilter",
            "REDIS_URL": settings.get("NEWSCRAWL_REDIS_URL"),
        }.items():
            settings.set(name, value, priority=ENV_PRIORITY)
        # Whatever EXTENSIONS the command line gives: a worker without it would not lease.
        from newscrawl.distributed.frontier import Frontier

        settings.setdefault_in_component_priority_dict("EXTENSIONS", Frontier, 1)
