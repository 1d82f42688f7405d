"""The ``news`` spider's pieces without a crawl: the URL heuristics of a site without a module
(``newscrawl/discovery/generic.py``), its arguments, its first requests, the mirror for its
host, and the snapshot's generic sites served by name."""

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

import newscrawl
from newscrawl.discovery.generic import (
    COMMON_FEED_PATHS,
    feed_links,
    looks_like_article,
    section_links,
    section_of_path,
)
from newscrawl.discovery.sources import silent_sources
from newscrawl.middlewares.mirror import is_mirrored
from newscrawl.sites.japantimes import SITE as JAPANTIMES
from newscrawl.snapshot import SNAPSHOT_SITES
from newscrawl.snapshot.generic import load_generic_expected
from newscrawl.snapshot.server import SnapshotServer
from newscrawl.spiders.base import BadArgument
from newscrawl.spiders.news import NewsSpider

ROOT = Path(__file__).resolve().parents[1]
HOME = "https://www.example-news.com/"


def spider(**kwargs):
    crawler = get_crawler(NewsSpider)
    return NewsSpider.from_crawler(crawler, **kwargs)


def page(body, url=HOME):
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8")


@pytest.mark.parametrize("path", [
    "/2026/11/24/harbor-commission-approves-dredging-plan/",
    "/news/2026/11/24/short/",
    "/world/2026/05/01/a/",
    "/2024-05-01/storm-hits/",
    "/local/transit-levy-passes-after-marathon-council-session-204518",
    "/article/204518",
    "/business/markets/stocks-rally-as-inflation-cools-again",
    "/politics/senate-passes-budget-bill.html",
    "/204518-council-votes-on-levy",
])
def test_article_shaped_paths(path):
    assert looks_like_article(path)


@pytest.mark.parametrize("path", [
    "/", "/world/", "/local", "/category/business/", "/category/local/page/2/",
    "/tag/harbor-commission-dredging-plan/", "/author/dana-whitfield/",
    "/topics/winter-storm-closures-and-delays/", "/about-us/", "/search",
    "/2026/11/", "/2026/", "/people/marta-okonkwo", "/newsletters",
    "/wp-content/uploads/2026/11/harbor-dredging-plan-approved-photo.jpg",
    "/feed/", "/sitemap.xml", "/privacy-policy/", "/page/3/",
    "/business/markets",  # a subsection: two short segments
])
def test_not_article_shaped_paths(path):
    assert not looks_like_article(path)


def test_feed_autodiscovery_takes_rss_and_atom_alternates_in_page_order():
    response = page("""<html><head>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
        <link rel="alternate" type="application/atom+xml" href="https://www.example-news.com/atom">
        <link rel="alternate" type="application/rss+xml" title="Again" href="/feed/">
        <link rel="alternate" hreflang="de" href="/de/">
        <link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
        <link rel="ALTERNATE" type="application/rss+xml; charset=utf-8" href="feeds/world.xml">
        </head><body></body></html>""", url="https://www.example-news.com/news/")
    assert feed_links(response) == [
        "https://www.example-news.com/feed/", "https://www.example-news.com/atom",
        "https://www.example-news.com/news/feeds/world.xml"]
    assert "/feed/" in COMMON_FEED_PATHS and "/rss.xml" in COMMON_FEED_PATHS


def test_sections_are_the_navigation_links_on_the_site():
    response = page("""<html><body>
        <header><a href="/">Example News</a><a href="/account/login">Sign in</a>
          <a href="https://subscribe.example-news.com/">Subscribe</a></header>
        <nav><ul><li><a href="/">Home</a></li><li><a href="/world/">World</a></li>
          <li><a href="https://example-news.com/business">Business</a></li>
          <li><a href="/category/sports/">Sports</a></li><li><a href="/news/local/">Local</a></li>
          <li><a href="/about/">About</a></li><li><a href="/newsletters">Newsletters</a></li>
          <li><a href="/world/">World again</a></li><li><a href="/search?q=x">Search</a></li>
          <li><a href="/2026/11/24/big-story-of-the-day-here/">A story</a></li>
          <li><a href="https://twitter.com/examplenews">X</a></li><li><a href="/tag/x/">x</a></li>
        </ul></nav>
        <main><a href="/opinion/">Opinion</a></main></body></html>""")
    owns = lambda host: (host or "").removeprefix("www.") == "example-news.com"  # noqa: E731
    assert section_links(response, owns) == {
        "world": "https://www.example-news.com/world/",
        "business": "https://example-news.com/business",
        "category/sports": "https://www.example-news.com/category/sports/",
        "news/local": "https://www.example-news.com/news/local/",
    }


def test_section_of_an_article_url():
    assert section_of_path("/business/markets/stocks-rally-today-again") == "business"
    assert section_of_path("/2026/11/24/slug-of-the-story/") == "/"
    assert section_of_path("/local/transit-levy-204518") == "local"
    assert section_of_path("/news/local/2026/11/24/x/", named=("news", "news/local")) == \
        "news/local"
    assert section_of_path("/storm-hits-the-coast-overnight") == "/"


def test_a_generic_site_and_its_arguments():
    s = spider(site="https://www.example-news.com/", sections="world, news/local/",
               max_pages="2", max_articles="5", _job="abc")
    assert s.site.generic and s.site.name == "example-news.com"
    assert s.allowed_domains == ["example-news.com"]
    assert s.sections == ["world", "news/local"] and s.named_sections
    assert s.max_pages == 2 and s.max_articles == 5
    assert s.wants_section("world") and not s.wants_section("sports")
    assert s.is_article_url("https://example-news.com/world/2026/11/24/x/")
    assert not s.is_article_url("https://other.com/world/2026/11/24/x/")
    assert not s.is_article_url("ftp://www.example-news.com/world/2026/11/24/x/")
    every = spider(site="http://www.example-news.com")
    assert every.sections == [] and not every.named_sections and every.wants_section("/")


def test_a_host_with_a_site_module_is_that_sites_crawl():
    s = spider(site="https://www.japantimes.co.jp/")
    assert s.site is JAPANTIMES and not s.generic
    assert s.sections == list(JAPANTIMES.default_sections)
    assert s.is_article_url(
        "https://www.japantimes.co.jp/news/2023/11/24/japan/politics/some-story/")
    with pytest.raises(BadArgument, match="Unknown section"):
        spider(site="https://japantimes.co.jp", sections="nope")


@pytest.mark.parametrize("value, says", [
    (None, "site is required"),
    ("", "site is required"),
    ("file:///etc/passwd", "site must be an http(s) address"),
    ("www.example-news.com", "site must be an http(s) address"),
    ("ftp://example-news.com/", "site must be an http(s) address"),
    ("https://", "site has no host"),
    ("https:///world/", "site has no host"),
])
def test_bad_site_arguments(value, says):
    with pytest.raises(BadArgument) as error:
        spider(site=value) if value is not None else spider()
    assert says in str(error.value)


@pytest.mark.parametrize("args, says", [
    ({"max_articles": "0"}, "max_articles must be a whole number >= 1"),
    ({"max_articles": "many"}, "max_articles must be a whole number >= 1"),
    ({"sections": "world,bad section"}, "Bad section path(s): bad section"),
    ({"discover": "rss"}, "Unknown discover source(s): rss"),
])
def test_bad_arguments_of_a_generic_crawl(args, says):
    with pytest.raises(BadArgument) as error:
        spider(site=HOME, **args)
    assert says in str(error.value)


def test_a_bad_site_is_one_error_line_and_exit_1(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=file:///etc/hosts",
         "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}", "-O", str(tmp_path / "out.jsonl")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")})
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "ERROR" in line]
    assert errors == ["ERROR: site must be an http(s) address, got 'file:///etc/hosts': e.g. "
                      "-a site=https://www.example-news.com/"]
    assert "Traceback" not in proc.stderr


def first_requests(s):
    async def collect():
        return [request async for request in s.start()]
    return asyncio.run(collect())


def test_a_generic_crawl_starts_with_its_home_page_the_usual_feeds_and_robots_txt():
    requests = first_requests(spider(site=HOME))
    urls = [r.url for r in requests]
    assert urls[0] == HOME and requests[0].callback.__name__ == "parse_home"
    assert requests[0].meta["newscrawl_source"] == "listing:/"
    assert urls[1:] == [HOME.rstrip("/") + p for p in COMMON_FEED_PATHS] + [HOME + "robots.txt"]
    assert all(r.meta.get("newscrawl_guessed") for r in requests[1:-1])
    # sections named: the home page is read for its feeds, not listed
    named = first_requests(spider(site=HOME, sections="world"))
    assert "newscrawl_source" not in named[0].meta
    assert [r.url for r in first_requests(spider(site=HOME, discover="sitemaps"))] == [
        HOME + "robots.txt"]


def test_the_home_page_gives_its_feeds_and_sections_then_its_teasers():
    s = spider(site=HOME)
    home = first_requests(s)[0]
    response = HtmlResponse(HOME, body=b"""<html><head>
        <link rel="alternate" type="application/atom+xml" href="/feeds/all.atom">
        <link rel="alternate" type="application/rss+xml" href="https://feeds.other.com/x">
        </head><body><nav><a href="/world/">World</a><a href="/business/">Business</a></nav>
        <main><article><header><h2><a href="/world/2026/11/24/talks-resume-in-geneva/">T</a>
        </h2></header></article><a href="/business/">More business</a>
        <a href="/tag/geneva/">Geneva</a></main>
        <aside><a href="/world/2026/11/20/most-read-story-of-the-week/">Most read</a></aside>
        </body></html>""", request=home)
    feeds = list(s.parse_home(response))
    assert [r.url for r in feeds] == ["https://www.example-news.com/feeds/all.atom"]
    assert s.nav_sections == {"world": "https://www.example-news.com/world/",
                              "business": "https://www.example-news.com/business/"}
    listings = s.start_listings()
    assert [r.url for r in listings] == [
        "https://www.example-news.com/world/2026/11/24/talks-resume-in-geneva/",
        "https://www.example-news.com/world/", "https://www.example-news.com/business/"]
    assert listings[0].meta["newscrawl_source"] == "listing:/"


def test_the_mirror_maps_the_crawled_sites_hosts():
    crawler = get_crawler(NewsSpider)
    crawler.spider = NewsSpider.from_crawler(crawler, site="https://www.example-news.com/")
    assert is_mirrored("https://example-news.com/world/", crawler)
    assert is_mirrored("https://www.example-news.com/robots.txt", crawler)
    assert not is_mirrored("https://cdn.example-news.com/x.jpg", crawler)
    assert not is_mirrored("https://www.other-news.com/", crawler)
    assert is_mirrored("https://www.japantimes.co.jp/", None)


def test_sitemaps_of_other_pages_are_not_silent_sources():
    sources = {"sitemap:/wp-sitemap-users-1.xml": {"status": "no_articles", "links": 0},
               "sitemap:/broken.xml": {"status": "fetched", "links": 0}}
    assert silent_sources(sources) == ["sitemap:/broken.xml: no article link of the site"]


@pytest.mark.parametrize("site", ["harbor-gazette", "northfield-tribune"])
def test_the_generic_sites_are_served_by_name_and_requests_recorded(site):
    truth = load_generic_expected(site)
    with SnapshotServer(site=site) as server:
        request = urllib.request.Request(server.url + "/robots.txt",
                                         headers={"X-Forwarded-Host": truth["site"]["host"]})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert b"Sitemap:" in answer.read()
    assert server.requests == [(truth["site"]["host"], "/robots.txt")]
    with pytest.raises(ValueError, match="unknown snapshot site"):
        SnapshotServer(site="nope")


def non_articles():
    for site in ("harbor-gazette", "northfield-tribune"):
        truth = load_generic_expected(site)
        pages = {**truth["refused"], **truth["refused_if_requested"]}
        for url, reason in pages.items():
            yield pytest.param(site, url, reason, id=url.split("//", 1)[1])


@pytest.mark.parametrize("site, url, reason", list(non_articles()))
def test_every_page_of_the_snapshot_that_is_no_article_is_refused(site, url, reason):
    # The gallery, the error pages served with 200 and the topic hub look like articles by
    # their address; the tag, author and profile pages are never requested, but would be
    # refused too. The WordPress photo post's one line came out run together with its header:
    # the headline's words do not count as text.
    root = SNAPSHOT_SITES[site]
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    with pytest.raises(newscrawl.NotAnArticle) as refused:
        newscrawl.extract((root / "site" / manifest[path]["file"]).read_bytes(), url)
    assert refused.value.reason == reason


def test_discover_feeds_on_a_site_without_any_is_an_error(caplog):
    s = spider(site=HOME, discover="feeds")
    for path in COMMON_FEED_PATHS:
        s.crawler.stats.set_value("newscrawl/sources", {
            **(s.crawler.stats.get_value("newscrawl/sources") or {}),
            f"feed:{path}": {"status": "absent", "links": 0}})
    s.check_documents_found()
    assert s.crawler.stats.get_value("newscrawl/sources")["feed:(none found)"]["status"] == \
        "error"
    assert "discover=feeds: www.example-news.com has no feeds" in caplog.text
    quiet = spider(site=HOME)  # the default discover: an INFO line only
    quiet.check_documents_found()
    assert "feed:(none found)" not in (quiet.crawler.stats.get_value("newscrawl/sources") or {})


def test_a_bot_wall_instead_of_the_home_page_is_counted():
    s = spider(site=HOME, sections="world")
    home = first_requests(s)[0]
    wall = HtmlResponse(HOME, status=503, request=home, body=b"<html><head><title>Just a "
                        b"moment...</title></head><body>Checking your browser</body></html>")
    assert list(s.parse_home(wall)) == []
    assert s.crawler.stats.get_value("newscrawl/pages/botwall") == 1
