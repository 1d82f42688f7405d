"""Discovery end to end: `scrapy crawl japantimes` in a subprocess against the snapshot server
on loopback, through each way in alone and all together, an update between two crawls, broken
documents, a redesigned section page, an empty one, and a date-range backfill.

The ground truth is the snapshot's (``newscrawl.snapshot.expected_articles``): which article
each source reaches, and what its record holds.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.snapshot import expected_articles, load_expected
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "https://www.japantimes.co.jp"
CASES = load_expected()["discovery"]["cases"]
COMPARED = ("headline", "published_at", "modified_at", "authors", "credit", "paragraphs",
            "article_id", "section", "paywalled")


def crawl(tmp, *args, variants=(), state="state", name="run"):
    """Run one crawl; (process, records, report)."""
    out = tmp / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    with SnapshotServer(variants=variants) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "japantimes", *args,
             "-s", f"NEWSCRAWL_MIRROR={server.url}", "-s", f"NEWSCRAWL_FEED_DIR={out}",
             "-s", f"NEWSCRAWL_STATE_DIR={tmp / state}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    feeds = list(out.rglob("*.jsonl"))
    assert len(feeds) == 1, (feeds, proc.stderr[-3000:])
    records = [json.loads(line) for line in feeds[0].read_text("utf-8").splitlines()]
    report = json.loads(feeds[0].with_name(
        feeds[0].name.removesuffix(".jsonl") + ".report.json").read_text("utf-8"))
    return proc, records, report


def assert_exactly(records, expected):
    urls = [r["canonical_url"] for r in records]
    assert len(urls) == len(set(urls)), "an article exported twice"
    assert sorted(urls) == sorted(a["canonical_url"] for a in expected)
    by_url = {r["canonical_url"]: r for r in records}
    for article in expected:
        record = by_url[article["canonical_url"]]
        for key in COMPARED:
            want = article[key]
            if want is None:
                want = article.get("from_feed", {}).get(key)
            assert record[key] == want, (article["url"], key)


@pytest.mark.parametrize("source", ["listings", "feeds", "sitemaps"])
def test_each_source_alone_exports_every_article_it_reaches_exactly_once(tmp_path, source):
    # The snapshot's cut page is one of only 18 article pages the feeds reach (5.6%): above
    # the dropped-page monitor's 5%, which is judged elsewhere.
    proc, records, report = crawl(tmp_path, "-a", f"discover={source}",
                                  "-s", "NEWSCRAWL_MAX_DROPPED_PERCENT=10")
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected = expected_articles(sources=(source,))
    assert len(expected) >= 16
    assert_exactly(records, expected)
    kinds = {name.split(":")[0] for name in report["sources"]}
    assert kinds == {source.rstrip("s")}
    urls = {r["url"] for r in records}
    assert (CASES["feed_only"] in urls) == (source == "feeds")
    assert (CASES["sitemap_only"] in urls) == (source == "sitemaps")
    assert (CASES["listing_only"] in urls) == (source == "listings")


def test_all_sources_together_and_what_each_found(tmp_path):
    proc, records, report = crawl(tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert_exactly(records, expected_articles())
    sources = report["sources"]
    assert sources["feed:/feed/"]["status"] == "fetched"
    assert sources["feed:/news/national/feed/"]["status"] == "absent"
    assert sources["sitemap:/sitemaps/posts-2019.xml"]["status"] == "absent"
    assert sources["sitemap:/sitemap_index.xml"]["children"] == 4
    # every exported article is credited to exactly one source
    assert sum(s["new"] for s in sources.values()) == len(records)
    assert sum(s["new"] for s in report["sections"].values()) == len(records)
    # feeds come first: the feed-only article, and the one whose page lacks a credit, came
    # from a feed with its credit
    feed_only = next(r for r in records if r["url"] == CASES["feed_only"])
    assert feed_only["credit"], feed_only
    # the garbage date is counted and the article is exported with its page's own date
    assert "children-eating-disorder" in " ".join(r["url"] for r in records)
    assert "unreadable date" in proc.stderr and CASES["garbage_date_entry"]["url"] in proc.stderr
    # off-site entries are not followed
    assert CASES["offsite_entry"]["url"] not in proc.stderr.split("Crawled")[0] or all(
        CASES["offsite_entry"]["url"] != r["url"] for r in records)
    # one request per exported article; the rest went to the pages that give no article
    # (the bot wall, the cut page and the HTTP 500 with their retries: 7 requests)
    requests = report["requests"]
    assert requests["article_pages"] - requests["article_pages_without_article"] == len(records)
    assert requests["article_pages_without_article"] == 7
    assert "No feed at https://www.japantimes.co.jp/news/national/feed/ (HTTP 404): absent" \
        in proc.stderr


def test_an_update_is_exported_once_more_then_not_again(tmp_path):
    first = crawl(tmp_path, name="first")
    assert first[0].returncode == 0
    second = crawl(tmp_path, name="second")
    assert second[1] == [] and second[0].returncode == 0, second[0].stderr[-2000:]
    # an hourly run against an unchanged site fetches no good article page: only the three
    # pages that fail every run (bot wall, cut page, HTTP 500) are tried again
    fetched = second[2]["pages"]["article"]
    assert fetched <= 3, fetched
    updated = crawl(tmp_path, variants=("updated",), name="updated")
    proc, records, report = updated
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(records) == 1, (report["articles"], report["requests"], proc.stderr[-6000:])
    (record,) = records
    case = CASES["updated"]
    assert record["url"] == case["url"]
    assert record["modified_at"] == case["new_modified_at"]
    assert record["paragraphs"][-1] == case["new_paragraph"]
    assert report["articles"]["updated"] == 1 and report["articles"]["new"] == 0
    assert report["requests"]["changed_signal"] == 1
    again = crawl(tmp_path, variants=("updated",), name="again")
    assert again[1] == [] and again[0].returncode == 0
    assert again[2]["requests"]["changed_signal"] == 0


def test_broken_documents_are_errors_with_their_urls_and_the_rest_carries_on(tmp_path):
    proc, records, report = crawl(tmp_path, variants=("broken",))
    for path in CASES["malformed"]["paths"]:
        kind = "feed" if "feed" in path else "sitemap"
        assert f"ERROR: Broken {kind} {ORIGIN}{path}" in proc.stderr
        assert report["sources"][f"{kind}:{path}"]["status"] == "error"
    assert_exactly(records, expected_articles(variants=("broken",)))
    assert proc.returncode == 1
    assert "Monitor failed: Discovery sources" in proc.stderr
    assert "feed:/news/japan/feed/" in " ".join(report["monitors"]["failures"])


def test_a_redesigned_section_page_is_crawled_through_the_fallback(tmp_path):
    section = CASES["fallback_section"]
    proc, records, report = crawl(tmp_path, "-a", f"sections={section}",
                                  "-a", "discover=listings")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert_exactly(records, expected_articles(sections=[section], sources=("listings",)))
    warnings = [line for line in proc.stderr.splitlines()
                if "WARNING" in line and "teaser selectors matched" in line]
    assert len(warnings) == 1 and f"{ORIGIN}/{section}/" in warnings[0]
    assert report["listing_fallbacks"] == {section: 2}
    assert report["pages"]["by_section"] == {section: 2}  # page 2 found by its number


def test_a_section_with_no_links_fails_the_monitor(tmp_path):
    section = CASES["empty_section"]
    proc, records, report = crawl(tmp_path, "-a", f"sections={section}",
                                  "-a", "discover=listings")
    assert records == []
    assert proc.returncode == 1
    assert f"ERROR: Listing page {ORIGIN}/{section}/ (section {section}) gives no article " \
        "link" in proc.stderr
    assert f"listing:{section}: no article link of the site" in " ".join(
        report["monitors"]["failures"])


def test_a_since_until_backfill_exports_exactly_the_articles_in_the_range(tmp_path):
    sections = ["news/national", "news/asia-pacific"]
    proc, records, report = crawl(tmp_path, "-a", "sections=" + ",".join(sections),
                                  "-a", "since=2020-02-01", "-a", "until=2020-02-20")
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected = [a for a in expected_articles(sections=sections)
                if "2020-02-01" <= a["published_at"][:10] <= "2020-02-20"]
    assert len(expected) >= 3
    assert_exactly(records, expected)
    sources = report["sources"]
    # date-organised sitemaps outside the range are not fetched
    assert sources["sitemap:/sitemaps/posts-2023-11.xml"]["status"] == "skipped"
    assert sources["sitemap:/sitemaps/posts-2020-01.xml.gz"]["status"] == "skipped"
    assert sources["sitemap:/sitemaps/posts-2020-02.xml.gz"]["status"] == "fetched"
    # nothing outside the range was fetched: every article page is one of the range's
    assert report["pages"]["article"] == len(expected)
