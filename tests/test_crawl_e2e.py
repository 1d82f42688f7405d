"""End to end: `scrapy crawl japantimes` in a subprocess against the snapshot on loopback.

The feed must hold every good snapshot article exactly once, field by field as the ground
truth has it, with every key of the schema and no boilerplate; the bot wall, the truncated
page and the server error must be accounted for in the stats and the report, never exported.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from newscrawl.items import ARTICLE_KEYS
from newscrawl.snapshot import SECTIONS, expected_articles, load_expected
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "newscrawl" / "schema" / "article.schema.json").read_text("utf-8"))
# What the ground truth keeps for itself, or compares differently below.
NOT_COMPARED = {"layout", "section_path", "image_count", "image_credits", "sources",
                "from_feed"}
# Text of the blocks around articles; none may reach a body.
BOILERPLATE = (
    "RELATED STORIES", "JOIN THE CONVERSATION", "Take 5", "IN FIVE EASY PIECES", "LATEST",
    "PHOTOS", "Click to enlarge", "KEYWORDS", ", , ,", "Listen to this article",
    "Advertisement", "SUBSCRIBE NOW", "Your subscription plan", "googletag", "Mail the editor",
    "Error Report", "Commenting Policy", "Share on", "Sign up for our newsletters",
)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    with SnapshotServer() as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "japantimes",
             "-a", "sections=" + ",".join(SECTIONS),
             "-s", f"NEWSCRAWL_MIRROR={server.url}",
             "-s", f"NEWSCRAWL_FEED_DIR={tmp / 'output'}",
             "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'state'}",
             "-s", "STATS_DUMP=True"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
        )
    feeds = list((tmp / "output").rglob("*.jsonl"))
    assert len(feeds) == 1, (feeds, proc.stderr[-3000:])
    raw = feeds[0].read_text("utf-8")
    report = json.loads(feeds[0].with_name(
        feeds[0].name.removesuffix(".jsonl") + ".report.json").read_text("utf-8"))
    return proc, raw, [json.loads(line) for line in raw.splitlines()], report


def test_the_crawl_succeeds(crawl):
    proc, _, records, report = crawl
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert report["monitors"]["passed"] is True
    assert len(records) == len(expected_articles()) == 32


def test_every_snapshot_article_exactly_once_field_by_field(crawl):
    _, _, records, _ = crawl
    by_url = {}
    for record in records:
        assert record["canonical_url"] not in by_url, record["canonical_url"]
        by_url[record["canonical_url"]] = record
    expected = expected_articles()
    assert sorted(by_url) == sorted(a["canonical_url"] for a in expected)
    for article in expected:
        record = by_url[article["canonical_url"]]
        for key in sorted(set(article) - NOT_COMPARED):
            # what the page lacks, the feed item gives (the feed-only article's credit)
            want = article[key] if article[key] is not None else \
                article.get("from_feed", {}).get(key)
            assert record[key] == want, (article["url"], key)
        assert len(record["images"]) == article["image_count"], article["url"]
        assert [i["credit"] for i in record["images"]] == article["image_credits"]
        assert record["image"] == (record["images"][0] if record["images"] else None)


def test_every_record_has_every_key_in_order_and_is_valid(crawl):
    _, raw, records, _ = crawl
    validator = Draft202012Validator(SCHEMA)
    for record in records:
        assert tuple(record) == ARTICLE_KEYS
        assert list(validator.iter_errors(record)) == [], record["url"]
        assert record["site"] == "japantimes"
        assert record["url"].startswith("https://www.japantimes.co.jp/")
        assert record["body"] == "\n\n".join(record["paragraphs"])
        assert record["word_count"] == len(record["body"].split())
    # UTF-8 as it is, not \u escapes
    assert "’" in raw and "\\u2019" not in raw


def test_no_boilerplate_in_any_body(crawl):
    _, _, records, _ = crawl
    for record in records:
        for text in BOILERPLATE:
            assert text not in record["body"], (record["url"], text)


def test_the_tracking_link_and_the_article_listed_twice_are_exported_once(crawl):
    _, _, records, _ = crawl
    special = load_expected()["special"]
    urls = [r["url"] for r in records]
    assert special["tracking_link"].split("?")[0] in urls
    assert not any("utm_" in u or "#" in u for u in urls)
    assert urls.count(special["duplicate_listing"]) == 1


def test_paywalled_previews_are_flagged_and_never_fetched_beyond_the_preview(crawl):
    _, _, records, report = crawl
    paywalled = sorted(r["url"] for r in records if r["paywalled"])
    assert paywalled == sorted(load_expected()["special"]["paywalled"])
    assert report["articles"]["paywalled"] == 3
    for record in records:
        if record["paywalled"]:
            assert len(record["paragraphs"]) == 3


def test_bot_wall_truncated_and_server_error_are_accounted_for(crawl):
    proc, _, records, report = crawl
    special = load_expected()["special"]
    urls = {r["url"] for r in records}
    for kind in ("botwall", "truncated", "server_error"):
        assert special[kind] not in urls, kind
    assert report["pages"]["botwall"] == 1
    assert report["dropped"]["by_reason"] == {"truncated": 1}
    assert report["http_errors"]["403"] == 1
    log = proc.stderr
    assert re.search(r"WARNING: Bot wall \(HTTP 403\).*" + re.escape(special["botwall"]), log)
    assert re.search(r"WARNING: Dropped " + re.escape(special["truncated"]) + r" \(truncated",
                     log)
    assert re.search(r"WARNING: Failed to fetch " + re.escape(special["server_error"]), log)
    stats = report["pages"]
    assert stats["listing"] == 8
    assert stats["by_section"] == {s: 2 for s in SECTIONS}
