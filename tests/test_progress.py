"""The progress line of long crawls (newscrawl/extensions/progress.py)."""

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.extensions.progress import Progress
from newscrawl.spiders.japantimes import JapanTimesSpider


def progress(**settings):
    crawler = get_crawler(JapanTimesSpider, settings)
    return Progress.from_crawler(crawler), crawler.stats


def test_the_line_gives_the_rate_the_queue_and_what_is_left():
    ext, stats = progress()
    ext.started = 100.0
    ext.last = (100.0, 0, 0)
    stats.set_value("newscrawl/exported/new", 900)
    stats.set_value("newscrawl/exported/updated", 100)
    stats.set_value("response_received_count", 1200)
    ext.queued = lambda: (600, 16)
    ext.memory_mib = lambda: None
    line = ext.line(now=110.0)
    assert line == ("Progress: 1000 articles exported (100.0/s in the last 10 s, 100.0/s "
                    "overall), 1200 pages fetched, 600 requests queued and 16 in flight: "
                    "about 5 s of queued work at this rate")
    stats.set_value("newscrawl/exported/new", 1400)
    later = ext.line(now=120.0)  # 1500 articles in 20 s, 500 in the last 10
    assert "(50.0/s in the last 10 s, 75.0/s overall)" in later
    assert later.endswith("no page fetched in the last interval")


def test_without_the_engine_the_line_leaves_the_queue_out():
    ext, stats = progress()
    ext.started, ext.last = 0.0, (0.0, 0, 0)
    line = ext.line(now=60.0)
    assert line.startswith("Progress: 0 articles exported") and "queued" not in line
    assert line.endswith(" MiB resident") and Progress.memory_mib() > 10


def test_interval_zero_turns_it_off_and_the_project_replaces_logstats():
    with pytest.raises(NotConfigured):
        progress(NEWSCRAWL_PROGRESS_INTERVAL=0)
    from newscrawl import settings

    assert settings.EXTENSIONS["scrapy.extensions.logstats.LogStats"] is None
    assert settings.NEWSCRAWL_PROGRESS_INTERVAL == 60
