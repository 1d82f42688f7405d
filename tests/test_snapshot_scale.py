"""The scale site (newscrawl/snapshot/scale.py): pages made on request from a seed, records
derivable from it, and a crawl of it exporting every article exactly once with the right fields.
"""

import gzip
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import newscrawl
from newscrawl.snapshot import build as wpb
from newscrawl.snapshot.scale import (
    BOTWALL_AT,
    SECTIONS,
    TRACKING_QUERY,
    ScaleSite,
    _real_page,
    index_of_url,
)
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
COMPARED = ("url", "canonical_url", "headline", "published_at", "modified_at", "authors",
            "credit", "dateline", "paragraphs", "article_id", "section", "subsection", "tags",
            "paywalled")


def test_wordpress_pages_are_what_the_snapshot_build_makes():
    site = ScaleSite(1000, seed=3)
    checked = 0
    for i in range(0, 400, 2):  # sections 0 and 2 of 4: national and news/japan
        article = site.article(i)
        if article["layout"] != "wordpress" or site.is_botwall(i):
            continue
        status, _, page, _ = site.article_page(i)
        assert status == 200
        assert page == wpb.wp_article_page(_real_page(), article)
        checked += 1
    assert checked >= 90


def test_pages_and_records_are_the_same_for_the_same_seed_only():
    a, b, c = ScaleSite(500, seed=1), ScaleSite(500, seed=1), ScaleSite(500, seed=2)
    assert a.answer(a.path(7)) == b.answer(b.path(7))
    assert a.expected_record(7) == b.expected_record(7)
    assert a.expected_record(7)["paragraphs"] != c.expected_record(7)["paragraphs"]


@pytest.mark.parametrize("i", [0, 1, 2, 3, 96, 101, 254, 399, 553, 1998])
def test_expected_record_is_what_extraction_gives(i):
    site = ScaleSite(2000, seed=5)
    status, _, body, _ = site.answer(site.path(i))
    record = newscrawl.extract(body, site.url(i))
    expected = site.expected_record(i)
    for key in COMPARED:
        assert record[key] == expected[key], key
    assert len(record["images"]) == expected["image_count"]


def test_special_pages_are_spread_over_the_site():
    site = ScaleSite(10_000, seed=0)
    assert site.expected_record(BOTWALL_AT) is None
    status, _, body, headers = site.answer(site.path(BOTWALL_AT))
    assert status == 403 and b"Just a moment..." in body and headers["Server"] == "cloudflare"
    assert len(site.expected_indices()) == 10_000 - 10
    paywalled = [i for i in range(1000) if site.is_paywalled(i)]
    assert 15 <= len(paywalled) <= 25
    assert all(site.expected_record(i)["paywalled"] for i in paywalled[:3])
    # a tracking-query duplicate on listings, answering the same article
    _, _, listing, _ = site.answer("/news/japan/?pgno=5")
    assert TRACKING_QUERY.replace("&", "&amp;").encode() in listing
    i = 2
    assert site.answer(site.path(i) + TRACKING_QUERY) == site.answer(site.path(i))


def test_every_article_is_in_its_section_listing_and_its_month_sitemap():
    site = ScaleSite(1000, seed=0)
    months = site.months()
    assert 90 <= len(months) <= 100
    assert sum(last - first + 1 for first, last in months.values()) == 1000
    for section in SECTIONS:
        assert len(site.section_indices(section)) == 250
        assert all(site.section(i) == section for i in site.section_indices(section))
    # WordPress pagination /page/N/, current ?pgno=N; the last page has no next link
    _, _, last_wp, _ = site.answer("/news/national/page/13/")
    assert b"next page-numbers" not in last_wp
    _, _, wp2, _ = site.answer("/news/national/page/2/")
    assert b"/news/national/page/3/" in wp2
    assert site.answer("/news/national/page/14/") is None
    _, _, cur2, _ = site.answer("/business/?pgno=2")
    assert b"?pgno=3" in cur2
    assert site.answer("/business/?pgno=14") is None


def test_server_serves_feeds_sitemaps_and_pages(tmp_path):
    with SnapshotServer(scale=3000, seed=2) as server:
        site = server.scale_site

        def get(path):
            with urllib.request.urlopen(server.url + path, timeout=10) as response:
                return response.status, response.headers["Content-Type"], response.read()

        status, ctype, robots = get("/robots.txt")
        assert b"Sitemap: https://www.japantimes.co.jp/sitemap_index.xml" in robots
        _, _, index = get("/sitemap_index.xml")
        child = index.decode().split("<loc>")[5].split("</loc>")[0]
        status, ctype, data = get(child.replace("https://www.japantimes.co.jp", ""))
        assert ctype == "application/x-gzip" and b"<urlset" in gzip.decompress(data)
        _, _, feed = get("/feed/")
        assert site.url(2999).encode() in feed and feed.count(b"<item>") == 30
        _, ctype, atom = get("/business/feed/")
        assert ctype.startswith("application/atom+xml") and atom.count(b"<entry>") == 20
        _, _, news = get("/news-sitemap.xml")
        assert b"news:publication_date" in news
        status, _, page = get(site.path(1234))
        assert status == 200 and site.headline(1234).encode() in page
        with pytest.raises(urllib.error.HTTPError) as error:
            get("/news/2016/01/01/national/nothing-here-99999/")
        assert error.value.code == 404


def test_the_changed_state_adds_and_updates_one_percent():
    before, after = ScaleSite(10_000, seed=1), ScaleSite(10_000, seed=1, changed=1)
    added, updated = after.changed_indices()
    assert len(added) == 50 and len(updated) == 50
    i = updated[0]
    record = after.expected_record(i)
    assert record["modified_at"] is not None
    assert record["paragraphs"][:-1] == before.expected_record(i)["paragraphs"]
    assert after.lastmod(i) > before.lastmod(i)
    assert after.published(added[0]) > before.published(9999)
    assert before.answer(after.path(added[0])) is None


def crawl(tmp, n, changed=0.0, name="run", settings=()):
    out = tmp / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    extra = [arg for setting in settings for arg in ("-s", setting)]
    with SnapshotServer(scale=n, seed=4, scale_changed=changed) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "japantimes",
             "-s", f"NEWSCRAWL_MIRROR={server.url}", "-s", f"NEWSCRAWL_FEED_DIR={out}",
             "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'state'}", "-s", "LOG_LEVEL=INFO",
             "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.5", *extra],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    feeds = list(out.rglob("*.jsonl"))
    assert proc.returncode == 0 and len(feeds) == 1, proc.stderr[-3000:]
    records = [json.loads(line) for line in feeds[0].read_text("utf-8").splitlines()]
    report = json.loads(feeds[0].with_name(
        feeds[0].name.removesuffix(".jsonl") + ".report.json").read_text("utf-8"))
    return proc, records, report


def test_a_crawl_of_the_scale_site_exports_every_article_once_then_only_the_changes(tmp_path):
    n = 800
    site = ScaleSite(n, seed=4)
    proc, records, report = crawl(tmp_path, n)
    by_index = {index_of_url(r["url"]): r for r in records}
    assert len(by_index) == len(records)
    assert sorted(by_index) == site.expected_indices()  # the bot wall is not exported
    for i, record in by_index.items():
        expected = site.expected_record(i)
        for key in COMPARED:
            assert record[key] == expected[key], (i, key)
    assert report["requests"]["article_pages"] == n  # the tracking duplicates not requested
    # a readable log at INFO: nothing per article, a progress line now and then
    lines = proc.stderr.splitlines()
    assert not any(" DEBUG: " in line for line in lines)
    info = [line for line in lines if " INFO: " in line]
    progress = [line for line in info if "Progress: " in line and "requests queued" in line]
    assert progress
    # (progress lines come every 0.5 s here, more of them on a slow machine: not counted)
    other = [line for line in info if line not in progress]
    assert len(other) < 60, other[:80]

    changed = ScaleSite(n, seed=4, changed=1)
    added, updated = changed.changed_indices()
    proc, records, report = crawl(tmp_path, n, changed=1, name="second")
    assert sorted(index_of_url(r["url"]) for r in records) == sorted(added + updated)
    for r in records:
        expected = changed.expected_record(index_of_url(r["url"]))
        assert r["paragraphs"] == expected["paragraphs"]
        assert r["modified_at"] == expected["modified_at"]
    # plus the bot wall, never exported so never in the state: asked again, as it should be
    walls = [i for i in range(n) if changed.is_botwall(i)]
    assert len(walls) == 1
    assert report["requests"]["article_pages"] == len(added) + len(updated) + len(walls)


def queued_in_progress_lines(stderr):
    return [int(m[1]) for m in re.finditer(r"Progress: .*?(\d+) requests queued", stderr)]


def test_sitemap_articles_wait_in_a_bounded_backlog_not_in_the_scheduler(tmp_path):
    # The monthly sitemaps list every article; as requests they would all sit in the
    # scheduler's memory queue at once. With room for 40, the rest wait in the backlog, which
    # itself keeps 10 in memory and the rest on disk; nothing is lost or asked twice.
    n = 1200
    site = ScaleSite(n, seed=4)
    proc, records, report = crawl(tmp_path, n, settings=(
        "NEWSCRAWL_MAX_QUEUED=40", "NEWSCRAWL_MEMORY_KEYS=10",
        "NEWSCRAWL_PROGRESS_INTERVAL=0.2"))
    indices = [index_of_url(r["url"]) for r in records]
    assert sorted(indices) == site.expected_indices()  # every article, once
    assert report["requests"]["article_pages"] == n
    assert report["requests"]["backlog_max"] > 40  # the backlog held what the queue did not
    queued = queued_in_progress_lines(proc.stderr)
    assert queued, proc.stderr[-2000:]
    # 40 articles at most, plus the documents queued beside them: a sitemap index hands over
    # all its monthly sitemaps at once (96 here), and a few feeds
    documents = len(site.months()) + 10
    assert max(queued) <= 40 + documents, queued

    # the same crawl without the backlog queues far more at once
    (tmp_path / "without").mkdir()
    proc, records, report = crawl(tmp_path / "without", n, settings=(
        "NEWSCRAWL_MAX_QUEUED=0", "NEWSCRAWL_PROGRESS_INTERVAL=0.2"))
    assert sorted(index_of_url(r["url"]) for r in records) == site.expected_indices()
    assert report["requests"]["backlog_max"] == 0
    assert max(queued_in_progress_lines(proc.stderr)) > max(queued)
