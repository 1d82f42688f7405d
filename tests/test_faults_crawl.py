"""Crawling the snapshot while the server misbehaves: every article exactly once anyway.

`scrapy crawl japantimes` (a subprocess, as in production) against the snapshot server with
faults injected at 20 % (every kind: 500, 503, 429, hang, reset, truncate, slow, charset,
huge; at most 2 per page, so RETRY_TIMES=2 always gets the page in the end). The feed must hold
every good article of the four sections exactly once, with the text of expected.json; the
report lists the pages that failed on every try. Download timeout and backoff are shortened
so the suite stays fast; the faults are the real ones.
"""

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.retry import RetryMiddleware, is_truncated, retry_after_seconds
from newscrawl.snapshot import SECTIONS, expected_articles, load_expected
from newscrawl.snapshot.faults import KINDS
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = load_expected()
# every article the four sections reach through feeds, sitemaps and listings
ARTICLES = {a["url"]: a for a in expected_articles(sections=SECTIONS)}
SPECIAL = EXPECTED["special"]
# The 20 % crawls: seeds whose faults, together, cover every kind on this snapshot.
SEEDS = (1, 2, 4)
FAST = ["-s", "DOWNLOAD_TIMEOUT=3", "-s", "NEWSCRAWL_RETRY_BACKOFF=0.2"]


def crawl(server, tmp_path, *args, sections=SECTIONS):
    feed_dir, state_dir = tmp_path / "feed", tmp_path / "state"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes",
         "-a", "sections=" + ",".join(sections),
         "-s", f"NEWSCRAWL_MIRROR={server.url}",
         "-s", f"NEWSCRAWL_STATE_DIR={state_dir}",
         "-s", f"NEWSCRAWL_FEED_DIR={feed_dir}", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")},
    )
    feeds = sorted(feed_dir.rglob("*.jsonl"))
    assert len(feeds) == 1, (feeds, proc.stderr[-3000:])
    records = [json.loads(line) for line in feeds[0].read_text("utf-8").splitlines()]
    report = json.loads(feeds[0].with_name(
        feeds[0].name.removesuffix(".jsonl") + ".report.json").read_text("utf-8"))
    return proc, records, report


def stats_from_log(stderr):
    """The numeric stats Scrapy dumps at the end of the log."""
    return {k: float(v) if "." in v else int(v)
            for k, v in re.findall(r"'([\w/.\- ]+)': (\d+(?:\.\d+)?),?\n", stderr)}


def test_every_article_exactly_once_through_20_percent_faults(tmp_path):
    kinds = Counter()
    figures = []
    for seed in SEEDS:
        with SnapshotServer(faults="rate=0.2,slow_seconds=1,hang_seconds=30", seed=seed) as srv:
            started = time.monotonic()
            proc, records, report = crawl(srv, tmp_path / f"seed{seed}", *FAST)
            seconds = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr[-3000:]
        injected = srv.faults.counts
        assert sum(injected.values()) > 0
        kinds.update(injected)

        urls = Counter(r["url"] for r in records)
        duplicates = {u: n for u, n in urls.items() if n > 1}
        lost = set(ARTICLES) - set(urls)
        assert not duplicates, (seed, duplicates)
        assert not lost, (seed, sorted(lost))
        assert set(urls) == set(ARTICLES), (seed, sorted(set(urls) - set(ARTICLES)))
        for record in records:
            expected = ARTICLES[record["url"]]
            assert record["headline"] == expected["headline"], (seed, record["url"])
            assert record["paragraphs"] == expected["paragraphs"], (seed, record["url"])

        # what failed on every try is the snapshot's own 500 page, listed with its reason;
        # its own truncated page is dropped as truncated after the retries
        assert report["failed_pages"] == [{"url": SPECIAL["server_error"],
                                           "reason": "http_500"}], (seed, report)
        assert report["dropped"]["by_reason"] == {"truncated": 1}, (seed, report["dropped"])
        stats = stats_from_log(proc.stderr)
        retries = {k.removeprefix("newscrawl/retry/"): v for k, v in stats.items()
                   if k.startswith("newscrawl/retry/") and k != "newscrawl/retry/wait_seconds"}
        assert stats["retry/count"] >= sum(injected.get(k, 0) for k in
                                           ("500", "503", "429", "truncate", "huge", "reset"))
        figures.append(f"seed {seed}: {seconds:.1f}s, faults {dict(injected)}, retries "
                       f"{dict(retries)}, exported {len(records)} of {len(ARTICLES)}, "
                       f"duplicates 0, lost 0")
    print("\n" + "\n".join(figures) + f"\nfaults by kind over {len(SEEDS)} crawls: {dict(kinds)}")
    missing = [k for k in KINDS if not kinds[k]]
    assert not missing, f"no {missing} faults over seeds {SEEDS}: pick seeds that cover them"


def test_retry_after_is_honoured(tmp_path):
    with SnapshotServer(faults="429=1,max_per_path=1,retry_after=2") as server:
        started = time.monotonic()
        proc, records, _ = crawl(server, tmp_path, *FAST, "-a", "max_pages=1",
                                 "-a", "discover=listings", sections=("news/national",))
        seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = stats_from_log(proc.stderr)
    faults = server.faults.counts["429"]
    assert faults >= 2  # the listing page, then its articles
    assert stats["newscrawl/retry/http_429"] == faults
    # 2 s per 429 (Retry-After), not the 0.2 s backoff
    assert stats["newscrawl/retry/wait_seconds"] == pytest.approx(2 * faults)
    assert seconds > 4  # the listing's wait, then its articles' (in parallel)
    # every article of the page (each had its 429 too) exported once
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls)) == faults - 1 and set(urls) <= set(ARTICLES)


def test_a_page_too_large_on_every_try_is_listed_in_the_report(tmp_path):
    with SnapshotServer(faults="huge=1,max_per_path=none,huge_mb=20") as server:
        proc, records, report = crawl(server, tmp_path, *FAST, "-a", "max_pages=1",
                                      "-a", "discover=listings", sections=("business",))
    stats = stats_from_log(proc.stderr)
    assert records == []
    assert report["failed_pages"] == [{"url": "https://www.japantimes.co.jp/business/",
                                       "reason": "PageTooLarge"}]
    assert stats["newscrawl/retry/too_large"] == 2
    assert server.faults.counts == {"huge": 3}
    assert "larger than download max size" in proc.stderr


# ---------------------------------------------------------------------------------------------
# the middleware's rules, without a crawl


def test_retry_after_values():
    assert retry_after_seconds(b"1") == 1.0
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


@pytest.fixture
def middleware():
    crawler = get_crawler(settings_dict={"TWISTED_REACTOR_ENABLED": False,
                                         "NEWSCRAWL_RETRY_BACKOFF": 0.5,
                                         "NEWSCRAWL_RETRY_BACKOFF_MAX": 3,
                                         "NEWSCRAWL_RETRY_AFTER_MAX": 60})
    return RetryMiddleware.from_crawler(crawler)


def test_backoff_doubles_and_retry_after_wins_within_its_cap(middleware):
    assert [middleware.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    url = "https://www.japantimes.co.jp/news/national/"
    limited = Response(url, status=429, headers={"Retry-After": "7"})
    assert middleware.delay(1, limited) == 7.0
    assert middleware.delay(1, Response(url, status=503, headers={"Retry-After": "3600"})) == 60
    assert middleware.delay(2, Response(url, status=500, headers={"Retry-After": "7"})) == 1.0


def test_truncated_means_html_without_its_end():
    url = "https://www.japantimes.co.jp/news/national/"
    html = {"Content-Type": "text/html; charset=utf-8"}
    assert is_truncated(HtmlResponse(url, body=b"<html><body><p>cut", headers=html))
    assert not is_truncated(HtmlResponse(url, body=b"<html><body></body></html>\n",
                                         headers=html))
    assert not is_truncated(HtmlResponse(url, status=500, body=b"<p>err", headers=html))
    assert not is_truncated(HtmlResponse(url, body=b"", headers=html))
    assert not is_truncated(Response(url, body=b"User-agent: *"))
