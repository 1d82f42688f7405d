"""`scrapy crawl news -a site=...` end to end: a subprocess against the snapshot server on
loopback (``NEWSCRAWL_MIRROR``), for each generic site of the snapshot (a WordPress theme and a
Next.js site, ``newscrawl/snapshot/generic/``) and for the Japan Times through its module.

The ground truth is each site's ``expected.json``: every article's fields, the pages that look
like articles and must be refused (with the reason), the links never to be requested.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.snapshot.generic import load_generic_expected
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
SITES = ("harbor-gazette", "northfield-tribune")
COMPARED = ("url", "canonical_url", "site", "extraction", "headline", "description",
            "authors", "section", "tags", "published_at", "modified_at", "paragraphs",
            "paywalled", "language")


def crawl(tmp, site, *args, spider="news", state="state", name="run", server_site=None):
    """Run one crawl; (process, records, report, requests the server answered)."""
    out = tmp / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    spider_args = ["-a", f"site={site}"] if spider == "news" else []
    with SnapshotServer(site=server_site) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", spider, *spider_args, *args,
             "-s", f"NEWSCRAWL_MIRROR={server.url}", "-s", f"NEWSCRAWL_FEED_DIR={out}",
             "-s", f"NEWSCRAWL_STATE_DIR={tmp / state}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    feeds = list(out.rglob("*.jsonl"))
    assert len(feeds) == 1, (feeds, proc.stderr[-3000:])
    records = [json.loads(line) for line in feeds[0].read_text("utf-8").splitlines()]
    report = json.loads(feeds[0].with_name(
        feeds[0].name.removesuffix(".jsonl") + ".report.json").read_text("utf-8"))
    return proc, records, report, list(server.requests)


@pytest.mark.parametrize("name", SITES)
def test_a_site_without_a_module_every_article_once_field_by_field(tmp_path, name):
    truth = load_generic_expected(name)
    origin, host = truth["site"]["origin"], truth["site"]["host"]
    proc, records, report, requests = crawl(tmp_path, origin + "/", server_site=name)
    assert proc.returncode == 0, proc.stderr[-4000:]
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls)), "an article exported twice"
    assert sorted(urls) == sorted(a["url"] for a in truth["articles"])
    by_url = {r["url"]: r for r in records}
    for article in truth["articles"]:
        record = by_url[article["url"]]
        for key in COMPARED:
            assert record[key] == article[key], (article["url"], key)
        assert record["body"] == "\n\n".join(article["paragraphs"])
    assert {r["extraction"] for r in records} == {"generic"}
    assert report["site"] == truth["site"]["name"] and report["spider"] == "news"
    # the pages that only look like articles: requested, refused with their reason
    want = {}
    for reason in truth["refused"].values():
        want[reason] = want.get(reason, 0) + 1
    assert report["dropped"]["by_reason"] == want
    for url, reason in truth["refused"].items():
        assert f"Dropped {url} ({reason}" in proc.stderr
    # only the site's host was asked for, every request went to the mirror, and the links
    # the heuristics refuse were never requested
    assert {h for h, _ in requests} == {host}
    assert report["requests"]["total"] == len(requests)
    asked = {origin + path for _, path in requests}
    assert not asked & set(truth["not_requested"])
    # each page once (robots.txt: once for Scrapy's robots.txt middleware, once for its
    # Sitemap: lines; the WordPress /rss redirect leads to /feed/ again)
    paths = [p for _, p in requests if p not in ("/robots.txt", "/feed/")]
    assert len(paths) == len(set(paths)), sorted(paths)
    # the sections found in the home page's navigation, read with their pagination
    assert sorted(report["pages"]["by_section"]) == sorted(["/"] + truth["nav_sections"])
    for section in truth["sections"].values():
        for page in section["listing_pages"]:
            assert page in asked
    # sources: announced feeds read, guessed ones absent, sitemaps through robots.txt
    sources = report["sources"]
    for feed in truth["feeds"]["announced"]:
        assert sources["feed:" + feed.removeprefix(origin)]["status"] == "fetched"
    assert sources["feed:/rss.xml"]["status"] == "absent"
    for sitemap in truth["sitemaps"]:
        assert sources["sitemap:" + sitemap.removeprefix(origin)]["status"] in (
            "fetched", "index", "no_articles")
    assert sum(s["new"] for s in sources.values()) == len(records)
    assert report["monitors"]["passed"], report["monitors"]


def test_a_second_run_exports_nothing_and_keeps_the_state_per_site(tmp_path):
    origin = load_generic_expected("harbor-gazette")["site"]["origin"]
    first = crawl(tmp_path, origin + "/", server_site="harbor-gazette", name="first")
    assert first[0].returncode == 0 and len(first[1]) == 9
    # the state of a site without a module is named by its registrable host
    assert (tmp_path / "state" / "harbor-gazette.example.sqlite3").exists()
    proc, records, report, requests = crawl(tmp_path, origin, server_site="harbor-gazette",
                                            name="second")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert records == []
    assert report["requests"]["skipped_seen"] >= 9
    # the bare twin of the host is the same site: its pages are fetched (the state's keys
    # are on the host given), and nothing is exported twice
    proc, records, report, requests = crawl(tmp_path, "https://harbor-gazette.example/",
                                            server_site="harbor-gazette", name="third")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert records == [] and report["site"] == "harbor-gazette.example"
    assert {h for h, _ in requests} <= {"harbor-gazette.example", "www.harbor-gazette.example"}


def test_max_articles_closes_a_try_out_run(tmp_path):
    origin = load_generic_expected("northfield-tribune")["site"]["origin"]
    proc, records, report, requests = crawl(tmp_path, origin, "-a", "max_articles=3",
                                            server_site="northfield-tribune")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(records) == 3
    assert report["finish_reason"] == "max_articles"
    assert "max_articles=3 exported: closing the spider" in proc.stderr


def test_named_sections_filter_every_source(tmp_path):
    truth = load_generic_expected("northfield-tribune")
    origin = truth["site"]["origin"]
    proc, records, report, requests = crawl(tmp_path, origin, "-a", "sections=sports",
                                            server_site="northfield-tribune")
    assert proc.returncode == 0, proc.stderr[-3000:]
    want = [a["url"] for a in truth["articles"] if a["section"] == "Sports"]
    assert sorted(r["url"] for r in records) == sorted(want) and len(want) == 2
    assert list(report["pages"]["by_section"]) == ["sports"]
    assert ("news.northfield-tribune.example", "/local") not in requests


def test_since_discover_and_max_pages_work_as_for_the_site_spiders(tmp_path):
    harbor = load_generic_expected("harbor-gazette")
    northfield = load_generic_expected("northfield-tribune")
    # since: by each article's day (a site without a module is read in UTC)
    proc, records, report, _ = crawl(tmp_path, harbor["site"]["origin"], "-a",
                                     "since=2026-11-22", server_site="harbor-gazette",
                                     name="since", state="since-state")
    assert proc.returncode == 0, proc.stderr[-3000:]
    want = [a["url"] for a in harbor["articles"] if a["published_at"] >= "2026-11-22T05"]
    assert sorted(r["url"] for r in records) == sorted(want) and len(want) == 4
    # discover=feeds: the Atom feed's six newest articles, no listing nor sitemap
    proc, records, report, requests = crawl(tmp_path, northfield["site"]["origin"], "-a",
                                            "discover=feeds", server_site="northfield-tribune",
                                            name="feeds", state="feeds-state")
    assert proc.returncode == 0, proc.stderr[-3000:]
    newest = sorted(northfield["articles"], key=lambda a: a["published_at"])[-6:]
    assert sorted(r["url"] for r in records) == sorted(a["url"] for a in newest)
    assert {name.split(":")[0] for name in report["sources"]} == {"feed"}
    assert not [p for _, p in requests if p in ("/local", "/sitemap.xml")]
    # discover=listings, max_pages=1: the home page and each section's first page
    proc, records, report, requests = crawl(tmp_path, harbor["site"]["origin"], "-a",
                                            "discover=listings", "-a", "max_pages=1",
                                            server_site="harbor-gazette", name="listings",
                                            state="listings-state")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert report["pages"]["by_section"] == {"/": 1, "category/business": 1,
                                             "category/local": 1}
    first_pages = {p for s in harbor["sections"].values() for p in s["listing_pages"][:1]}
    assert len(records) == 6 and first_pages <= {harbor["site"]["origin"] + p
                                                 for _, p in requests}


def test_the_japan_times_by_its_address_is_the_japan_times_crawl(tmp_path):
    # Every source and the default sections: the same records, sources and requests.
    news = crawl(tmp_path, "https://www.japantimes.co.jp/", name="news", state="a")
    site = crawl(tmp_path, None, spider="japantimes", name="jt", state="b")
    assert news[0].returncode == site[0].returncode == 0, news[0].stderr[-3000:]

    def comparable(records):
        return sorted(({k: v for k, v in r.items() if k != "crawled_at"} for r in records),
                      key=lambda r: r["url"])

    assert len(news[1]) >= 30
    assert comparable(news[1]) == comparable(site[1])
    assert {r["extraction"] for r in news[1]} == {"site:japantimes"}
    assert news[2]["site"] == "japantimes" and news[2]["spider"] == "news"
    assert news[2]["sources"].keys() == site[2]["sources"].keys()
    assert news[2]["requests"]["total"] == site[2]["requests"]["total"]
    assert {h for h, _ in news[3]} <= {"www.japantimes.co.jp", "japantimes.co.jp"}


def test_scrapy_extract_fetches_a_generic_sites_page_through_the_mirror():
    truth = load_generic_expected("northfield-tribune")
    article = truth["articles"][0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    with SnapshotServer(site="northfield-tribune") as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "extract", article["url"],
             "-s", f"NEWSCRAWL_MIRROR={server.url}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    record = json.loads(proc.stdout)
    assert record["headline"] == article["headline"] and record["extraction"] == "generic"
    assert server.requests[-1] == (truth["site"]["host"], article["url"].split(".example")[1])
