"""CrawlReport: the end-of-crawl summary in the log and the JSON file beside the feed."""

import json
import logging

import pytest
from scrapy import Spider, signals
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newscrawl.extensions.report import CrawlReport, report_path_for_feed
from newscrawl.items import ARTICLE_KEYS, ArticleItem, complete


class JapanTimes(Spider):
    name = "japantimes"


def item(n, **values):
    it = ArticleItem(url=f"https://www.japantimes.co.jp/news/a-{n}/", headline=f"A {n}",
                     paywalled=False, word_count=0, **values)
    return complete(it)


def start(tmp_path, feeds=None, **settings):
    settings = {"NEWSCRAWL_FEED_DIR": str(tmp_path / "output"),
                # only the feed exporter (it resolves the feed URIs) and the report
                "EXTENSIONS_BASE": {"scrapy.extensions.feedexport.FeedExporter": 0},
                "EXTENSIONS": {CrawlReport: 500}, **settings}
    if feeds is not None:
        settings["FEEDS"] = feeds
    crawler = get_crawler(JapanTimes, settings)
    crawler.spider = crawler._create_spider()
    crawler.spider.newscrawl_run_id = "20261128T050000Z-1"
    for name, signal in (("spider_opened", signals.spider_opened),):
        results = crawler.signals.send_catch_log(signal, spider=crawler.spider)
        assert not [r for _, r in results if isinstance(r, Failure)], name
    return crawler, crawler.get_extension(CrawlReport)


def scrape(crawler, *items):
    for it in items:
        crawler.signals.send_catch_log(signals.item_scraped, item=it, response=None,
                                       spider=crawler.spider)
        crawler.stats.inc_value("item_scraped_count")


STATS = {
    "newscrawl/exported/new": 3,
    "newscrawl/exported/updated": 1,
    "newscrawl/unchanged": 7,
    "newscrawl/requests/skipped_seen": 12,
    "newscrawl/duplicates/canonical_url": 2,
    "newscrawl/duplicates/content_hash": 1,
    "newscrawl/dropped": 2,
    "newscrawl/dropped/missing_body": 1,
    "newscrawl/dropped/schema": 1,
    "newscrawl/stripped/ad": 9,
    "newscrawl/stripped/related": 4,
    "newscrawl/flagged/undecodable_text": 1,
    "newscrawl/pages/listing": 3,
    "newscrawl/pages/listing/news/national": 2,
    "newscrawl/pages/listing/news/asia-pacific": 1,
    "newscrawl/pages/article": 6,
    "downloader/response_status_count/200": 9,
    "downloader/response_status_count/301": 1,
    "downloader/response_status_count/404": 2,
    "downloader/response_status_count/503": 1,
    "finish_reason": "finished",
}


def finish(crawler, report):
    for key, value in STATS.items():
        crawler.stats.set_value(key, value)
    report.spider_closed(crawler.spider, "finished")


def test_report_beside_the_per_run_feed_with_every_figure(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    crawler, report = start(tmp_path)
    scrape(crawler,
           item(1, authors=["Jane Doe"], tags=["Tokyo"], credit=None),
           item(2, credit="Kyodo"),
           item(3, authors=[], credit=None),
           item(4, authors=["Taro Yamada"]))
    finish(crawler, report)

    path = tmp_path / "output" / "japantimes" / "japantimes_20261128T050000Z-1.report.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["run_id"] == "20261128T050000Z-1"
    assert data["articles"] == {"exported": 4, "new": 3, "updated": 1, "repeated": 0,
                                "unchanged": 7, "paywalled": 0}
    assert data["requests"]["skipped_seen"] == 12
    assert data["duplicates"] == {"canonical_url": 2, "content_hash": 1}
    assert data["dropped"] == {"total": 2, "by_reason": {"missing_body": 1, "schema": 1}}
    assert data["stripped"] == {"ad": 9, "related": 4}
    assert data["flagged"] == {"undecodable_text": 1}
    assert data["pages"]["by_section"] == {"news/asia-pacific": 1, "news/national": 2}
    assert data["http_errors"] == {"404": 2, "503": 1}
    coverage = data["field_coverage"]
    assert list(coverage) == list(ARTICLE_KEYS)
    assert coverage["url"] == coverage["headline"] == 100.0
    assert coverage["authors"] == 50.0       # [] is not covered
    assert coverage["credit"] == 25.0        # null is not covered
    assert coverage["tags"] == 25.0
    assert coverage["paywalled"] == 100.0    # false is a value
    assert coverage["word_count"] == 100.0   # so is 0
    assert coverage["body"] == 0.0
    assert crawler.stats.get_value("newscrawl/coverage/authors_or_credit") == 3

    summary = [r.getMessage() for r in caplog.records if r.name.endswith("report")][-1]
    assert "articles exported: 4 (new 3, updated 1)" in summary
    assert "canonical_url=2" in summary and "missing_body=1" in summary
    assert "exported but flagged: undecodable_text=1" in summary
    assert str(path) in summary


def test_report_beside_an_o_feed(tmp_path):
    feed = tmp_path / "mine" / "articles.jsonl"
    crawler, report = start(tmp_path, feeds={str(feed): {"format": "jsonlines"}})
    finish(crawler, report)
    assert (tmp_path / "mine" / "articles.report.json").exists()
    data = json.loads((tmp_path / "mine" / "articles.report.json").read_text())
    assert data["feeds"] == [str(feed)]
    # nothing exported: coverage is unknown, not 0%
    assert set(data["field_coverage"].values()) == {None}


def test_report_includes_the_monitors_verdict(tmp_path):
    crawler, report = start(tmp_path)
    crawler.stats.set_value("newscrawl/monitors/failed", 1)
    crawler.stats.set_value("newscrawl/monitors/failures", ["Monitor failed: X/y: z"])
    finish(crawler, report)
    path = tmp_path / "output" / "japantimes" / "japantimes_20261128T050000Z-1.report.json"
    monitors = json.loads(path.read_text())["monitors"]
    assert monitors == {"ran": True, "passed": False, "failures": ["Monitor failed: X/y: z"]}


def test_no_file_when_reports_are_off_but_the_summary_is_logged(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    crawler, report = start(tmp_path, NEWSCRAWL_REPORT=False)
    finish(crawler, report)
    assert not list(tmp_path.rglob("*.report.json"))
    assert "Crawl report for japantimes" in caplog.text


@pytest.mark.parametrize(
    ("feed", "expected"),
    [
        ("output/japantimes/japantimes_1.jsonl", "output/japantimes/japantimes_1.report.json"),
        ("file:///data/feeds/x.json", "/data/feeds/x.report.json"),
        ("/data/x.jsonl.gz", "/data/x.report.json"),
        ("s3://bucket/x.jsonl", None),
        ("stdout:", None),
    ],
)
def test_report_path_for_feed(feed, expected):
    assert report_path_for_feed(feed) == expected
