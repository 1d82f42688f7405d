"""End to end: `scrapy crawl` runs against the offline snapshot, sharing one state directory.

1. The first run exports every good article of the sections.
2. The second run exports nothing and fetches none of the article pages it exported; it fetches
   the listing pages again.
3. One article is changed in the snapshot; a third run whose recrawl window covers it exports
   exactly that article again.
And two listing tests on a snapshot copy: a renamed teaser class is crawled through the
main-content fallback with a WARNING; a listing whose article links are gone altogether makes
the run fail with a non-zero exit status and an ERROR line naming the monitor.
"""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawl.snapshot import expected_articles, load_expected, load_manifest
from newscrawl.snapshot.__main__ import copy_snapshot
from newscrawl.snapshot.server import SnapshotHandler, SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("news/national", "news/asia-pacific")
# Wider than the age of any snapshot article (2019-2023): every exported article is due again.
EVERYTHING_IS_RECENT = str(24 * 365 * 30)


class RecordingServer(SnapshotServer):
    """The snapshot server, remembering the path of every request it answers."""

    def start(self):
        super().start()
        self.requests = []
        lock = threading.Lock()
        requests = self.requests

        class Recording(SnapshotHandler):
            def _answer(self, with_body):
                with lock:
                    requests.append(urlsplit(self.path).path)
                return super()._answer(with_body)

        self.httpd.RequestHandlerClass = Recording
        return self


def crawl(server, state_dir, feed_dir, *args):
    """Run `scrapy crawl japantimes` against the server; return the result and this run's
    feed records, report and requested paths."""
    already = len(server.requests)
    before = set(feed_dir.rglob("*.jsonl")) if feed_dir.exists() else set()
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes",
         "-a", "sections=" + ",".join(SECTIONS),
         "-s", f"NEWSCRAWL_MIRROR={server.url}",
         "-s", f"NEWSCRAWL_STATE_DIR={state_dir}",
         "-s", f"NEWSCRAWL_FEED_DIR={feed_dir}",
         *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")},
    )
    feeds = sorted(set(feed_dir.rglob("*.jsonl")) - before)
    assert len(feeds) <= 1, feeds
    records = []
    report = None
    if feeds:
        records = [json.loads(line) for line in feeds[0].read_text("utf-8").splitlines()]
        report_path = feeds[0].with_name(feeds[0].name.removesuffix(".jsonl") + ".report.json")
        report = json.loads(report_path.read_text("utf-8"))
    return proc, records, report, server.requests[already:]


def article_paths(root):
    """Every article of the sections, through every way in (feeds, sitemaps, listings)."""
    return {urlsplit(a["url"]).path for a in expected_articles(root, sections=SECTIONS)}


def listing_paths():
    return {"/" + s + "/" for s in SECTIONS}


def change_one_article(root, path):
    """Edit a sentence of the article's body in the snapshot copy; return the new sentence."""
    expected = next(a for a in load_expected(root)["articles"]
                    if urlsplit(a["url"]).path == path)
    file = Path(root) / "site" / load_manifest(root)[path]["file"]
    html = file.read_text("utf-8")
    # a run of plain words from the second paragraph, as it is written in the page
    words = expected["paragraphs"][1].split()
    for size in (8, 6, 4):
        for start in range(0, len(words) - size):
            original = " ".join(words[start:start + size])
            if original.isascii() and html.count(original) == 1:
                changed = original + " (Updated: officials corrected the figures.)"
                file.write_text(html.replace(original, changed), "utf-8")
                return changed
    raise AssertionError(f"no unique plain sentence to change in {file}")


@pytest.fixture
def snapshot_copy(tmp_path):
    dest = tmp_path / "snapshot"
    copy_snapshot(dest)
    return dest


def test_second_run_exports_nothing_and_an_updated_article_is_exported_again(
    tmp_path, snapshot_copy
):
    articles = article_paths(snapshot_copy)
    state, feeds = tmp_path / "state", tmp_path / "output"
    with RecordingServer(root=snapshot_copy) as server:
        # 1. everything is new
        proc, records, report, requested = crawl(server, state, feeds)
        assert proc.returncode == 0, proc.stderr[-4000:]
        exported = {urlsplit(r["canonical_url"]).path for r in records}
        assert exported == articles
        assert len(records) == len(articles)  # the tracking link and http variants: once
        assert report["articles"]["new"] == len(articles)

        # 2. nothing new: no article page it exported is fetched, listing pages are
        proc, records, report, requested = crawl(server, state, feeds)
        assert proc.returncode == 0, proc.stderr[-4000:]
        assert records == []
        assert set(requested) & articles == set()
        assert listing_paths() <= set(requested)
        assert report["articles"]["exported"] == 0
        assert report["requests"]["skipped_seen"] >= len(articles)
        assert report["monitors"]["passed"] is True

        # 3. an article changes; a run whose recrawl window covers it exports it again, alone
        changed_path = "/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"
        new_sentence = change_one_article(snapshot_copy, changed_path)
        proc, records, report, requested = crawl(
            server, state, feeds, "-s", f"NEWSCRAWL_RECRAWL_HOURS={EVERYTHING_IS_RECENT}")
        assert proc.returncode == 0, proc.stderr[-4000:]
        assert articles <= set(requested)  # every article was due again ...
        assert [urlsplit(r["canonical_url"]).path for r in records] == [changed_path]
        assert new_sentence in records[0]["body"]
        assert report["articles"]["updated"] == 1
        assert report["articles"]["unchanged"] == len(articles) - 1

    # the state shows the three runs and the article's two exports
    shown = subprocess.run(
        [sys.executable, "-m", "scrapy", "state", "--json", "-s", f"NEWSCRAWL_STATE_DIR={state}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    site = json.loads(shown.stdout)["sites"]["japantimes"]
    assert site["articles"] == len(articles)
    assert site["runs"] == 3


def test_a_renamed_teaser_class_is_crawled_through_the_fallback_with_a_warning(
    tmp_path, snapshot_copy
):
    # the site renames the class of its listing teasers: none of its selectors matches
    for section in SECTIONS:
        for page in (snapshot_copy / "site" / section).rglob("index*.html"):
            html = page.read_text("utf-8")
            assert "archive_story" in html
            page.write_text(html.replace("archive_story", "archive-story-v2"), "utf-8")
    with RecordingServer(root=snapshot_copy) as server:
        proc, records, report, _ = crawl(server, tmp_path / "state", tmp_path / "output",
                                         "-a", "discover=listings")
    assert proc.returncode == 0, proc.stderr[-4000:]
    listed = {urlsplit(a["url"]).path
              for a in expected_articles(snapshot_copy, sections=SECTIONS,
                                         sources=("listings",))}
    assert {urlsplit(r["canonical_url"]).path for r in records} == listed
    warnings = [line for line in proc.stderr.splitlines()
                if "WARNING" in line and "teaser selectors matched" in line]
    assert sorted(w.split("Section ")[1].split(":")[0] for w in warnings) == sorted(SECTIONS)
    assert report["listing_fallbacks"] == {s: 2 for s in SECTIONS}
    assert report["monitors"]["passed"] is True


def test_a_listing_without_article_links_fails_the_run_with_an_error_naming_the_monitor(
    tmp_path, snapshot_copy
):
    # the site's listings now load their teasers with JavaScript: no article link is left
    for section in SECTIONS:
        for page in (snapshot_copy / "site" / section).rglob("index*.html"):
            html = page.read_text("utf-8")
            page.write_text(html.replace("https://www.japantimes.co.jp/news/20", "#news-20")
                            .replace('href="/news/20', 'href="#news-20'), "utf-8")
    with RecordingServer(root=snapshot_copy) as server:
        proc, records, report, _ = crawl(server, tmp_path / "state", tmp_path / "output",
                                         "-a", "discover=listings")
    assert proc.returncode == 1, proc.stderr[-4000:]
    assert records == []
    error_lines = [line for line in proc.stderr.splitlines() if "ERROR:" in line]
    assert any("Monitor failed: Discovery sources" in line and "listing:news/national" in line
               for line in error_lines), error_lines
    assert any("Monitor failed: Articles exported/articles from listing pages" in line
               for line in error_lines), error_lines
    assert any("Listing page https://www.japantimes.co.jp/news/national/" in line
               and "gives no article link" in line for line in error_lines), error_lines
    assert report["monitors"]["passed"] is False
