"""Re-extraction through Scrapy's engine: archived responses instead of the network.

``reextract_spider(spidercls)`` makes a subclass of a site's spider whose ``start`` yields one
request per article response of an ``ArchiveIndex`` (``newscrawl.archive.reader``), straight
to the site spider's own ``parse_article``; ``ArchiveDownloadHandler`` (http and https) answers
each from its record, under the real URL. Everything after the download is the crawl's own
code: decompression and charset middlewares, the spider's checks (bot walls, errors, truncated
pages), extraction, the item pipelines (cleaning, validation, duplicates, state), the feed, the
report and the monitors. Nothing is fetched: a request that is not in the archive gets a 404.

Settings the re-extraction changes for itself: no robots.txt, no retries (an archived answer
does not change), no incremental middleware (an article the state knows is still extracted: the
state pipeline decides whether it changed, so a fixed selector shows up as ``updated``), no WARC
writing, no politeness delay (nothing goes to the site).
"""

import logging
from dataclasses import replace

import scrapy
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from newscrawl.archive import ARCHIVE_META, FETCHED_AT_META
from newscrawl.archive.reader import read_http_response
from newscrawl.sites import site_or_generic
from newscrawl.sites.base import generic_site
from newscrawl.spiders.base import SectionSpider

logger = logging.getLogger(__name__)

ENTRY_META = "newscrawl_archived_response"
STAT_PREFIX = "newscrawl/archive/"
NOT_ARCHIVED = b"<!doctype html><html><body><p>Not in the archive.</p></body></html>"


class ArchiveDownloadHandler:
    lazy = False

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def download_request(self, request):
        entry = request.meta.get(ENTRY_META)
        if entry is None:
            return responsetypes.from_args(url=request.url)(
                url=request.url, status=404, body=NOT_ARCHIVED, request=request,
                headers=Headers({"Content-Type": "text/html"}))
        status, protocol, pairs, body = read_http_response(entry.path, entry.offset)
        headers = Headers()
        for name, value in pairs:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=status, headers=headers, body=body,
                   request=request, protocol=protocol)

    async def close(self):
        pass


def archive_stats(stats, index):
    """The index's counts as stats (``newscrawl/archive/...``), for the report."""
    stats.set_value(STAT_PREFIX + "files", list(index.files))
    for kind, count in sorted(index.records.items()):
        stats.set_value(f"{STAT_PREFIX}records/{kind}", count)
    stats.set_value(STAT_PREFIX + "responses", len(index.responses))
    for reason, count in sorted(index.skipped.items()):
        stats.set_value(f"{STAT_PREFIX}skipped/{reason}", count)
    if index.truncated:
        stats.set_value(STAT_PREFIX + "truncated", list(index.truncated))


def reextract_spider(spidercls):
    """A subclass of the site spider ``spidercls`` that reads an archive instead of the site.
    Same name, so the feed, the state and the site lock are the site's."""

    class ReextractSpider(spidercls):
        newscrawl_reextract = True

        def __init__(self, *args, archive_index=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.archive_index = archive_index
            # The archive is the only source: no listing phase once the engine is idle.
            self.listings_started = True

        @classmethod
        def update_settings(cls, settings):
            super().update_settings(settings)
            handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
            for scheme in ("http", "https"):
                handlers[scheme] = "newscrawl.archive.spider.ArchiveDownloadHandler"
            settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
            middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
            for name in ("newscrawl.middlewares.incremental.IncrementalMiddleware",
                         "newscrawl.middlewares.retry.RetryMiddleware",
                         "newscrawl.archive.writer.WarcWriterMiddleware",
                         "newscrawl.middlewares.mirror.MirrorMiddleware"):
                middlewares[name] = None
            settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
            for name, value in (("ROBOTSTXT_OBEY", False), ("RETRY_ENABLED", False),
                                ("DOWNLOAD_DELAY", 0), ("AUTOTHROTTLE_ENABLED", False),
                                ("CONCURRENT_REQUESTS", 16),
                                ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
                settings.set(name, value, priority="spider")

        async def start(self):
            index = self.archive_index
            archive_stats(self.crawler.stats, index)
            skipped = ", ".join(f"{k} {v}" for k, v in sorted(index.skipped.items()))
            logger.info("Re-extracting %d archived article responses of %s from %d file(s); "
                        "skipped: %s", len(index.responses), self.site.name, len(index.files),
                        skipped or "none")
            for cut in index.truncated:
                logger.warning("WARC file %s is cut at offset %d: %s; everything before it was "
                               "read", cut["file"], cut["offset"], cut["error"])
            for entry in index.responses:
                yield scrapy.Request(
                    entry.url, callback=self.parse_article, errback=self.page_failed,
                    dont_filter=True,
                    meta={ENTRY_META: entry, ARCHIVE_META: entry.archive,
                          FETCHED_AT_META: entry.date, "dont_redirect": True,
                          **entry.discovery})

    ReextractSpider.__name__ = f"Reextract{spidercls.__name__}"
    ReextractSpider.__qualname__ = ReextractSpider.__name__
    return ReextractSpider


class GenericArchiveSpider(SectionSpider):
    """What ``scrapy reextract --generic`` extends: every page is read as the site its host
    has (a module where there is one, else the generic extractor), and the state of these
    re-extractions is one, ``generic``, whatever hosts the archive holds."""

    name = "generic"
    site = replace(generic_site("generic"), name="generic", label="archived pages of any site",
                   # a mixed archive has no byline norm to hold it to
                   min_byline_coverage=0)

    def site_for(self, response):
        return site_or_generic(response.url)
