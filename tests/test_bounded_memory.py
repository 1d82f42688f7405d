"""What a run remembers stays bounded in memory however long it runs (issue #13): the
dupefilter, the spider's ``followed`` URLs, the incremental middleware's ``requested`` and
``skipped_seen``, the duplicates pipeline's keys (``newscrawl.state.spill.SpillMap``),
dateparser's caches, and the failed-pages list and per-page WARNING lines (capped).
"""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.discovery.sources import Entry
from newscrawl.dupefilter import BoundedDupeFilter
from newscrawl.extensions.report import build_report
from newscrawl.items import ArticleItem
from newscrawl.middlewares.incremental import IncrementalMiddleware
from newscrawl.pipelines.duplicates import DuplicatesPipeline
from newscrawl.spiders.base import STAT_FAILED_PAGES, STAT_FAILED_PAGES_OMITTED
from newscrawl.spiders.japantimes import JapanTimesSpider
from newscrawl.state.spill import SpillMap, SpillQueue
from newscrawl.state.sqlite import StateStore

LIMIT = 50
MANY = 1_000


def article_url(i):
    return f"https://www.japantimes.co.jp/news/2020/02/18/national/story-{i}/"


def test_spill_map_holds_at_most_its_limit_in_memory_and_forgets_nothing():
    seen = SpillMap(limit=10)
    for i in range(MANY):
        seen[f"k{i}".encode()] = i
        assert len(seen.recent) < 10
    assert all(seen.get(f"k{i}".encode()) == i for i in range(MANY))
    assert b"k-none" not in seen and seen.get(b"k-none", "absent") == "absent"
    seen[b"k3"] = 99  # set again: the newest value wins, still one key
    assert seen[b"k3"] == 99 and len(seen) == MANY
    seen.add(b"only-a-key")
    assert b"only-a-key" in seen
    with pytest.raises(KeyError):
        seen[b"k-none"]
    seen.close()


def test_a_small_run_never_touches_the_disk():
    seen = SpillMap(limit=100)
    for i in range(99):
        seen.add(i.to_bytes(4, "big"))
    assert seen._db is None and len(seen) == 99


def test_spill_queue_is_first_in_first_out_across_memory_and_disk():
    queue = SpillQueue(limit=10)
    for i in range(25):
        queue.push((article_url(i), {"newscrawl_source": "sitemap:/s.xml", "n": i}, False))
        assert len(queue.head) <= 10
    assert len(queue) == 25 and queue.on_disk == 15 and queue
    out = [queue.pop() for _ in range(12)]
    # pushed while values wait on disk: they go behind them, not before
    queue.push(("late", {}, True))
    out += [queue.pop() for _ in range(len(queue))]
    assert [v[1].get("n") for v in out[:25]] == list(range(25))
    assert out[-1] == ("late", {}, True)
    assert not queue and len(queue) == 0
    with pytest.raises(IndexError):
        queue.pop()
    queue.close()


def test_a_small_queue_never_touches_the_disk():
    queue = SpillQueue(limit=100)
    for i in range(100):
        queue.push(i)
    assert queue._db is None and [queue.pop() for _ in range(100)] == list(range(100))
    with pytest.raises(ValueError):
        SpillQueue(limit=0)


def crawler_with(spider_cls, **settings):
    crawler = get_crawler(spider_cls, {"NEWSCRAWL_MEMORY_KEYS": LIMIT, **settings})
    return crawler


def test_spider_followed_urls_are_bounded_and_each_still_requested_once():
    crawler = crawler_with(JapanTimesSpider)
    spider = JapanTimesSpider.from_crawler(crawler)
    requested = [spider.follow(Entry(url=article_url(i)), "sitemap:/s.xml")
                 for i in range(MANY)]
    assert all(r is not None for r in requested)
    assert isinstance(spider.followed, SpillMap) and len(spider.followed.recent) < LIMIT
    # found again by a listing, long after: not requested a second time
    assert spider.follow(Entry(url=article_url(3)), "listing:news/national",
                         section="news/national") is None
    # a newer change signal for an early URL is still seen as newer
    newer = spider.follow(Entry(url=article_url(5), changed=datetime(2030, 1, 1, tzinfo=UTC)),
                          "sitemap:/s.xml")
    assert newer is not None and newer.meta.get("newscrawl_signal_retry")


class Site:
    name = "japantimes"
    hosts = ("www.japantimes.co.jp", "japantimes.co.jp")


class JapanTimes(Spider):
    name = "japantimes"
    site = Site()


def test_incremental_middleware_sets_are_bounded(tmp_path):
    with StateStore.for_site(tmp_path, "japantimes") as store:
        for i in range(0, MANY, 2):  # every other article exported by an earlier run
            store.stage("run1", {"canonical_url": article_url(i),
                                 "published_at": "2020-02-18T18:07:56+09:00"})
        store.commit_run("run1")
    crawler = crawler_with(JapanTimes, NEWSCRAWL_STATE_DIR=str(tmp_path))
    crawler.spider = crawler._create_spider()
    mw = build_from_crawler(IncrementalMiddleware, crawler)
    mw.spider_opened(crawler.spider)

    def sent(url):
        try:
            return mw.process_request(Request(url)) is None
        except IgnoreRequest:
            return False

    assert [sent(article_url(i)) for i in range(MANY)] == [i % 2 == 1 for i in range(MANY)]
    assert len(mw.requested.recent) < LIMIT and len(mw.skipped_seen.recent) < LIMIT
    assert not sent(article_url(1) + "?utm_source=x")  # a repeat: still caught
    assert crawler.stats.get_value("newscrawl/requests/skipped_seen") == MANY // 2
    mw.spider_closed(crawler.spider)


def test_dupefilter_fingerprints_are_bounded():
    crawler = crawler_with(JapanTimes)
    dupefilter = build_from_crawler(BoundedDupeFilter, crawler)
    assert not any(dupefilter.request_seen(Request(article_url(i))) for i in range(MANY))
    assert all(dupefilter.request_seen(Request(article_url(i))) for i in range(0, MANY, 7))
    assert len(dupefilter._fingerprints.recent) < LIMIT
    dupefilter.close("finished")


def test_the_crawl_uses_the_bounded_dupefilter():
    from newscrawl import settings

    assert settings.DUPEFILTER_CLASS == "newscrawl.dupefilter.BoundedDupeFilter"


def test_duplicates_pipeline_keys_are_bounded():
    crawler = crawler_with(JapanTimes)
    crawler.spider = crawler._create_spider()
    pipeline = DuplicatesPipeline.from_crawler(crawler)
    for i in range(MANY):
        pipeline.process_item(ArticleItem(url=article_url(i), canonical_url=article_url(i),
                                          site="japantimes", article_id=str(i),
                                          content_hash=f"h{i}"))
    assert all(len(seen.recent) < LIMIT for seen in pipeline.seen.values())
    with pytest.raises(DropItem, match="duplicate"):
        pipeline.process_item(ArticleItem(url=article_url(2) + "?utm_source=x",
                                          canonical_url=article_url(2), site="japantimes",
                                          article_id="2", content_hash="h2"))
    pipeline.close()


def test_dateparser_caches_do_not_grow_with_the_pages_parsed():
    from dateparser.languages.dictionary import Dictionary

    from newscrawl.extraction import dates

    def sizes():
        return [len(getattr(Dictionary, name)) for name in dir(Dictionary)
                if name.endswith("_cache") and isinstance(getattr(Dictionary, name), dict)]

    base = datetime(2024, 1, 1, tzinfo=UTC)
    for k in range(50):  # warm up
        dates.parse_text(f"{k % 20 + 1} hours ago", relative_base=base + timedelta(minutes=k))
    before = sizes()
    for k in range(500):  # every page fetched at another time, with other text
        dates.parse_text(f"Updated {k % 27 + 1} hours ago",
                         relative_base=base + timedelta(minutes=k))
        dates.parse_text(f"Jan {k % 28 + 1}, 2019 at {k % 12 + 1}:05 p.m.",
                         relative_base=base + timedelta(minutes=k))
    assert sizes() == before
    assert dates._date_data_parser.cache_info().maxsize == 4


def test_failed_pages_listed_up_to_the_cap_and_counted_beyond(caplog):
    crawler = get_crawler(JapanTimesSpider, {"NEWSCRAWL_REPORT_LIST_CAP": 100})
    spider = JapanTimesSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    with caplog.at_level(logging.INFO, logger="newscrawl.spiders.base"):
        for i in range(250):
            spider.failed(article_url(i), "http_500")
    stats = crawler.stats
    assert len(stats.get_value(STAT_FAILED_PAGES)) == 100
    assert stats.get_value(STAT_FAILED_PAGES_OMITTED) == 150
    assert stats.get_value("newscrawl/failed") == 250
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 101  # 100 pages, then one line saying the rest are counted
    assert "the rest are counted" in warnings[-1].getMessage()
    report = build_report(stats.get_stats(), spider=spider, run="r1")
    assert len(report["failed_pages"]) == 100 and report["failed_pages_omitted"] == 150


def test_dropped_pages_and_bot_walls_warn_up_to_the_cap(caplog):
    crawler = get_crawler(JapanTimesSpider, {"NEWSCRAWL_REPORT_LIST_CAP": 10})
    spider = JapanTimesSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    with caplog.at_level(logging.INFO, logger="newscrawl.spiders.base"):
        for i in range(40):
            spider.drop(article_url(i), "truncated")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 11
    assert crawler.stats.get_value("newscrawl/dropped/truncated") == 40


def test_a_listing_page_is_freed_as_soon_as_it_is_read():
    import gc
    import weakref

    from scrapy.http import HtmlResponse

    from newscrawl.snapshot.scale import ScaleSite

    site = ScaleSite(2000, seed=0)
    crawler = get_crawler(JapanTimesSpider)
    spider = JapanTimesSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    url = "https://www.japantimes.co.jp/news/national/page/2/"
    response = HtmlResponse(url=url, body=site.answer("/news/national/page/2/")[2],
                            request=Request(url, meta={"newscrawl_section": "news/national",
                                                       "newscrawl_page": 2}),
                            headers={"Content-Type": "text/html; charset=utf-8"})
    requests = list(spider.parse_listing(response))
    assert len(requests) == 21  # 20 teasers and the next page
    freed = weakref.ref(response)
    gc.disable()  # no cyclic collection: reference counting alone must free the page
    try:
        del response
        assert freed() is None
    finally:
        gc.enable()
