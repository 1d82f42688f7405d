"""Monitors: a run that went wrong fails, with an ERROR line naming the monitor and exit 1."""

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

from newscrawl.monitors import CrawlMonitorSuite, min_byline_coverage

ROOT = Path(__file__).resolve().parents[1]

HEALTHY = {
    "newscrawl/pages/listing": 4,
    "newscrawl/pages/article": 40,
    "newscrawl/validated": 40,
    "item_scraped_count": 40,
    "newscrawl/coverage/authors_or_credit": 36,
}


class JapanTimes(Spider):
    name = "japantimes"


def run_suite(stats, settings=None, spider_attrs=None):
    crawler = get_crawler(JapanTimes, settings or {})
    crawler.spider = crawler._create_spider()
    for name, value in (spider_attrs or {}).items():
        setattr(crawler.spider, name, value)
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    suite = CrawlMonitorSuite(crawler=crawler)
    runner = SpiderMonitorRunner(spider=crawler.spider)
    result = runner.run(suite, stats=crawler.stats.get_stats(), crawler=crawler,
                        spider=crawler.spider)
    failed = sorted(f"{r.item.monitor_name}/{r.item.method_name}"
                    for r in result.monitors_failed_results)
    return failed, crawler.stats


def test_a_healthy_run_passes_and_says_so():
    failed, stats = run_suite(HEALTHY)
    assert failed == []
    assert stats.get_value("newscrawl/monitors/failed") == 0


def test_no_article_from_listing_pages_fails(caplog):
    caplog.set_level(logging.ERROR)
    failed, stats = run_suite({"newscrawl/pages/listing": 3})
    assert failed == ["Articles exported/articles from listing pages"]
    assert stats.get_value("newscrawl/monitors/failed") == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "newscrawl.monitors"]
    assert lines == [
        "Monitor failed: Articles exported/articles from listing pages: no article exported "
        "from 3 listing pages (0 article pages parsed, 0 dropped): the teaser or article "
        "selectors may be broken"
    ]
    assert stats.get_value("newscrawl/monitors/failures") == lines


def test_an_incremental_run_with_nothing_new_passes():
    # everything was exported before: skipped before download, or fetched again and unchanged
    assert run_suite({"newscrawl/pages/listing": 3,
                      "newscrawl/requests/skipped_seen": 25})[0] == []
    assert run_suite({"newscrawl/pages/listing": 3, "newscrawl/pages/article": 5,
                      "newscrawl/validated": 5, "newscrawl/unchanged": 5})[0] == []


def test_no_listing_page_is_not_this_monitors_business():
    assert run_suite({})[0] == []


@pytest.mark.parametrize("field", ["headline", "published_at", "body"])
def test_required_field_coverage_below_the_minimum_fails(field):
    stats = dict(HEALTHY, **{f"newscrawl/missing/{field}": 3})  # 37/40 = 92.5%
    failed, _ = run_suite(stats, {"NEWSCRAWL_MAX_DROPPED_PERCENT": 100})
    assert failed == [f"Field coverage/{field}"]
    # 2 of 40 missing is 95%: at the minimum, not below it
    stats[f"newscrawl/missing/{field}"] = 2
    assert run_suite(stats)[0] == []
    # the minimum is a setting
    stats[f"newscrawl/missing/{field}"] = 3
    assert run_suite(stats, {"NEWSCRAWL_MIN_COVERAGE": 90})[0] == []


def test_byline_coverage_threshold_is_per_site():
    stats = dict(HEALTHY, **{"newscrawl/coverage/authors_or_credit": 22})  # 55%
    assert run_suite(stats)[0] == ["Byline coverage/authors or credit"]  # japantimes: 60
    assert run_suite(stats, {"NEWSCRAWL_MIN_BYLINE_COVERAGE": 50})[0] == []
    assert run_suite(stats, {"NEWSCRAWL_MIN_BYLINE_COVERAGE": '{"japantimes": 50}'})[0] == []

    class Site:
        name = "japantimes"
        min_byline_coverage = 20

    assert run_suite(stats, spider_attrs={"site": Site()})[0] == []


def test_min_byline_coverage_forms():
    settings = get_crawler(JapanTimes).settings
    spider = JapanTimes()
    assert min_byline_coverage(settings, spider) == 60
    settings = get_crawler(JapanTimes, {"NEWSCRAWL_MIN_BYLINE_COVERAGE": "75"}).settings
    assert min_byline_coverage(settings, spider) == 75
    other = type("Other", (Spider,), {"name": "other"})()
    settings = get_crawler(JapanTimes, {"NEWSCRAWL_MIN_BYLINE_COVERAGE":
                                        {"japantimes": 60, "default": 40}}).settings
    assert min_byline_coverage(settings, other) == 40


def test_small_runs_are_not_judged_on_coverage():
    assert run_suite({"newscrawl/pages/listing": 1, "newscrawl/pages/article": 2,
                      "newscrawl/validated": 2, "item_scraped_count": 2})[0] == []


def test_too_many_dropped_article_pages_fails():
    stats = dict(HEALTHY, **{"newscrawl/dropped": 3, "newscrawl/dropped/not_article": 3})
    assert run_suite(stats)[0] == ["Dropped pages/article pages dropped"]  # 7.5% > 5%
    assert run_suite(stats, {"NEWSCRAWL_MAX_DROPPED_PERCENT": 10})[0] == []
    stats = dict(HEALTHY, **{"newscrawl/dropped": 2, "newscrawl/dropped/schema": 2})
    assert run_suite(stats)[0] == []  # 5% is the maximum, not above it


def test_a_few_article_pages_are_not_judged_by_their_share():
    # an hourly run that fetched 2 article pages, one of them the site's truncated page
    few = dict(HEALTHY, **{"newscrawl/pages/article": 2, "newscrawl/dropped": 1,
                           "newscrawl/dropped/truncated": 1})
    assert run_suite(few)[0] == []
    assert run_suite(few, {"NEWSCRAWL_MONITOR_MIN_PAGES": 2})[0] == [
        "Dropped pages/article pages dropped"]


def test_drops_by_the_users_choice_do_not_count():
    stats = dict(HEALTHY, **{"newscrawl/dropped": 30, "newscrawl/dropped/older_than_since": 30})
    assert run_suite(stats)[0] == []


def test_unchanged_and_duplicates_are_not_dropped_pages():
    stats = dict(HEALTHY, **{"newscrawl/unchanged": 30, "newscrawl/duplicates/canonical_url": 9})
    assert run_suite(stats)[0] == []


SPIDER = textwrap.dedent("""
    import scrapy

    class Broken(scrapy.Spider):
        # listing pages parsed, not one article: what a renamed teaser class looks like
        name = "broken_listing"

        async def start(self):
            self.crawler.stats.set_value("newscrawl/pages/listing", 2)
            return
            yield

    class Quiet(scrapy.Spider):
        name = "quiet"

        async def start(self):
            return
            yield
""")


def crawl(tmp_path, spider):
    (tmp_path / "monitor_test_spiders.py").write_text(SPIDER)
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", spider,
         "-s", "SPIDER_MODULES=monitor_test_spiders",
         "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}",
         "-s", f"NEWSCRAWL_FEED_DIR={tmp_path / 'out'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_scrapy_crawl_exits_1_when_a_monitor_fails(tmp_path):
    proc = crawl(tmp_path, "broken_listing")
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert ("ERROR: Monitor failed: Articles exported/articles from listing pages"
            in proc.stderr)


def test_scrapy_crawl_exits_0_when_the_monitors_pass(tmp_path):
    proc = crawl(tmp_path, "quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Monitor failed" not in proc.stderr
