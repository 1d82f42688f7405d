"""Progress of a long crawl, one INFO line a minute.

    Progress: 41230 articles exported (187.2/s in the last 60 s, 183.0/s overall), 43518 pages
    fetched, 1210 requests queued and 16 in flight: about 7 s of queued work at this rate

Every ``NEWSCRAWL_PROGRESS_INTERVAL`` seconds (default 60; 0 turns it off). It replaces
Scrapy's ``LogStats`` line (pages and items per minute), which says nothing of what is left.
"What is left" is the scheduler's queue and the downloads in flight, at the pages per second
of the last interval: feeds and sitemaps not read yet add more, so it is a floor, said as
"queued work". Nothing is logged per article at INFO.
"""

import logging
import os
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 60.0


def _exported(stats):
    return (stats.get_value("newscrawl/exported/new", 0)
            + stats.get_value("newscrawl/exported/updated", 0)
            + stats.get_value("newscrawl/exported/repeated", 0))


def engine_queue(crawler):
    """(requests in the scheduler, downloads in flight); None where Scrapy's internals do
    not say (the engine keeps its scheduler in a private slot)."""
    try:
        engine = crawler.engine
    except (AttributeError, RuntimeError):  # not started (yet)
        return None, None
    slot = getattr(engine, "_slot", None) or getattr(engine, "slot", None)
    scheduler = getattr(slot, "scheduler", None)
    try:
        waiting = len(scheduler) if scheduler is not None else None
    except TypeError:
        waiting = None
    downloader = getattr(engine, "downloader", None)
    active = getattr(downloader, "active", None)
    return waiting, (len(active) if active is not None else None)

class Progress:
    def __init__(self, crawler, interval):
        self.crawler = crawler
        self.stats = crawler.stats
        self.interval = interval
        self.task = None
        self.started = None
        self.last = None  # (monotonic time, articles, pages) at the previous line

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", DEFAULT_INTERVAL)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.started = time.monotonic()
        self.last = (self.started, 0, 0)
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.task is not None and self.task.running:
            self.task.stop()

    def queued(self):
        return engine_queue(self.crawler)

    def line(self, now=None):
        now = time.monotonic() if now is None else now
        articles = _exported(self.stats)
        pages = self.stats.get_value("response_received_count", 0)
        then, articles_then, pages_then = self.last
        self.last = (now, articles, pages)
        span = max(now - then, 1e-9)
        overall = max(now - self.started, 1e-9)
        rate = (articles - articles_then) / span
        page_rate = (pages - pages_then) / span
        waiting, active = self.queued()
        text = (f"Progress: {articles} articles exported ({rate:.1f}/s in the last {span:.0f} s,"
                f" {articles / overall:.1f}/s overall), {pages} pages fetched")
        if waiting is not None:
            text += f", {waiting} requests queued"
            if active is not None:
                text += f" and {active} in flight"
            left = waiting + (active or 0)
            if page_rate > 0:
                text += f": about {left / page_rate:.0f} s of queued work at this rate"
            elif left:
                text += ": no page fetched in the last interval"
        memory = self.memory_mib()
        if memory is not None:
            text += f"; {memory:.0f} MiB resident"
        return text

    @staticmethod
    def memory_mib():
        """The process's resident memory now (MiB), or None where /proc does not say."""
        try:
            with open("/proc/self/statm", encoding="ascii") as f:
                pages = int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20

    def log(self):
        logger.info(self.line())
