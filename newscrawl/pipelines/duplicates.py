"""Drop repeats within a run: one story, one record, however many ways it was reached.

An item is a duplicate of one already seen in this run when, in this order:

1. ``canonical_url``: its normalised canonical URL (https, no fragment, no tracking query,
   the site's preferred host) is the same: the same story listed in two sections, linked with
   a tracking query or fragment, over http, or without ``www``;
2. ``article_id``: the site's own id is the same (the same article under another URL);
3. ``content_hash``: the body is the same (the same text under two URLs).

Each duplicate is dropped with a reason naming the key and the first URL, and counted as
``newscrawl/duplicates/<key>``. An item a later pipeline dropped because another worker of a
distributed crawl claimed it (``claimed: ...``) is forgotten here: if that worker dies, the
article comes back to this one and must not be taken for a duplicate of what was never
exported. Keys are kept as 16-byte digests, so memory grows with the run, not with the
history (across runs is the state pipeline's job), and no more than ``NEWSCRAWL_MEMORY_KEYS``
of each are held in memory (``newscrawl.state.spill``).
"""

import logging

from scrapy import signals
from scrapy.exceptions import DropItem

from newscrawl.middlewares.incremental import site_hosts
from newscrawl.state.spill import SpillMap
from newscrawl.state.sqlite import site_name
from newscrawl.urls import key_digest, normalize_url

logger = logging.getLogger(__name__)

KEYS = ("canonical_url", "article_id", "content_hash")
STAT_PREFIX = "newscrawl/duplicates/"



class DuplicatesPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        # key name -> {digest: first URL}
        self.seen = {key: SpillMap.from_settings(crawler.settings) for key in KEYS}

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.close, signal=signals.spider_closed)
        return pipeline

    def close(self):
        for seen in self.seen.values():
            seen.close()

    def item_dropped(self, item, response=None, exception=None, **kwargs):
        if not str(exception or "").startswith("claimed"):
            return
        first_url = item.get("canonical_url") or item.get("url")
        for name, value in self.keys(item):
            digest = key_digest(value)
            if self.seen[name].get(digest) == first_url:
                # forgotten: a placeholder no URL equals (a SpillMap keeps its keys)
                self.seen[name][digest] = None

    def keys(self, item):
        """(key name, value) pairs identifying the item; a missing value is no key."""
        spider = self.crawler.spider
        canonical = item.get("canonical_url") or item.get("url")
        if canonical:
            yield "canonical_url", normalize_url(canonical, hosts=site_hosts(spider))
        if item.get("article_id"):
            site = item.get("site") or site_name(spider)
            yield "article_id", f"{site}\x00{item['article_id']}"
        if item.get("content_hash"):
            yield "content_hash", str(item["content_hash"])

    def process_item(self, item):
        keys = [(name, key_digest(value)) for name, value in self.keys(item)]
        for name, digest in keys:
            first = self.seen[name].get(digest)
            if first is not None:
                self.stats.inc_value(STAT_PREFIX + name)
                url = item.get("url") or item.get("canonical_url")
                logger.debug("Duplicate by %s: %s (first: %s)", name, url, first)
                raise DropItem(f"duplicate ({name}) of {first}: {url}", log_level="DEBUG")
        first_url = item.get("canonical_url") or item.get("url")
        for name, digest in keys:
            self.seen[name][digest] = first_url
        return item
