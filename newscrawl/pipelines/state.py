"""Exactly once across runs: export what is new or changed, remember what was exported.

For each item (the last pipeline), the state of the site (``newscrawl.state``) is asked whether
the article was exported before, by its normalised canonical URL, else its article id, else its
content hash:

- not known: exported, counted ``newscrawl/exported/new``;
- known with another ``content_hash`` or ``modified_at``: exported again,
  ``newscrawl/exported/updated``;
- known and the same: dropped with the reason ``unchanged``, counted ``newscrawl/unchanged``
  (not a dropped page: nothing is wrong with it). With ``-a fresh=1`` it is exported anyway,
  ``newscrawl/exported/repeated``.

An item is recorded only once it is exported (the ``item_scraped`` signal, after every pipeline
accepted it), first as a pending row; the run's rows become part of the state in one
transaction when the engine stops, after the feeds were stored. A run whose feed failed to
store, or that was killed, commits nothing: its articles are exported again next time rather
than lost. A job turned away by the overlap guard touches nothing.

Before an item is exported, its version is claimed in the state (``store.claim``: one atomic
statement). With several workers of a distributed crawl sharing a PostgreSQL state, the one
whose claim succeeds exports the article; the others drop it as ``claimed`` (counted
``newscrawl/duplicates/claimed``). On one machine the claim always succeeds.

The per-item calls (find, claim, stage, unclaim) go to ``crawler_calls``: with PostgreSQL
they are awaited on the asyncio reactor (the crawl goes on meanwhile), with SQLite they answer
at once and the methods stay synchronous; one body for both (``newscrawl.state.steps``).
Settling dead runs and committing the run (once per run) use the synchronous store.
"""

import glob
import json
import logging
import os

from scrapy import signals
from scrapy.exceptions import DropItem

from newscrawl.addon import feed_path
from newscrawl.discovery.sources import count_export
from newscrawl.distributed import crawl_id as settings_crawl_id
from newscrawl.distributed import is_distributed
from newscrawl.export.feeds import run_id
from newscrawl.export.storage import PART_SUFFIX
from newscrawl.middlewares.incremental import site_hosts
from newscrawl.state import (
    STAT_STATE_ERROR,
    close_crawler_stores,
    crawler_calls,
    crawler_store,
    state_unavailable,
)
from newscrawl.state.sqlite import is_fresh, site_name
from newscrawl.state.steps import run_steps
from newscrawl.urls import normalize_url

logger = logging.getLogger(__name__)

STAT_NEW = "newscrawl/exported/new"
STAT_UPDATED = "newscrawl/exported/updated"
STAT_REPEATED = "newscrawl/exported/repeated"
STAT_UNCHANGED = "newscrawl/unchanged"
STAT_COMMITTED = "newscrawl/state/committed"
STAT_OVERLAP = "newscrawl/overlap"
STAT_CLAIMED = "newscrawl/duplicates/claimed"
# Beside a stored feed whose run could not be recorded (the state database was unreachable):
# the next run records that feed's articles from the feed itself.
UNRECORDED_SUFFIX = ".unrecorded"

KIND_STATS = {"new": STAT_NEW, "updated": STAT_UPDATED, "repeated": STAT_REPEATED}


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if hasattr(value, "isoformat") else value


def read_feed(path):
    """The records of a stored feed (JSON Lines, or a JSON array for ``.json``)."""
    with open(path, encoding="utf-8") as f:
        if path.endswith(".json"):
            yield from json.load(f)
            return
        for line in f:
            if line.strip():
                yield json.loads(line)


def run_feeds(feed_dir, spider_name, run):
    """The paths of a run's default feeds, one per format (``newscrawl.addon.feed_path``)."""
    return [feed_path(feed_dir, fmt) % {"name": spider_name, "run_id": run}
            for fmt in ("jsonlines", "json")]


class StatePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        # id(item) -> (item, kind, record) for items accepted here and not yet exported
        self.in_flight = {}
        self.recovered = False
        self.distributed = is_distributed(crawler.settings)
        crawler._newscrawl_settle_run = self.settle_run

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(pipeline.item_not_exported, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_not_exported, signal=signals.item_error)
        crawler.signals.connect(pipeline.engine_stopped, signal=signals.engine_stopped)
        # After the overlap guard's handler (extensions connect first): it holds the lock.
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def spider_opened(self, spider):
        """Settle dead runs before the first request is scheduled: the incremental middleware
        must already see what a killed run's stored feed holds, or it lets those pages be
        fetched again (and how many depended on when the first item arrived)."""
        if not self.stats.get_value(STAT_OVERLAP):
            self.recover_dead_runs()

    @property
    def store(self):
        return crawler_store(self.crawler)

    @property
    def calls(self):
        return crawler_calls(self.crawler)

    @property
    def frontier(self):
        return getattr(self.crawler, "_newscrawl_frontier", None)

    def crawl_id(self):
        """Workers of one distributed crawl share its id; elsewhere a run is its own crawl."""
        return settings_crawl_id(self.crawler.settings) or run_id(self.crawler.spider)

    def settle_run(self, run):
        """Settle a run that ended without recording its exports: when its feed is stored,
        record every article in that feed (read back from the feed itself, so an export whose
        staging failed counts too), else forget its staged exports and claims.
        ``"committed"`` or ``"discarded"``."""
        spider = self.crawler.spider
        store = self.store
        feed_dir = self.crawler.settings.get("NEWSCRAWL_FEED_DIR") or "output"
        feeds = [f for f in run_feeds(feed_dir, spider.name, run) if os.path.isfile(f)]
        if not feeds:
            count = store.discard_run(run)
            logger.warning("Run %s died before storing its feed: its %d staged articles "
                           "are forgotten and will be exported again", run, count)
            return "discarded"
        if store.has_run(run) and not store.pending_count(run):
            return "committed"  # settled already (by another worker, or before)
        for feed in feeds:
            for record in read_feed(feed):
                store.stage(run, self.record_of(record))
        crawl = settings_crawl_id(self.crawler.settings)
        count = store.commit_run(
            run, spider=spider.name, finish_reason="ended before recording its stored feed",
            crawl_id=crawl if crawl and run.startswith(crawl + ".") else None)
        logger.warning("Run %s ended after storing its feed but before recording it: its %d "
                       "articles are now recorded in the state", run, count)
        return "committed"

    def settle_unrecorded(self, feed_dir, spider_name):
        """Runs whose feed was stored while the state database was unreachable left a
        ``<feed>.unrecorded`` marker beside it: record them now."""
        prefix = f"{spider_name}_"
        for pattern in run_feeds(glob.escape(feed_dir), glob.escape(spider_name), "*"):
            for marker in glob.glob(pattern + UNRECORDED_SUFFIX):
                stem = os.path.basename(marker)[len(prefix):-len(UNRECORDED_SUFFIX)]
                run = stem.rsplit(".", 1)[0]  # drop .jsonl / .json
                self.settle_run(run)
                os.remove(marker)

    def recover_dead_runs(self):
        """Settle the staged exports of runs that died before committing them.

        A run killed after its feed file was stored (renamed from ``.part``) but before
        ``engine_stopped`` committed its pending rows: its feed holds the articles, so they are
        committed now, else the next run would export them again. A run whose feed is not
        there (killed earlier, or an ``-o`` feed we cannot find) is discarded: its articles are
        exported again, at least once, never lost. Done once, by a run that holds the site's
        lock (the overlap guard turned any other job away), so no live run's rows are touched.
        """
        if self.recovered:
            return
        self.recovered = True
        spider = self.crawler.spider
        store = self.store
        current = run_id(spider)
        settings = self.crawler.settings
        feed_dir = settings.get("NEWSCRAWL_FEED_DIR") or "output"
        frontier = self.frontier
        self.settle_unrecorded(feed_dir, spider.name)
        for run in store.pending_runs(except_run=current):
            # Workers of this crawl that are alive are not dead runs; the overlap guard
            # turned away any other live crawl.
            if frontier is not None and frontier.is_live(run):
                continue
            self.settle_run(run)
        if not self.distributed:
            # With workers sharing a feed directory, a .part may be a live worker's.
            self.remove_unfinished_feeds(feed_dir, spider.name, current)

    @staticmethod
    def remove_unfinished_feeds(feed_dir, spider_name, current):
        """Delete the ``<feed>.part`` files that killed runs of this spider left in the
        default feed directory (``newscrawl.export.storage``): no consumer reads them and their
        articles are exported again, so they are only litter. The running job's own is kept;
        other spiders' and ``-o`` feeds elsewhere are not touched."""
        own = {feed + PART_SUFFIX for feed in run_feeds(feed_dir, spider_name, current)}
        for pattern in run_feeds(glob.escape(feed_dir), glob.escape(spider_name), "*"):
            for part in glob.glob(pattern + PART_SUFFIX):
                if part in own:
                    continue
                try:
                    os.remove(part)
                except OSError as error:
                    logger.warning("Could not remove the unfinished feed %s: %s", part, error)
                else:
                    logger.info("Removed the unfinished feed of a killed run: %s", part)

    def record_of(self, item):
        """What the state keeps of an exported item (or of a record read back from a feed)."""
        hosts = site_hosts(self.crawler.spider)
        return {
            "canonical_url": normalize_url(item.get("canonical_url") or item.get("url"),
                                           hosts=hosts),
            "url": normalize_url(item.get("url"), hosts=hosts) or None,
            "article_id": item.get("article_id"),
            "content_hash": item.get("content_hash"),
            "modified_at": item.get("modified_at"),
            "published_at": item.get("published_at"),
        }

    def process_item(self, item):
        return run_steps(self._process_item(item))

    def _process_item(self, item):
        spider = self.crawler.spider
        record = self.record_of(item)
        canonical = record["canonical_url"]
        try:
            if not self.recovered and not self.stats.get_value(STAT_OVERLAP):
                self.recover_dead_runs()  # a dead run's claims must not block this one
            known, found_by = yield self.calls.find(canonical, record["article_id"],
                                                    record["content_hash"])
        except Exception as exc:
            self.state_failed(exc)
            raise DropItem(f"state unavailable: {canonical}", log_level="DEBUG") from None
        if known is None:
            kind = "new"
        elif (known.content_hash, known.modified_at) != (
            record["content_hash"], record["modified_at"]
        ):
            kind = "updated"
        elif is_fresh(spider):
            kind = "repeated"
        else:
            self.stats.inc_value(STAT_UNCHANGED)
            logger.debug("Unchanged since run %s (found by %s): %s",
                         known.last_run, found_by, canonical)
            raise DropItem(
                f"unchanged: exported by run {known.last_run} with the same content_hash and "
                f"modified_at (found by {found_by}): {canonical}",
                log_level="DEBUG",
            )
        try:
            holder = yield self.calls.claim(run_id(spider), record, crawl_id=self.crawl_id(),
                                            fresh=is_fresh(spider))
        except Exception as exc:
            self.state_failed(exc)
            raise DropItem(f"state unavailable: {canonical}", log_level="DEBUG") from None
        if holder is not None:
            self.stats.inc_value(STAT_CLAIMED)
            raise DropItem(f"claimed: run {holder} exports this version of {canonical}",
                           log_level="DEBUG")
        self.in_flight[id(item)] = (item, kind, record)
        return item

    def state_failed(self, exc):
        state_unavailable(self.crawler, exc)

    def _take(self, item):
        entry = self.in_flight.pop(id(item), None)
        if entry is None or entry[0] is not item:
            return None
        return entry

    def item_scraped(self, item, response=None, spider=None):
        return run_steps(self._item_scraped(item, response))

    def _item_scraped(self, item, response):
        entry = self._take(item)
        if entry is None:
            return
        _, kind, record = entry
        meta = getattr(response, "meta", None) or {}
        self.stats.inc_value(KIND_STATS[kind])
        count_export(self.stats, meta, kind)
        record["signal_ts"] = meta.get("newscrawl_changed")
        try:
            # Awaited before Scrapy is done with the response, so every export is staged
            # before engine_stopped commits the run.
            yield self.calls.stage(run_id(self.crawler.spider), record)
        except Exception as exc:
            self.state_failed(exc)

    def item_not_exported(self, item, response=None, exception=None, *args, **kwargs):
        return run_steps(self._item_not_exported(item, response, exception))

    def _item_not_exported(self, item, response, exception):
        entry = self._take(item)
        if entry is not None:
            try:
                yield self.calls.unclaim(run_id(self.crawler.spider), entry[2]["canonical_url"])
            except Exception as exc:
                self.state_failed(exc)
        # Fetched for a change signal and found unchanged: remember the signal, or the same
        # lastmod would fetch the page again every run.
        signal = (getattr(response, "meta", None) or {}).get("newscrawl_changed")
        if signal and str(exception or "").startswith("unchanged"):
            canonical = normalize_url(item.get("canonical_url") or item.get("url"),
                                      hosts=site_hosts(self.crawler.spider))
            try:
                yield self.calls.note_signal(canonical, signal)
            except Exception as exc:
                self.state_failed(exc)

    def engine_stopped(self):
        """Commit the run, then close the state connections: None, or an awaitable that
        closes the asynchronous one (Scrapy awaits it)."""
        try:
            self.commit()
        finally:
            closing = close_crawler_stores(self.crawler)
        return closing

    def commit(self):
        spider = self.crawler.spider
        frontier = self.frontier
        if spider is None or self.stats.get_value(STAT_OVERLAP):
            if frontier is not None:
                frontier.finish(stored=True)
            return
        stored = False
        try:
            store = self.store
            run = run_id(spider)
            self.recover_dead_runs()
            failed = {k: v for k, v in self.stats.get_stats().items()
                      if k.startswith("feedexport/failed_count/") and v}
            if frontier is not None and frontier.reaped:
                self.withdraw(run, store)
                return
            if failed:
                dropped = store.discard_run(run)
                logger.error(
                    "Feed storage failed (%s): the state does not record the %d articles of "
                    "run %s, so the next run exports them again",
                    failed, dropped, run,
                )
                return
            committed = store.commit_run(
                run,
                spider=spider.name,
                started_at=_iso(self.stats.get_value("start_time")),
                finished_at=_iso(self.stats.get_value("finish_time")),
                finish_reason=self.stats.get_value("finish_reason"),
                fresh=is_fresh(spider),
                counts=self.counts(),
                crawl_id=self.crawl_id(),
            )
            stored = True
            self.stats.set_value(STAT_COMMITTED, committed)
            logger.info("State of %s: %d articles of run %s recorded in %s (%d in all)",
                        site_name(spider), committed, run, store.path, store.article_count())
        except Exception as exc:
            if not self.stats.get_value(STAT_STATE_ERROR):
                logger.error("The state database is unreachable at the end of run %s (%s)",
                             run_id(spider), exc)
            stored = not any(k.startswith("feedexport/failed_count/") and v
                             for k, v in self.stats.get_stats().items())
            if stored:
                self.mark_unrecorded(run_id(spider))
        finally:
            if frontier is not None:
                frontier.finish(stored=stored)

    def mark_unrecorded(self, run):
        """The feed is stored but the state could not record it: leave a marker beside it,
        so the next run records its articles from the feed (``settle_unrecorded``)."""
        feed_dir = self.crawler.settings.get("NEWSCRAWL_FEED_DIR") or "output"
        for feed in run_feeds(feed_dir, self.crawler.spider.name, run):
            if os.path.isfile(feed):
                with open(feed + UNRECORDED_SUFFIX, "w", encoding="utf-8") as f:
                    f.write(run + "\n")
                logger.error("Feed stored but not recorded in the state: %s; the next run "
                             "records it (marker %s%s)", feed, feed, UNRECORDED_SUFFIX)

    def withdraw(self, run, store):
        """A worker taken for dead while it ran: its work was given to the others and its
        state discarded, so its stored feeds are renamed ``<feed>.withdrawn`` (no consumer
        reads them) and its staged exports discarded; the frontier requeues what it kept."""
        dropped = store.discard_run(run)
        feed_dir = self.crawler.settings.get("NEWSCRAWL_FEED_DIR") or "output"
        for feed in run_feeds(feed_dir, self.crawler.spider.name, run):
            if os.path.isfile(feed):
                os.replace(feed, feed + ".withdrawn")
                logger.error("Feed withdrawn (this worker was taken for dead): %s.withdrawn",
                             feed)
        logger.error("Run %s: its %d staged articles are discarded; the crawl's other "
                     "workers (or its next run) export them", run, dropped)

    def counts(self):
        stats = self.stats.get_stats()

        def total(prefix):
            return sum(v for k, v in stats.items()
                       if k.startswith(prefix) and isinstance(v, int | float))

        return {
            "exported": stats.get("item_scraped_count", 0),
            "new": stats.get(STAT_NEW, 0),
            "updated": stats.get(STAT_UPDATED, 0),
            "repeated": stats.get(STAT_REPEATED, 0),
            "unchanged": stats.get(STAT_UNCHANGED, 0),
            "skipped_seen": stats.get("newscrawl/requests/skipped_seen", 0),
            "duplicates": total("newscrawl/duplicates/"),
            "dropped": stats.get("newscrawl/dropped", 0),
            "listing_pages": stats.get("newscrawl/pages/listing", 0),
            "article_pages": stats.get("newscrawl/pages/article", 0),
            "failed": stats.get("newscrawl/failed", 0),
            "failed_pages": stats.get("newscrawl/failed_pages") or [],
            "feeds": self.feeds(),
        }

    def feeds(self):
        """Where this run's feeds are (local paths as absolute paths)."""
        spider = self.crawler.spider
        out = []
        for uri in self.crawler.settings.getdict("FEEDS"):
            path = str(uri) % {"name": spider.name, "run_id": run_id(spider)}
            out.append(path if "://" in path else os.path.abspath(path))
        return out
