"""`scrapy extract`: one saved page or URL -> one JSON line, as the crawl would make it.

Real subprocesses (`python -m scrapy extract ...`) from the project directory: stdout must be
the record alone, failures exit 1 with the reason on stderr, usage errors exit 2.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.items import ARTICLE_KEYS
from newscrawl.snapshot import SITE_ORIGIN, SNAPSHOT_DIR, load_expected, load_manifest
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
SITE = SNAPSHOT_DIR / "site"
MASKS = "/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"
CURRENT = "/news/2023/11/24/japan/politics/generative-ai-guidelines-no-penalties/"
EXPECTED = load_expected()
SPECIAL = EXPECTED["special"]


def page(path):
    return SITE / load_manifest()[path]["file"]


def extract(*args, timeout=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    return subprocess.run([sys.executable, "-m", "scrapy", "extract", *map(str, args)],
                          cwd=ROOT, env=env, capture_output=True, timeout=timeout)


def record_of(proc):
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-3000:]
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1, lines  # stdout is the JSON line and nothing else
    data = json.loads(lines[0])
    assert tuple(data) == ARTICLE_KEYS
    return data, lines[0]


def expected(url):
    return next(a for a in EXPECTED["articles"] if a["url"] == url)


def test_the_real_2020_page_with_its_url():
    data, line = record_of(extract(page(MASKS), "--url", SITE_ORIGIN + MASKS))
    assert data["url"] == data["canonical_url"] == SITE_ORIGIN + MASKS
    assert data["headline"] == "Losing face: 6,000 surgical masks stolen from Kobe hospital"
    assert data["section"] == "National"
    assert data["credit"] == "JIJI"
    assert len(data["paragraphs"]) == 6
    assert data["published_at"] == "2020-02-18T18:07:56+09:00"
    assert data["site"] == "japantimes"
    assert "¥40,000" in line and "\\u" not in line  # UTF-8, not escaped


def test_a_current_layout_page_matches_the_ground_truth():
    truth = expected(SITE_ORIGIN + CURRENT)
    data, _ = record_of(extract(page(CURRENT), "--url", SITE_ORIGIN + CURRENT))
    for key in ("headline", "section", "subsection", "authors", "published_at",
                "paragraphs", "tags", "paywalled", "article_id"):
        assert data[key] == truth[key], key
    assert data["content_hash"] and data["word_count"] > 0


def test_the_bot_wall_is_no_article():
    url = SPECIAL["botwall"]
    proc = extract(page(url.removeprefix(SITE_ORIGIN)), "--url", url)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert b"botwall" in proc.stderr


def test_a_truncated_page_is_no_article():
    url = SPECIAL["truncated"]
    proc = extract(page(url.removeprefix(SITE_ORIGIN)), "--url", url)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert b"truncated" in proc.stderr


def test_a_page_that_fails_validation_is_dropped_with_its_reason(tmp_path):
    # the headline removed everywhere: extraction works, validation drops it
    html = page(MASKS).read_text("utf-8")
    saved = tmp_path / "no-headline.html"
    html = re.sub(r"(?is)<h1.*?</h1>", "", html)
    html = re.sub(r'(?i)"headline"\s*:\s*"[^"]*",?', "", html)
    html = re.sub(r"(?is)<title>.*?</title>", "", html)
    html = re.sub(r"(?i)<meta[^>]+(og:title|twitter:title)[^>]*>", "", html)
    saved.write_text(html, "utf-8")
    proc = extract(saved, "--url", SITE_ORIGIN + MASKS)
    assert proc.returncode == 1, proc.stdout
    assert proc.stdout == b""
    assert b"missing_headline" in proc.stderr


def test_spider_name_and_canonical_link_give_the_url():
    data, _ = record_of(extract(page(CURRENT), "--spider", "japantimes"))
    assert data["url"] == SITE_ORIGIN + CURRENT


def test_canonical_link_alone_chooses_the_site():
    data, _ = record_of(extract(page(MASKS)))
    assert data["url"] == SITE_ORIGIN + MASKS and data["credit"] == "JIJI"


def test_a_page_without_its_own_url_needs_url(tmp_path):
    saved = tmp_path / "page.html"
    saved.write_text("<html><head><title>x</title></head><body><p>x</p></body></html>")
    proc = extract(saved)
    assert proc.returncode == 2
    assert b"--url" in proc.stderr


@pytest.mark.parametrize("args, message", [
    (["/no/such/page.html"], b"no such file"),
    (["file:///etc/passwd"], b"file://"),
    ([str(page(MASKS)), "--spider", "japantimes", "--url", "https://example.com/x/"],
     b"example.com"),
    (["ftp://example.com/a.html"], b"ftp://"),
    ([str(page(MASKS)), "--spider", "nosuchspider"], b"nosuchspider"),
    ([], b"one saved page"),
])
def test_usage_errors_exit_2(args, message):
    proc = extract(*args)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert message in proc.stderr
    assert proc.stdout == b""


def test_a_url_is_fetched_through_the_mirror():
    with SnapshotServer() as server:
        proc = extract(SITE_ORIGIN + CURRENT, "-s", f"NEWSCRAWL_MIRROR={server.url}")
        wall = extract(SPECIAL["botwall"], "-s", f"NEWSCRAWL_MIRROR={server.url}")
    data, _ = record_of(proc)
    truth = expected(SITE_ORIGIN + CURRENT)
    assert data["url"] == SITE_ORIGIN + CURRENT  # the real URL, never the mirror's
    assert data["headline"] == truth["headline"]
    assert data["paragraphs"] == truth["paragraphs"]
    assert wall.returncode == 1 and b"botwall" in wall.stderr and wall.stdout == b""


GENERIC = ROOT / "tests" / "pages" / "generic"
WP_URL = "https://www.riverside-gazette.com/2024/03/05/council-approves-mill-river-bridge/"


def test_a_saved_page_of_a_site_without_a_module_is_extracted_generically():
    data, _ = record_of(extract(GENERIC / "wordpress_article.html", "--url", WP_URL))
    assert data["site"] == "riverside-gazette.com"
    assert data["extraction"] == "generic"
    assert data["headline"] == "Council approves new bridge over the Mill River"
    assert data["authors"] == ["Maria Lopez", "Tom Becker"]
    # without --url: the page's canonical link names it
    again, _ = record_of(extract(GENERIC / "wordpress_article.html"))
    assert again["url"] == WP_URL and again["paragraphs"] == data["paragraphs"]


def test_a_page_of_an_unknown_site_that_is_not_an_article_exits_1_with_its_reason():
    proc = extract(GENERIC / "section.html", "--url",
                   "https://www.riverside-gazette.com/category/local-news/")
    assert proc.returncode == 1
    assert b"no article (listing)" in proc.stderr
    assert proc.stdout == b""


def test_a_url_of_an_unknown_host_is_fetched_and_extracted_generically():
    # The snapshot server is a host without a site module: its page is read generically.
    with SnapshotServer() as server:
        proc = extract(server.url.rstrip("/") + MASKS)
    data, _ = record_of(proc)
    assert data["extraction"] == "generic"
    assert data["site"] == "127.0.0.1"
    assert data["headline"] == "Losing face: 6,000 surgical masks stolen from Kobe hospital"
