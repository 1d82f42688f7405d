"""Do not fetch what is known: articles exported by an earlier run, URLs fetched in this run.

Two checks, before a request reaches the downloader:

1. Across runs: a request whose normalised URL leads to an article the state says was exported
   is not sent, unless that article was published within the last ``NEWSCRAWL_RECRAWL_HOURS``
   (it may have been updated: the state pipeline then decides whether it changed). Counted as
   ``newscrawl/requests/skipped_seen``; recent ones let through as ``newscrawl/requests/recrawl``.
   Only exported articles are in the state, so listing pages are never skipped by it; a request
   can also opt out with ``meta={"newscrawl_listing": True}`` or ``meta={"incremental": False}``.
   ``-a fresh=1`` turns this check off for one run.

   A request that carries a change signal from discovery (``meta["newscrawl_changed"]``: a
   sitemap ``lastmod``, a feed date, in epoch seconds) is sent, whatever the article's age,
   when the signal is newer than anything the state knows of the article (its
   ``modified_at``, ``published_at`` and the last signal that fetched it):
   ``newscrawl/requests/changed``. A second request for a URL (``newscrawl_signal_retry``: a
   later source gave a newer signal than the first request carried) is only sent when the
   first was skipped by this check, or has not reached this middleware yet (it then takes the
   first's place); it never fetches a page twice in one run.
2. Within the run: a request whose URL normalises (tracking query and fragment stripped, http vs
   https, with or without ``www``) to one already requested is not sent:
   ``newscrawl/requests/skipped_duplicate``. Scrapy's own dupefilter only catches exact
   repeats. Requests with ``dont_filter`` (retries, deliberate refetches) and redirect hops of
   the same fetch pass.

Skipped requests raise ``IgnoreRequest`` (logged by Scrapy at DEBUG; errbacks see it).

The state lookup goes to ``crawler_calls``: awaited on the asyncio reactor with PostgreSQL,
answered at once with SQLite (``newscrawl.state.steps``: one body for both).
"""

import logging
import time

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from newscrawl.state import crawler_calls, state_unavailable
from newscrawl.state.spill import SpillMap
from newscrawl.state.sqlite import is_fresh
from newscrawl.state.steps import run_steps
from newscrawl.urls import key_digest, normalize_url

logger = logging.getLogger(__name__)

STAT_SKIPPED_SEEN = "newscrawl/requests/skipped_seen"
STAT_SKIPPED_DUPLICATE = "newscrawl/requests/skipped_duplicate"
STAT_RECRAWL = "newscrawl/requests/recrawl"
STAT_CHANGED = "newscrawl/requests/changed"


def site_hosts(spider):
    """The site's hosts, preferred first, for ``normalize_url``: ``site.hosts`` or ``site.host``."""
    site = getattr(spider, "site", None)
    hosts = getattr(site, "hosts", None)
    if hosts:
        return tuple(hosts)
    host = getattr(site, "host", None)
    return (host,) if host else ()



class IncrementalMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.recrawl_seconds = crawler.settings.getfloat("NEWSCRAWL_RECRAWL_HOURS", 48) * 3600
        # Both in bounded memory however long the run (newscrawl.state.spill).
        self.requested = SpillMap.from_settings(crawler.settings)
        # URLs skipped as exported before in this run: a later, newer change signal may ask
        # for them again (only them: everything else was fetched already).
        self.skipped_seen = SpillMap.from_settings(crawler.settings)
        self._fresh = None

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider):
        self._fresh = is_fresh(spider)
        if self._fresh:
            logger.info("fresh=1: the state is ignored for this run (exports are still recorded)")

    def spider_closed(self, spider):
        self.requested.close()
        self.skipped_seen.close()

    @property
    def fresh(self):
        if self._fresh is None:
            self._fresh = is_fresh(self.crawler.spider)
        return self._fresh

    def process_request(self, request, spider=None):
        spider = spider or self.crawler.spider
        hosts = site_hosts(spider)
        if request.meta.get("newscrawl_requeued"):
            # A request a dead worker of a distributed crawl held, given back: this worker may
            # have asked for the URL already, but the fetch that counts died with the other
            # one. The state (and its claims) decide.
            request.meta.pop("newscrawl_signal_retry", None)
        elif request.meta.get("newscrawl_signal_retry"):
            self._check_retry(request, hosts)
            # Let through: from here on it is the article's one request of this run, and the
            # downloader's retries of it (copies of its meta) are retries, not second asks.
            del request.meta["newscrawl_signal_retry"]
        elif not request.dont_filter:
            self._check_requested(request, hosts)
        if self.fresh or request.meta.get("newscrawl_listing") or (
            request.meta.get("incremental") is False
        ):
            return None
        return run_steps(self._check_state(request, hosts))

    def _check_requested(self, request, hosts):
        key = key_digest(normalize_url(request.url, hosts=hosts, keep_query=True))
        if key not in self.requested:
            self.requested.add(key)
            return
        # A redirect hop of a fetch (http -> https, bare host -> www) normalises to the URL it
        # came from: it is the same fetch going on, not a second one.
        hops = request.meta.get("redirect_urls") or ()
        if any(key_digest(normalize_url(u, hosts=hosts, keep_query=True)) == key for u in hops):
            return
        self.stats.inc_value(STAT_SKIPPED_DUPLICATE)
        raise IgnoreRequest(f"Already requested in this run: {request.url}")

    def _check_retry(self, request, hosts):
        key = key_digest(normalize_url(request.url, hosts=hosts, keep_query=True))
        if key in self.skipped_seen and not self.fresh:
            return  # the first request was skipped: the state decides again, on this signal
        if key not in self.requested:
            # The scheduler is LIFO: the retry came before the first request it repeats. It
            # takes the first's place; the first, when it comes, is a duplicate.
            self.requested.add(key)
            return
        raise IgnoreRequest(f"Already fetched in this run: {request.url}")

    def _check_state(self, request, hosts):
        url = normalize_url(request.url, hosts=hosts)
        try:
            known = yield crawler_calls(self.crawler).lookup_url(url)
        except Exception as exc:  # the database is gone: stop, do not crawl blind
            state_unavailable(self.crawler, exc)
            raise IgnoreRequest(f"state unavailable: {request.url}") from None
        if known is None:
            return
        signal = request.meta.get("newscrawl_changed")
        as_of = known.known_as_of()
        if signal and as_of is not None and signal > as_of:
            self.stats.inc_value(STAT_CHANGED)
            logger.debug("Changed since its last export (source signal newer): %s",
                         request.url)
            return
        if known.published_ts is not None and (
            known.published_ts >= time.time() - self.recrawl_seconds
        ):
            self.stats.inc_value(STAT_RECRAWL)
            return
        key = key_digest(normalize_url(request.url, hosts=hosts, keep_query=True))
        if key not in self.skipped_seen:  # counted once per article, not per asking source
            self.skipped_seen.add(key)
            self.stats.inc_value(STAT_SKIPPED_SEEN)
        raise IgnoreRequest(
            f"Exported by run {known.last_run} ({known.last_exported_at}), not due again: "
            f"{request.url}"
        )
