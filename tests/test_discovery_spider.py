"""The spider's discovery decisions (newscrawl/spiders/base.py): which entries of which
sources become requests, how listings fall back, how bad arguments are refused."""

import asyncio
import logging
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from newscrawl.discovery.sources import STAT_SOURCES, Entry, fill_missing, silent_sources
from newscrawl.items import ArticleItem
from newscrawl.sites.japantimes import SITE
from newscrawl.spiders.base import BadArgument
from newscrawl.spiders.japantimes import JapanTimesSpider

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://www.japantimes.co.jp"
JST = timezone(timedelta(hours=9))
JAPAN = f"{BASE}/news/2023/11/24/japan/politics/north-korea-object-orbit/"
SPORTS = f"{BASE}/sports/2023/11/24/sumo/basho-reports/kirishima-atamifuji-win-sumo/"
OLD = f"{BASE}/news/2019/10/24/asia-pacific/politics-diplomacy-asia-pacific/kim-jong-un/"


def spider(**kwargs):
    crawler = get_crawler(JapanTimesSpider)
    return JapanTimesSpider.from_crawler(crawler, **kwargs)


def sources(s):
    return s.crawler.stats.get_value(STAT_SOURCES)


@pytest.mark.parametrize("args, says", [
    ({"discover": "feeds,rss"}, "Unknown discover source(s): rss. Known: listings, feeds, "
                                "sitemaps"),
    ({"until": "next week"}, "until must be a date YYYY-MM-DD, got 'next week'"),
    ({"since": "2023-11-24", "until": "2023-11-01"}, "since (2023-11-24) is after until "
                                                     "(2023-11-01)"),
    ({"sections": "news/japan,nope"}, "Unknown section(s) of The Japan Times: nope. Known"),
])
def test_bad_arguments_say_what_is_wrong_and_what_is_accepted(args, says):
    with pytest.raises(BadArgument) as error:
        spider(**args)
    assert says in str(error.value)


def test_the_crawl_command_prints_one_error_line_and_exits_1_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes", "-a", "discover=rss",
         "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}", "-O", str(tmp_path / "out.jsonl")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")})
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "ERROR" in line]
    assert errors == ["ERROR: Unknown discover source(s): rss. Known: listings, feeds, "
                      "sitemaps (comma-separated)"]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_discover_picks_the_start_documents():
    async def urls(s):
        return [r.url async for r in s.start()]

    assert asyncio.run(urls(spider(sections="news/japan,business", discover="feeds"))) == [
        f"{BASE}/feed/", f"{BASE}/news/japan/feed/", f"{BASE}/business/feed/"]
    assert asyncio.run(urls(spider(discover="sitemaps"))) == [f"{BASE}/robots.txt"]
    # listings alone start at once; with documents they wait for the engine to be idle
    assert asyncio.run(urls(spider(sections="business", discover="listings"))) == [
        f"{BASE}/business/"]
    s = spider(sections="business")
    assert f"{BASE}/business/" not in asyncio.run(urls(s))
    assert [r.url for r in s.start_listings()] == [f"{BASE}/business/"]


def test_feed_entries_are_kept_by_section_off_site_and_other_sections_are_not():
    s = spider(sections="news/japan")
    stats = s.crawler.stats
    source = "feed:/feed/"
    assert s.follow(Entry(JAPAN), source).meta["newscrawl_section"] == "news/japan"
    assert s.follow(Entry(SPORTS), source) is None
    assert s.follow(Entry("https://partner.example.com/news/2023/11/24/japan/x/"),
                    source) is None
    assert s.follow(Entry(f"{BASE}/news/japan/"), source) is None  # a section page
    tally = sources(s)[source]
    assert (tally["links"], tally["kept"]) == (2, 1)
    assert tally["sections"] == {"news/japan": {"links": 1, "requests": 0, "new": 0,
                                                "updated": 0}}
    assert stats.get_value("newscrawl/discovery/other_section") == 1
    assert stats.get_value("newscrawl/discovery/not_article") == 2


def test_an_article_found_by_several_sources_is_requested_once():
    s = spider(sections="news/japan")
    first = s.follow(Entry(JAPAN, metadata={"credit": "Jiji"}), "feed:/feed/")
    assert first.meta["newscrawl_source"] == "feed:/feed/"
    assert first.meta["newscrawl_discovery"] == {"credit": "Jiji"}
    assert s.follow(Entry(JAPAN + "?utm_source=x"), "sitemap:/news-sitemap.xml") is None
    assert s.follow(Entry(JAPAN), "listing:news/japan", section="news/japan") is None


def test_a_newer_change_signal_asks_again_once_marked_as_a_retry():
    s = spider(sections="news/japan")
    published = datetime(2023, 11, 24, 12, 30, tzinfo=JST)
    s.follow(Entry(JAPAN, published=published, changed=published), "feed:/feed/")
    assert s.follow(Entry(JAPAN, changed=published), "sitemap:/news-sitemap.xml") is None
    later = published + timedelta(hours=5)
    retry = s.follow(Entry(JAPAN, changed=later), "sitemap:/news-sitemap.xml")
    assert retry.dont_filter and retry.meta["newscrawl_signal_retry"]
    assert retry.meta["newscrawl_changed"] == later.timestamp()
    assert s.follow(Entry(JAPAN, changed=later), "sitemap:/other.xml") is None


def test_since_and_until_filter_entries_by_their_dates():
    s = spider(sections="news/japan,news/asia-pacific", since="2023-11-01",
               until="2023-11-23")
    source = "sitemap:/x.xml"
    # the publication date, else the URL's date, decide against until
    assert s.follow(Entry(JAPAN), source) is None  # 2023-11-24 from the URL
    assert s.follow(Entry(JAPAN, published=datetime(2023, 11, 20, tzinfo=JST)), source)
    # against since, the newest of publication and lastmod: updated since still counts
    assert s.follow(Entry(OLD), source) is None
    s2 = spider(sections="news/asia-pacific", since="2023-11-01")
    assert s2.follow(Entry(OLD, changed=datetime(2023, 11, 2, tzinfo=JST)), source)
    assert s.crawler.stats.get_value("newscrawl/discovery/out_of_range") == 2


def test_sitemaps_outside_the_range_are_not_fetched():
    s = spider(since="2020-02-10", until="2020-02-20")
    url = f"{BASE}/sitemaps/posts-%s.xml"
    assert s.sitemap_out_of_range(Entry(url % "2020-01"))
    assert s.sitemap_out_of_range(Entry(url % "2023-11"))
    assert not s.sitemap_out_of_range(Entry(url % "2020-02"))
    assert s.sitemap_out_of_range(Entry(f"{BASE}/news-sitemap.xml",
                                        changed=date(2020, 2, 1)))  # lastmod before since
    assert not s.sitemap_out_of_range(Entry(f"{BASE}/news-sitemap.xml"))
    assert not spider().sitemap_out_of_range(Entry(url % "2019"))


LISTING = """<!DOCTYPE html><html><head><title>World | The Japan Times</title></head><body>
<nav><a href="/news/2023/11/24/japan/politics/north-korea-object-orbit/">Top story</a></nav>
<main id="main-content"><section class="jt-stories">{cards}</section>
<a class="pager__link" href="/news/world/?pgno=2">Next</a></main>
<aside><a href="/business/2023/11/24/companies/nissan-new-evs-britain/">Most read</a></aside>
</body></html>"""
CARD = '<article class="story-card"><h3><a href="{href}">{title}</a></h3></article>'


def listing(url, cards, section="news/world", page=1):
    html = LISTING.format(cards="".join(CARD.format(href=h, title=h) for h in cards))
    request = Request(url, meta={"newscrawl_section": section, "newscrawl_page": page,
                                 "newscrawl_source": f"listing:{section}"})
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=request)


def test_an_unmatched_listing_falls_back_with_one_warning_per_section(caplog):
    s = spider(sections="news/world")
    world = [f"/news/2023/11/2{i}/world/politics/story-{i}/" for i in range(3)]
    with caplog.at_level(logging.WARNING, logger="newscrawl.spiders.base"):
        first = list(s.parse_listing(listing(f"{BASE}/news/world/", world[:2])))
        second = list(s.parse_listing(listing(f"{BASE}/news/world/?pgno=2", world[2:],
                                              page=2)))
    urls = [r.url for r in first + second]
    # page 2 links ?pgno=2 again (itself), not ?pgno=3: the section ends there
    assert urls == [BASE + world[0], BASE + world[1], f"{BASE}/news/world/?pgno=2",
                    BASE + world[2]]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Section news/world" in warnings[0] and f"{BASE}/news/world/" in warnings[0]
    stats = s.crawler.stats
    assert stats.get_value("newscrawl/listings/fallback/news/world") == 2
    assert stats.get_value("newscrawl/listings/next_page/page_number") == 1
    assert sources(s)["listing:news/world"]["links"] == 3


def test_a_listing_with_no_article_link_at_all_is_an_error_and_a_silent_source(caplog):
    s = spider(sections="opinion")
    with caplog.at_level(logging.ERROR, logger="newscrawl.spiders.base"):
        out = list(s.parse_listing(listing(f"{BASE}/opinion/", [], section="opinion")))
    assert [r.url for r in out] == []  # no article, and its pager link is another section
    (error,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert f"{BASE}/opinion/" in error and "no article link" in error
    assert silent_sources(sources(s)) == [
        "listing:opinion: no article link of the site"]


def test_silent_sources_judge_what_was_fetched_not_what_was_absent():
    judged = silent_sources({
        "feed:/feed/": {"status": "fetched", "links": 12},
        "feed:/news/national/feed/": {"status": "absent", "links": 0},
        "feed:/news/japan/feed/": {"status": "error", "links": 0,
                                   "error": "not a readable feed"},
        "sitemap:/sitemap_index.xml": {"status": "index", "links": 0, "children": 3},
        "sitemap:/sitemaps/posts-2019.xml": {"status": "skipped", "links": 0},
        "listing:business": {"status": "failed", "links": 0, "error": "http_500"},
        "listing:news/japan": {"status": "fetched", "links": 0},
    })
    assert judged == ["feed:/news/japan/feed/: not a readable feed",
                      "listing:business: http_500",
                      "listing:news/japan: no article link of the site"]


def test_source_metadata_fills_only_what_the_page_lacks():
    item = ArticleItem(credit=None, authors=[], tags=["health"], article_id="604767",
                       published_at=None)
    filled = fill_missing(item, {"credit": " Jiji ", "authors": ["Staff writer"],
                                 "tags": ["syphilis"], "article_id": "1",
                                 "published_at": "2023-11-24T21:37:00+09:00",
                                 "published_raw": "Fri, 24 Nov 2023 21:37:00 +0900"},
                          SITE, "feeds")
    assert filled == ["credit", "published_at"]
    assert item["credit"] == "Jiji" or item["credit"] == "JIJI"
    assert item["authors"] == []  # "Staff writer" is not a person
    assert item["tags"] == ["health"] and item["article_id"] == "604767"  # the page's
    assert item["published_at"] == "2023-11-24T21:37:00+09:00"
    assert item["date_source"] == "feed"
    item2 = ArticleItem(published_at=None)
    fill_missing(item2, {"published_at": "2023-11-24T12:30:00+09:00"}, SITE, "sitemaps")
    assert item2["date_source"] == "sitemap"
    assert fill_missing(ArticleItem(), None, SITE, "feeds") == []


def test_a_feed_document_becomes_requests_and_a_broken_one_an_error(caplog):
    s = spider(sections="news/japan")
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
           b"<item><title>a</title><link>" + JAPAN.encode() + b"</link>"
           b"<pubDate>Fri, 24 Nov 2023 21:36:00 +0900</pubDate></item></channel></rss>")
    meta = {"newscrawl_source": "feed:/feed/", "newscrawl_document": "feed"}
    response = TextResponse(f"{BASE}/feed/", body=rss, request=Request(f"{BASE}/feed/",
                                                                        meta=meta),
                            headers={"Content-Type": "application/rss+xml"})
    (request,) = list(s.parse_feed(response))
    assert request.url == JAPAN
    broken = TextResponse(f"{BASE}/feed/", body=rss[:60],
                          request=Request(f"{BASE}/feed/", meta=meta))
    (retry,) = list(s.parse_feed(broken))  # cut in transit? fetched again first
    assert retry.url == f"{BASE}/feed/" and retry.meta["retry_times"] == 1
    assert sources(s)["feed:/feed/"]["status"] != "error"
    spent = TextResponse(f"{BASE}/feed/", body=rss[:60],
                         request=Request(f"{BASE}/feed/", meta={**meta, "retry_times": 2}))
    with caplog.at_level(logging.ERROR):
        assert list(s.parse_feed(spent)) == []
    assert any(f"Broken feed {BASE}/feed/" in r.getMessage() for r in caplog.records)
    assert sources(s)["feed:/feed/"]["status"] == "error"
