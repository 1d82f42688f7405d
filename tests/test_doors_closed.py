"""Doors closed: no argument or setting makes the crawl fetch another host or a local file,
off-site links are never followed, Scrapyd requires authentication on loopback, and no secret
is in the repository."""

import os
import re
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.snapshot import SNAPSHOT_DIR, load_manifest
from newscrawl.spiders.japantimes import JapanTimesSpider

ROOT = Path(__file__).resolve().parents[1]


def spider(**kwargs):
    crawler = get_crawler(JapanTimesSpider)
    return JapanTimesSpider.from_crawler(crawler, **kwargs)


@pytest.mark.parametrize("sections", [
    "file:///etc/passwd",
    "https://evil.example/news/",
    "//evil.example/news",
    "news/../../etc",
    "news/national,@evil.example",
    "news/national/../../../",
    "news%2Fnational",
    "news/national?x=https://evil.example",
])
def test_sections_must_be_known_paths(sections):
    with pytest.raises(ValueError, match="Known sections: news/national"):
        spider(sections=sections)


@pytest.mark.parametrize("args", [{"max_pages": "-1"}, {"max_pages": "lots"},
                                  {"since": "yesterday"}, {"since": "2023-13-45"}])
def test_bad_arguments_are_refused_with_a_reason(args):
    with pytest.raises(ValueError, match=list(args)[0]):
        spider(**args)


async def _start_urls(s):
    return [request.url async for request in s.start()]


def test_start_urls_are_only_on_the_site():
    import asyncio

    s = spider(sections="news/national,business", _job="abc", unknown="whatever",
               discover="listings")
    urls = asyncio.run(_start_urls(s))
    assert urls == ["https://www.japantimes.co.jp/news/national/",
                    "https://www.japantimes.co.jp/business/"]
    s = spider(sections="news/national,business")
    urls = asyncio.run(_start_urls(s)) + [r.url for r in s.start_listings()]
    assert urls == ["https://www.japantimes.co.jp/feed/",
                    "https://www.japantimes.co.jp/news/national/feed/",
                    "https://www.japantimes.co.jp/business/feed/",
                    "https://www.japantimes.co.jp/robots.txt",
                    "https://www.japantimes.co.jp/news/national/",
                    "https://www.japantimes.co.jp/business/"]


def test_listing_links_off_site_or_to_files_are_not_followed():
    path = "/news/national/"
    html = (SNAPSHOT_DIR / "site" / load_manifest()[path]["file"]).read_text("utf-8")
    planted = "".join(
        f'<article class="archive_story"><hgroup><p><a href="{href}">x</a></p></hgroup>'
        "</article>"
        for href in ("https://evil.example/news/2023/11/24/japan/x/",
                     "file:///etc/passwd",
                     "javascript:alert(1)",
                     "https://www.japantimes.co.jp.evil.example/news/2023/11/24/japan/x/",
                     "ftp://www.japantimes.co.jp/news/2023/11/24/japan/x/"))
    html = html.replace("</body>", planted + "</body>")
    s = spider(sections="news/national", max_pages="1")
    request = Request("https://www.japantimes.co.jp/news/national/",
                      meta={"newscrawl_section": "news/national", "newscrawl_page": 1})
    response = HtmlResponse(url=request.url, body=html.encode("utf-8"), request=request)
    urls = [r.url for r in s.parse_listing(response)]
    assert urls, "the real teasers are followed"
    assert all(u.startswith("https://www.japantimes.co.jp/news/") for u in urls), urls
    assert s.crawler.stats.get_value("newscrawl/links/ignored") == 5


def test_a_mirror_that_is_not_http_is_refused(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes", "-a", "sections=news/national",
         "-s", "NEWSCRAWL_MIRROR=file:///etc", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}",
         "-O", str(tmp_path / "out.jsonl")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")},
    )
    assert proc.returncode != 0
    assert "NEWSCRAWL_MIRROR must be an http(s) origin" in proc.stderr
    assert not (tmp_path / "out.jsonl").exists() or not (tmp_path / "out.jsonl").read_text()


def test_scrapyd_conf_binds_loopback_and_requires_auth_from_the_environment():
    conf = ConfigParser()
    conf.read(ROOT / "scrapyd.conf")
    assert conf["scrapyd"]["bind_address"] == "127.0.0.1"
    # no password in the file: it comes from SCRAPYD_USERNAME / SCRAPYD_PASSWORD
    assert conf["scrapyd"]["username"] == "" and conf["scrapyd"]["password"] == ""


def test_run_scrapyd_refuses_to_start_without_credentials(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPYD_")}
    env["NEWSCRAWL_HOME"] = str(tmp_path)
    proc = subprocess.run(["bash", str(ROOT / "deploy" / "run-scrapyd.sh")], env=env,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "SCRAPYD_USERNAME and SCRAPYD_PASSWORD" in proc.stderr


SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"(?i)\b(password|passwd|secret|token|api_key)\s*[=:]\s*['\"]?[A-Za-z0-9+/_\-]{8,}"),
    re.compile(r"https?://[^/\s:@]+:[^/\s@]{3,}@"),
]
# Placeholders that document where a secret goes, not secrets.
ALLOWED = re.compile(r"(?i)(change-me|example|a long random password|\$\{?SCRAPYD_PASSWORD|"
                     r"<password>|your-password|s3cret-for-tests)")


def test_no_secret_is_committed():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    found = []
    for name in files:
        path = ROOT / name
        if "snapshot/site/" in name or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        for pattern in SECRET_PATTERNS:
            for match in pattern.finditer(text):
                line = text[text.rfind("\n", 0, match.start()) + 1:text.find("\n", match.end())]
                if not ALLOWED.search(line):
                    found.append(f"{name}: {line.strip()[:120]}")
    assert found == []


def test_an_unknown_section_stops_the_crawl_at_once_listing_the_known_ones(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes", "-a", "sections=news/nope",
         "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}", "-O", str(tmp_path / "out.jsonl")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")},
    )
    assert proc.returncode == 1
    first_error = next(line for line in proc.stderr.splitlines() if "ERROR" in line)
    assert "Unknown section(s) of The Japan Times: news/nope." in first_error
    assert "Traceback" not in proc.stderr
    assert "Known sections: news/national, news/asia-pacific, news/japan, business" in first_error
    assert "downloader/request_count" not in proc.stderr
