"""The snapshot mirror (newscrawl/middlewares/mirror.py, installed by newscrawl/addon.py).

A real crawl in a subprocess against the loopback SnapshotServer: the records carry the site's
real URLs, and every request for the site went into the unthrottled ``newscrawl-mirror``
download slot even with DOWNLOAD_DELAY=1. Without NEWSCRAWL_MIRROR nothing is installed.
"""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import newscrawl.settings as project_settings
from newscrawl.addon import NewscrawlAddon
from newscrawl.middlewares.mirror import (
    MIRROR_SLOT,
    MirrorDownloadHandler,
    MirrorMiddleware,
    from_mirror,
    to_mirror,
)
from newscrawl.snapshot import expected_articles
from newscrawl.snapshot.server import SnapshotServer
from newscrawl.spiders.japantimes import JapanTimesSpider

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "https://www.japantimes.co.jp"
SECTIONS = "news/national,business"
HANDLER = "newscrawl.middlewares.mirror.MirrorDownloadHandler"


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}


@pytest.fixture(scope="module")
def server():
    with SnapshotServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def crawl(server, tmp_path_factory):
    """`scrapy crawl` through the mirror, two sections, the live crawl's politeness delay."""
    tmp = tmp_path_factory.mktemp("mirror")
    out = tmp / "out.jsonl"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes", "-a", f"sections={SECTIONS}",
         "-s", f"NEWSCRAWL_MIRROR={server.url}", "-s", "DOWNLOAD_DELAY=1",
         "-s", "AUTOTHROTTLE_ENABLED=True", "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'state'}",
         "-s", f"NEWSCRAWL_FEED_DIR={tmp / 'feeds'}", "-s", "STATS_DUMP=True",
         "-O", str(out)],
        cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=120,
    )
    elapsed = time.monotonic() - started
    return proc, out, elapsed


def test_the_crawl_through_the_mirror_exports_real_urls(crawl, server):
    proc, out, _ = crawl
    assert proc.returncode == 0, proc.stderr[-3000:]
    raw = out.read_text("utf-8")
    records = [json.loads(line) for line in raw.splitlines()]
    expected = expected_articles(sections=SECTIONS.split(","))
    assert len(records) == len(expected) == 15
    assert sorted(r["url"] for r in records) == sorted(a["url"] for a in expected)
    for rec in records:
        assert rec["url"].startswith(ORIGIN + "/"), rec["url"]
        assert rec["canonical_url"].startswith(ORIGIN + "/")
        for image in rec["images"]:
            assert "127.0.0.1" not in image["url"]
    # The mirror's address appears nowhere in the feed.
    host, port = server.url.removeprefix("http://").split(":")
    assert "127.0.0.1" not in raw and f":{port}/" not in raw


def test_the_mirror_is_not_throttled_by_the_live_delay(crawl):
    proc, _, elapsed = crawl
    assert proc.returncode == 0
    stats = proc.stderr[proc.stderr.index("Dumping Scrapy stats"):]
    count = int(stats.split("'downloader/request_count': ")[1].split(",")[0])
    assert count >= 19  # robots.txt, 4 listing pages, 15 article pages
    # One request a second in the site's own slot would take count-1 seconds at least.
    seconds = float(stats.split("'elapsed_time_seconds': ")[1].split(",")[0])
    assert seconds < 5, seconds
    assert elapsed < 30


SLOT_SCRIPT = textwrap.dedent("""
    import json, sys
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from newscrawl.spiders.japantimes import JapanTimesSpider

    mirror, tmp = sys.argv[1], sys.argv[2]
    settings = get_project_settings()
    for name, value in {"NEWSCRAWL_MIRROR": mirror, "DOWNLOAD_DELAY": 1,
                        "NEWSCRAWL_STATE_DIR": tmp + "/state",
                        "NEWSCRAWL_FEED_DIR": tmp + "/feeds", "LOG_LEVEL": "WARNING"}.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(JapanTimesSpider)
    seen = []

    def reached(request, spider):
        key = request.meta["download_slot"]
        slot = crawler.engine.downloader.slots[key]
        seen.append({"url": request.url, "slot": key, "delay": slot.delay})

    crawler.signals.connect(reached, signal=signals.request_reached_downloader)
    process.crawl(crawler, sections="news/japan")
    process.start()
    handlers = crawler.settings.getdict("DOWNLOAD_HANDLERS")
    print(json.dumps({"seen": seen, "handlers": handlers,
                      "items": crawler.stats.get_value("item_scraped_count")}))
""")


def test_every_site_request_goes_into_the_mirror_slot(server, tmp_path):
    proc = subprocess.run([sys.executable, "-c", SLOT_SCRIPT, server.url, str(tmp_path)],
                          cwd=ROOT, env=clean_env(), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    seen = result["seen"]
    assert len(seen) >= 13  # robots.txt, feeds, sitemaps, 2 listing pages, article pages
    assert {s["slot"] for s in seen} == {MIRROR_SLOT}
    assert {s["delay"] for s in seen} == {0}
    assert all(s["url"].startswith(ORIGIN + "/") for s in seen)
    assert ORIGIN + "/robots.txt" in [s["url"] for s in seen]
    assert result["handlers"]["http"] == result["handlers"]["https"] == HANDLER
    # news/japan through its listing, the feeds and the sitemaps: 11 good articles (the
    # snapshot's cut page is dropped)
    assert result["items"] == len(expected_articles(sections=["news/japan"])) == 11


# --- not configured --------------------------------------------------------------------------


def project_settings_after_addon():
    """The project's settings as a crawl sees them once the add-on ran (not get_crawler's:
    without a reactor it pre-sets DOWNLOAD_HANDLERS for its own aiohttp handler)."""
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    assert "newscrawl.addon.NewscrawlAddon" in settings.getdict("ADDONS")
    NewscrawlAddon().update_settings(settings)
    return settings


def test_without_a_mirror_the_middleware_is_not_configured(monkeypatch):
    monkeypatch.delenv("NEWSCRAWL_MIRROR", raising=False)
    crawler = get_crawler(JapanTimesSpider, {"NEWSCRAWL_MIRROR": ""})
    with pytest.raises(NotConfigured):
        MirrorMiddleware.from_crawler(crawler)
    # The middleware is listed in the project's settings all the same: NotConfigured is what
    # keeps it out of a live crawl.
    middlewares = project_settings.DOWNLOADER_MIDDLEWARES
    assert "newscrawl.middlewares.mirror.MirrorMiddleware" in middlewares


def test_without_a_mirror_the_addon_installs_no_handler(monkeypatch):
    monkeypatch.delenv("NEWSCRAWL_MIRROR", raising=False)
    settings = project_settings_after_addon()
    assert settings.get("NEWSCRAWL_MIRROR") == ""
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert HANDLER not in handlers.values()
    assert "http" not in handlers and "https" not in handlers


def test_with_a_mirror_in_the_environment_the_addon_installs_the_handler(monkeypatch):
    monkeypatch.setenv("NEWSCRAWL_MIRROR", "http://127.0.0.1:9")
    settings = project_settings_after_addon()
    assert settings.get("NEWSCRAWL_MIRROR") == "http://127.0.0.1:9"
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert handlers["http"] == handlers["https"] == HANDLER
    crawler = get_crawler(JapanTimesSpider, {"NEWSCRAWL_MIRROR": "http://127.0.0.1:9/"})
    assert MirrorMiddleware.from_crawler(crawler).origin == "http://127.0.0.1:9"


def test_the_middleware_puts_only_site_requests_in_the_mirror_slot(monkeypatch):
    from scrapy import Request

    monkeypatch.delenv("NEWSCRAWL_MIRROR", raising=False)
    middleware = MirrorMiddleware("http://127.0.0.1:9")
    site = Request(ORIGIN + "/news/japan/")
    bare = Request("https://japantimes.co.jp/news/japan/")
    other = Request("https://cdn.example.org/image.jpg")
    for request in (site, bare, other):
        assert middleware.process_request(request) is None
    assert site.meta["download_slot"] == bare.meta["download_slot"] == MIRROR_SLOT
    assert site.meta["autothrottle_dont_adjust_delay"] is True
    assert "download_slot" not in other.meta


def test_urls_to_and_from_the_mirror():
    mirror = "http://127.0.0.1:8765"
    assert to_mirror(ORIGIN + "/news/japan/?pgno=2#top", mirror) == (
        "http://127.0.0.1:8765/news/japan/?pgno=2")
    assert from_mirror("http://127.0.0.1:8765/news/japan/?pgno=2", mirror,
                       ORIGIN + "/news/japan/") == ORIGIN + "/news/japan/?pgno=2"
    assert from_mirror("https://elsewhere.example/x", mirror, ORIGIN + "/") == (
        "https://elsewhere.example/x")


def test_the_handler_class_is_what_the_addon_names():
    assert f"{MirrorDownloadHandler.__module__}.{MirrorDownloadHandler.__name__}" == HANDLER
