"""The snapshot's discovery documents and cases (issue 10), fetched through a real server.

Feeds, sitemaps, robots.txt, the news/world section in markup no listing selector knows, the
empty opinion section, the variants, and ``expected_articles()``. Each test checks something a
broken snapshot would get wrong: a feed that does not parse or points nowhere, a sitemap that
is not gzip or not listed, a variant served when not asked, ground truth that disagrees with
the documents.
"""

import gzip
import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
import pytest
from parsel import Selector
from scrapy.utils.sitemap import Sitemap

from newscrawl.sites.japantimes import SITE
from newscrawl.snapshot import (
    DEFAULT_SECTIONS,
    SNAPSHOT_DIR,
    expected_articles,
    load_expected,
    load_manifest,
    section_of,
)
from newscrawl.snapshot.__main__ import copy_snapshot
from newscrawl.snapshot.build import build
from newscrawl.snapshot.server import Snapshot, SnapshotServer, load_variants

ORIGIN = "https://www.japantimes.co.jp"
HOST = "www.japantimes.co.jp"
MANIFEST = load_manifest()
EXPECTED = load_expected()
DISCOVERY = EXPECTED["discovery"]
CASES = DISCOVERY["cases"]
SPECIAL = EXPECTED["special"]
ALL = {a["url"]: a for a in EXPECTED["articles"] + DISCOVERY["articles"]}
LISTED = {a["url"]: a for a in EXPECTED["articles"]}
NEW = {a["url"]: a for a in DISCOVERY["articles"]}
WORLD_PAGES = ["/news/world/", "/news/world/?pgno=2"]


def fetch(url):
    """(status, headers, body) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sitemap_rows(body):
    sitemap = Sitemap(body)
    return sitemap.type, list(sitemap)


@pytest.fixture(scope="module")
def server():
    with SnapshotServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def updated():
    with SnapshotServer(variants=("updated",)) as srv:
        yield srv


@pytest.fixture(scope="module")
def broken():
    with SnapshotServer(variants=("broken",)) as srv:
        yield srv


# ---------------------------------------------------------------------------------------------
# feeds


def test_site_feed_parses_with_the_expected_links_offsite_entry_and_garbage_date(server):
    status, headers, body = fetch(server.url + "/feed/")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=UTF-8"
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "rss20"
    links = [e.link for e in feed.entries]
    assert links == DISCOVERY["feeds"]["/feed/"]["article_urls"]
    assert len(links) == len(set(links)) == 23
    # every current-layout article of the snapshot, the special pages and the feed-only one
    current = {u for u, a in ALL.items() if a["layout"] == "current"}
    assert current | {SPECIAL["botwall"], SPECIAL["truncated"]} <= set(links)
    assert CASES["feed_only"] in links and CASES["sitemap_only"] not in links
    offsite = [u for u in links if urlsplit(u).hostname != HOST]
    assert offsite == [CASES["offsite_entry"]["url"]]
    by_link = {e.link: e for e in feed.entries}
    garbage = by_link[CASES["garbage_date_entry"]["url"]]
    assert garbage.published == CASES["garbage_date_entry"]["pub_date"]
    assert garbage.get("published_parsed") is None
    assert all(e.published_parsed for e in feed.entries if e is not garbage)
    for entry in feed.entries:  # the real feed's shape: guid /article/<id>/, not a permalink
        assert re.fullmatch(r"https://www\.japantimes\.co\.jp/article/\d+/", entry.id)
        assert entry.guidislink is False
    for url, entry in by_link.items():
        if url in ALL:
            assert entry.title == ALL[url]["headline"], url
            assert entry.id.endswith(f"/article/{ALL[url]['article_id']}/"), url


def test_feed_items_of_real_articles_are_the_real_items():
    real = (SNAPSHOT_DIR / "sources" / "feed-2023-11-25.xml").read_text(encoding="utf-8")
    served = (SNAPSHOT_DIR / "site" / MANIFEST["/feed/"]["file"]).read_text(encoding="utf-8")
    for raw in re.findall(r"[ \t]*<item>.*?</item>\n", real, re.S):
        link = re.search(r"<link>(.*?)</link>", raw).group(1)
        if link == CASES["garbage_date_entry"]["url"]:
            assert raw not in served
            assert re.sub(r"<pubDate>.*?</pubDate>", "<pubDate>"
                          + CASES["garbage_date_entry"]["pub_date"] + "</pubDate>", raw) in served
        elif link in ALL:
            assert raw in served, link


def test_feed_only_article_takes_its_credit_from_the_feed(server):
    url = CASES["feed_only"]
    record = NEW[url]
    assert record["credit"] is None and record["from_feed"] == {"credit": "Kyodo"}
    tree = lxml.html.fromstring(fetch(server.url + urlsplit(url).path)[2])
    byline = tree.cssselect("div.jt-article-details div.byline")[0]
    assert byline.cssselect("span.credit") == [] and byline.text_content().strip() == ""
    for path in ("/feed/", "/news/japan/feed/"):
        feed = feedparser.parse(fetch(server.url + path)[2])
        entry = next(e for e in feed.entries if e.link == url)
        assert entry.jto_credit == "Kyodo", path
    assert record["sources"] == {"listings": [], "feeds": ["/feed/", "/news/japan/feed/"],
                                 "sitemaps": []}


def test_japan_section_feed_is_rss_of_news_japan_only(server):
    status, headers, body = fetch(server.url + "/news/japan/feed/")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "rss20"
    assert feed.feed.title == "Japan - The Japan Times"
    links = [e.link for e in feed.entries]
    assert links == DISCOVERY["feeds"]["/news/japan/feed/"]["article_urls"]
    assert {section_of(u) for u in links} == {"news/japan"}
    assert CASES["feed_only"] in links and SPECIAL["truncated"] in links
    assert all(e.published_parsed for e in feed.entries)  # the garbled date is /feed/'s only


def test_business_feed_is_atom(server):
    status, headers, body = fetch(server.url + "/business/feed/")
    assert status == 200 and headers["Content-Type"] == "application/atom+xml; charset=UTF-8"
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "atom10"
    links = [e.link for e in feed.entries]
    assert links == DISCOVERY["feeds"]["/business/feed/"]["article_urls"]
    assert {section_of(u) for u in links} == {"business"} and SPECIAL["botwall"] in links
    nissan = next(e for e in feed.entries if "nissan" in e.link)
    record = ALL[nissan.link]
    assert nissan.published_parsed and nissan.updated_parsed > nissan.published_parsed
    assert nissan.title == record["headline"] and nissan.author == "Nick Carey"
    assert [t.term for t in nissan.tags][:2] == ["Business", "Companies"]
    root = lxml.etree.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.xpath("a:entry/a:link[@rel='alternate']/@href", namespaces=ns) == links


def test_absent_feeds_and_sitemap_answer_404(server):
    assert sorted(CASES["absent"]) == ["/news/asia-pacific/feed/", "/news/national/feed/",
                                       "/sitemaps/posts-2019.xml"]
    for path in CASES["absent"]:
        assert path not in MANIFEST
        assert fetch(server.url + path)[0] == 404, path
    for path in ("/news/national/feed/", "/news/asia-pacific/feed/"):
        assert DISCOVERY["feeds"][path]["status"] == 404
    assert DISCOVERY["sitemaps"]["/sitemaps/posts-2019.xml"]["status"] == 404


# ---------------------------------------------------------------------------------------------
# robots.txt and sitemaps


def test_robots_txt_names_the_index_and_the_news_sitemap(server):
    robots = fetch(server.url + "/robots.txt")[2].decode("utf-8")
    listed = re.findall(r"^Sitemap: (\S+)$", robots, re.M)
    assert listed == DISCOVERY["robots_sitemaps"] == [ORIGIN + "/sitemap_index.xml",
                                                      ORIGIN + "/news-sitemap.xml"]


def test_sitemap_index_lists_plain_gzip_and_missing_children(server):
    status, headers, body = fetch(server.url + "/sitemap_index.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    kind, rows = sitemap_rows(body)
    assert kind == "sitemapindex"
    assert rows == DISCOVERY["sitemaps"]["/sitemap_index.xml"]["entries"]
    assert [path_of(r["loc"]) for r in rows] == [
        "/sitemaps/posts-2019.xml", "/sitemaps/posts-2020-01.xml.gz",
        "/sitemaps/posts-2020-02.xml.gz", "/sitemaps/posts-2023-11.xml"]
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", row["lastmod"]), row
        doc = DISCOVERY["sitemaps"][path_of(row["loc"])]
        status = fetch(server.url + path_of(row["loc"]))[0]
        assert status == doc["status"], row
        if doc["entries"]:  # the child's lastmod is its newest entry's
            assert row["lastmod"] == max(e["lastmod"] for e in doc["entries"])


@pytest.mark.parametrize("path", ["/sitemaps/posts-2020-01.xml.gz",
                                  "/sitemaps/posts-2020-02.xml.gz"])
def test_gzip_sitemaps_are_gzip_bytes(server, path):
    status, headers, body = fetch(server.url + path)
    assert status == 200 and headers["Content-Type"] == "application/x-gzip"
    assert "Content-Encoding" not in headers  # the file is gzip, not the transfer
    assert body[:2] == b"\x1f\x8b" and body[4:8] == b"\0\0\0\0"  # mtime 0: deterministic
    with pytest.raises(lxml.etree.XMLSyntaxError):  # not XML until decompressed
        lxml.etree.fromstring(body)
    kind, rows = sitemap_rows(gzip.decompress(body))
    assert kind == "urlset"
    doc = DISCOVERY["sitemaps"][path]
    assert doc["gzip"] is True
    assert [{"loc": r["loc"], "lastmod": r["lastmod"]} for r in rows] == doc["entries"]
    month = path[len("/sitemaps/posts-"):][:7].replace("-", "/")
    assert all(f"/{month}/" in r["loc"] for r in rows)
    assert all(ALL[r["loc"]]["layout"] == "wordpress" for r in rows)


def test_2023_urlset_and_news_sitemap(server):
    kind, rows = sitemap_rows(fetch(server.url + "/sitemaps/posts-2023-11.xml")[2])
    assert kind == "urlset"
    assert [{"loc": r["loc"], "lastmod": r["lastmod"]} for r in rows] == \
        DISCOVERY["sitemaps"]["/sitemaps/posts-2023-11.xml"]["entries"]
    locs = {r["loc"] for r in rows}
    assert CASES["feed_only"] not in locs and SPECIAL["botwall"] in locs
    assert {u for u, a in NEW.items() if section_of(u) == "news/world"} <= locs
    for row in rows:
        assert re.fullmatch(r"2023-11-\d\dT\d\d:\d\d:\d\d\+09:00", row["lastmod"]), row
        if row["loc"] in ALL:
            record = ALL[row["loc"]]
            assert row["lastmod"] == (record["modified_at"] or record["published_at"])

    status, headers, body = fetch(server.url + "/news-sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    kind, rows = sitemap_rows(body)
    assert kind == "urlset" and len(rows) == 20
    root = lxml.etree.fromstring(body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "news": "http://www.google.com/schemas/sitemap-news/0.9"}
    urls = root.xpath("s:url", namespaces=ns)
    assert len(urls) == 20
    for url in urls:
        loc = url.xpath("string(s:loc)", namespaces=ns)
        assert url.xpath("string(news:news/news:publication/news:name)", namespaces=ns) == \
            "The Japan Times"
        assert url.xpath("string(news:news/news:publication/news:language)", namespaces=ns) \
            == "en"
        date = url.xpath("string(news:news/news:publication_date)", namespaces=ns)
        assert date[:10] in ("2023-11-23", "2023-11-24"), loc
        if loc in ALL:
            assert url.xpath("string(news:news/news:title)", namespaces=ns) == \
                ALL[loc]["headline"]
            assert date == ALL[loc]["published_at"]
    assert CASES["feed_only"] not in {r["loc"] for r in rows}


def test_every_on_site_url_of_every_feed_and_sitemap_resolves(server):
    urls = set()
    for doc in DISCOVERY["feeds"].values():
        urls |= set(doc["article_urls"])
    for doc in DISCOVERY["sitemaps"].values():
        if doc["kind"] != "index":
            urls |= {e["loc"] for e in doc["entries"]}
    on_site = {u for u in urls if urlsplit(u).hostname == HOST}
    assert urls - on_site == {CASES["offsite_entry"]["url"]}
    for url in sorted(on_site):
        status, _, body = fetch(server.url + urlsplit(url).path)
        if url == SPECIAL["botwall"]:
            assert status == 403
        elif url == SPECIAL["truncated"]:
            assert status == 200 and b"</html>" not in body
        else:
            assert status == 200 and url in ALL, url
            canonical = lxml.html.fromstring(body).cssselect("link[rel=canonical]")[0]
            assert canonical.get("href") == url


def test_sources_of_every_record_agree_with_the_served_documents(server):
    found = {url: {"listings": set(), "feeds": set(), "sitemaps": set()} for url in ALL}
    for path in DISCOVERY["feeds"]:
        status, _, body = fetch(server.url + path)
        if status != 200:
            continue
        for entry in feedparser.parse(body).entries:
            if entry.link in found:
                found[entry.link]["feeds"].add(path)
    for path in DISCOVERY["sitemaps"]:
        status, _, body = fetch(server.url + path)
        if status != 200:
            continue
        kind, rows = sitemap_rows(gzip.decompress(body) if path.endswith(".gz") else body)
        if kind == "urlset":
            for row in rows:
                if row["loc"] in found:
                    found[row["loc"]]["sitemaps"].add(path)
    for section, info in DISCOVERY["sections"].items():
        for page in info["listing_pages"]:
            sel = Selector(fetch(server.url + page)[2].decode("utf-8"))
            hrefs = (sel.css("main#main-content a::attr(href)").getall()
                     if info["markup"] != "known" else
                     sel.css("article.archive_story hgroup p > a::attr(href), "
                             "div.jt-section-articles h2.article-title a::attr(href)").getall())
            for href in hrefs:
                url = urljoin(ORIGIN + page, href).split("?")[0].split("#")[0]
                if url in found:
                    found[url]["listings"].add(section)
    for url, record in ALL.items():
        got = {kind: sorted(v) for kind, v in found[url].items()}
        assert got == {kind: sorted(v) for kind, v in record["sources"].items()}, url
    # the cases: each reachable through exactly one source
    assert [k for k, v in ALL[CASES["feed_only"]]["sources"].items() if v] == ["feeds"]
    assert [k for k, v in ALL[CASES["sitemap_only"]]["sources"].items() if v] == ["sitemaps"]
    assert [k for k, v in ALL[CASES["listing_only"]]["sources"].items() if v] == ["listings"]
    assert "/2019/" in CASES["listing_only"]


# ---------------------------------------------------------------------------------------------
# sections: an unknown markup and an empty one


def all_listing_selectors():
    for listing in SITE.listings:
        yield from (listing.teaser, listing.next_page, listing.teaser_link, listing.teaser_date)


@pytest.mark.parametrize("path", WORLD_PAGES + ["/opinion/"])
def test_new_section_pages_match_no_listing_selector_of_the_site(server, path):
    status, headers, body = fetch(server.url + path)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    sel = Selector(body.decode("utf-8"))
    for css in all_listing_selectors():
        assert sel.css(css).getall() == [], (path, css)
    # same chrome as the other current-layout pages
    known = Selector((SNAPSHOT_DIR / "site" / MANIFEST["/news/japan/"]["file"])
                     .read_text(encoding="utf-8"))
    assert sel.css("nav.main-nav a::attr(href)").getall() == \
        known.css("nav.main-nav a::attr(href)").getall()
    assert sel.css("div.breaking-news-ticker").get() == known.css("div.breaking-news-ticker").get()
    assert len(body) >= 20_000


def article_urls(hrefs, page):
    out = []
    for href in hrefs:
        url = urljoin(ORIGIN + page, href)
        if SITE.article_path_re.match(urlsplit(url).path) and url not in out:
            out.append(url)
    return out


def test_world_pages_list_their_articles_in_main_and_others_outside(server):
    world = [u for u, a in NEW.items() if section_of(u) == "news/world"]
    assert len(world) == 4
    seen = []
    for n, page in enumerate(WORLD_PAGES):
        sel = Selector(fetch(server.url + page)[2].decode("utf-8"))
        main = article_urls(sel.css("main a::attr(href)").getall(), page)
        assert len(main) == 2 and all(section_of(u) == "news/world" for u in main)
        assert main == article_urls(
            sel.css("section.jt-stories article.story-card h3.story-card__title a::attr(href)")
            .getall(), page)
        seen += main
        outside = article_urls(sel.xpath("//a[not(ancestor::main)]/@href").getall(), page)
        others = [u for u in outside if u in ALL]
        for where in ("header", "aside", "footer"):
            links = article_urls(sel.css(f"{where} a::attr(href)").getall(), page)
            assert any(u in ALL and section_of(u) != "news/world" for u in links), where
        assert others and all(section_of(u) != "news/world" for u in others)
        pager = sel.css("nav.pager a.pager__link")
        nxt = [a for a in pager if a.css("::text").get() == "Next"]
        if n == 0:
            assert nxt and nxt[0].attrib["href"] == "/news/world/?pgno=2"
            assert "rel" not in nxt[0].attrib and "next" not in nxt[0].attrib["class"]
        else:
            assert not nxt
    assert sorted(seen) == sorted(world)
    dates = [ALL[u]["published_at"] for u in seen]
    assert dates == sorted(dates, reverse=True)
    assert DISCOVERY["sections"]["news/world"] == {"listing_pages": WORLD_PAGES,
                                                   "markup": "unknown"}


def test_opinion_main_content_holds_no_article_link(server):
    sel = Selector(fetch(server.url + "/opinion/")[2].decode("utf-8"))
    assert article_urls(sel.css("main a::attr(href)").getall(), "/opinion/") == []
    app = sel.css("main div#jt-app")
    assert app and app.attrib["data-endpoint"].startswith("/api/")
    outside = article_urls(sel.xpath("//a[not(ancestor::main)]/@href").getall(), "/opinion/")
    assert len([u for u in outside if u in ALL]) >= 5
    assert DISCOVERY["sections"]["opinion"] == {"listing_pages": ["/opinion/"],
                                                "markup": "empty"}
    assert CASES["fallback_section"] == "news/world" and CASES["empty_section"] == "opinion"


# ---------------------------------------------------------------------------------------------
# variants


def test_variants_are_served_only_when_asked(server, updated):
    case = CASES["updated"]
    path = urlsplit(case["url"]).path
    base = fetch(server.url + path)[2]
    assert base == (SNAPSHOT_DIR / "site" / MANIFEST[path]["file"]).read_bytes()
    assert case["new_paragraph"].encode() not in base and b"update-date" not in base
    new = fetch(updated.url + path)[2]
    tree = lxml.html.fromstring(new)
    body = [p.text_content() for p in tree.cssselect("#jtarticle div.article-body > p")]
    record = ALL[case["url"]]
    assert body[-1] == case["new_paragraph"] and len(body) == len(record["paragraphs"]) + 1
    assert tree.cssselect("div.update-date")[0].text_content() == "Updated: Nov 25, 2023"
    ld = [json.loads(s.text) for s in tree.cssselect("script[type='application/ld+json']")]
    article = next(d for d in ld if d.get("@type") == "NewsArticle")
    assert article["dateModified"] == case["new_modified_at"] > record["published_at"]
    assert case["old_modified_at"] is None and record["modified_at"] is None
    # the sitemaps move its lastmod; everything else is as in the base snapshot
    for sitemap in ("/sitemaps/posts-2023-11.xml", "/news-sitemap.xml"):
        rows = {r["loc"]: r["lastmod"] for r in sitemap_rows(fetch(updated.url + sitemap)[2])[1]}
        old = {r["loc"]: r["lastmod"] for r in sitemap_rows(fetch(server.url + sitemap)[2])[1]}
        assert rows[case["url"]] == case["new_modified_at"] != old[case["url"]]
        assert {k: v for k, v in rows.items() if k != case["url"]} == \
            {k: v for k, v in old.items() if k != case["url"]}
    for other in ("/feed/", "/news/japan/", "/news/japan/feed/", "/robots.txt",
                  "/sitemaps/posts-2020-02.xml.gz", SPECIAL["duplicate_listing"]):
        assert fetch(updated.url + path_of(other))[2] == fetch(server.url + path_of(other))[2]
    assert sorted(case["changed_paths"]) == sorted(load_variants()["updated"]["paths"])


def test_broken_variant_serves_a_malformed_feed_and_sitemap_with_200(server, broken):
    assert CASES["malformed"] == {"variant": "broken",
                                  "paths": ["/news/japan/feed/", "/sitemaps/posts-2023-11.xml"]}
    status, headers, body = fetch(broken.url + "/news/japan/feed/")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(body)
    assert feed.bozo and len(feed.entries) == 0
    assert b"<channel>" in body and b"database error" in body and b"</rss>" not in body
    status, headers, body = fetch(broken.url + "/sitemaps/posts-2023-11.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    assert body.lstrip().lower().startswith(b"<!doctype html")
    assert Sitemap(body).type == "html" and list(Sitemap(body)) == []
    # the base server serves them well; the broken one leaves other sources alone
    assert len(feedparser.parse(fetch(server.url + "/news/japan/feed/")[2]).entries) == 12
    for other in ("/feed/", "/business/feed/", "/sitemap_index.xml", "/news-sitemap.xml",
                  CASES["updated"]["url"]):
        assert fetch(broken.url + path_of(other))[2] == fetch(server.url + path_of(other))[2]


def test_variants_combine_and_unknown_ones_are_refused(tmp_path):
    both = Snapshot(variants=("updated", "broken"))
    plain = Snapshot()
    changed = {p for p in both.manifest if both.manifest[p] != plain.manifest.get(p)}
    variants = load_variants()
    assert changed == set(variants["updated"]["paths"]) | set(variants["broken"]["paths"])
    # the later variant wins on a path both change
    assert both.manifest["/sitemaps/posts-2023-11.xml"]["variant"] == "broken"
    with pytest.raises(ValueError, match="unknown snapshot variant 'nope'"):
        Snapshot(variants=("nope",))
    with pytest.raises(ValueError):
        SnapshotServer(variants=("nope",)).start()
    # an overlay entry can remove a path: it answers 404
    dest = copy_snapshot(tmp_path / "snap")
    data = json.loads((dest / "variants.json").read_text("utf-8"))
    data["gone"] = {"description": "the news sitemap removed",
                    "paths": {"/news-sitemap.xml": {"absent": True}}}
    (dest / "variants.json").write_text(json.dumps(data), "utf-8")
    with SnapshotServer(root=dest, variants=("gone", "updated")) as srv:
        assert fetch(srv.url + "/news-sitemap.xml")[0] == 200  # updated adds it back
    with SnapshotServer(root=dest, variants=("updated", "gone")) as srv:
        assert fetch(srv.url + "/news-sitemap.xml")[0] == 404
        assert fetch(srv.url + "/sitemap_index.xml")[0] == 200


def test_cli_serves_variants_when_asked_and_refuses_unknown_ones():
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.snapshot", "serve", "--port", "0",
         "--variant", "updated", "--variant", "broken"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        body = fetch(url + urlsplit(CASES["updated"]["url"]).path)[2]
        assert CASES["updated"]["new_paragraph"].encode() in body
        assert feedparser.parse(fetch(url + "/news/japan/feed/")[2]).entries == []
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        proc.stdout.close()
        proc.stderr.close()
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.snapshot", "serve", "--port", "0", "--variant", "x"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and result.stdout == ""
    assert "unknown snapshot variant 'x'" in result.stderr


# ---------------------------------------------------------------------------------------------
# ground truth


def urls(records):
    return {r["url"] for r in records}


def test_expected_articles_per_source():
    listed = urls(expected_articles(sources=("listings",)))
    fed = urls(expected_articles(sources=("feeds",)))
    mapped = urls(expected_articles(sources=("sitemaps",)))
    every = urls(expected_articles())
    assert listed == set(LISTED) and len(listed) == 30
    assert every == listed | fed | mapped == set(LISTED) | {CASES["feed_only"],
                                                            CASES["sitemap_only"]}
    assert CASES["feed_only"] in fed and CASES["feed_only"] not in listed | mapped
    assert CASES["sitemap_only"] in mapped and CASES["sitemap_only"] not in listed | fed
    assert CASES["listing_only"] in listed and CASES["listing_only"] not in fed | mapped
    assert all(section_of(u) in DEFAULT_SECTIONS for u in every)
    # news/world is not a default section; its articles come through every source
    world = {u for u in NEW if section_of(u) == "news/world"}
    assert not world & every
    for source in ("listings", "feeds", "sitemaps"):
        assert urls(expected_articles(sections=("news/world",), sources=(source,))) == world
    assert expected_articles(sections=("opinion",)) == []
    # listings follow the listing pages (business lists a news/japan article); feeds and
    # sitemaps the URL's own section
    business = urls(expected_articles(sections=("business",), sources=("listings",)))
    assert SPECIAL["duplicate_listing"] in business
    assert SPECIAL["duplicate_listing"] not in urls(
        expected_articles(sections=("business",), sources=("feeds", "sitemaps")))
    with pytest.raises(ValueError):
        expected_articles(sources=("rss",))
    with pytest.raises(TypeError):
        expected_articles(sections="news/japan")
    with pytest.raises(ValueError):
        expected_articles(variants=("nope",))


def test_expected_articles_with_variants():
    case = CASES["updated"]
    before = next(r for r in expected_articles() if r["url"] == case["url"])
    after = next(r for r in expected_articles(variants=("updated",)) if r["url"] == case["url"])
    assert before["modified_at"] is None and after["modified_at"] == case["new_modified_at"]
    assert after["paragraphs"] == before["paragraphs"] + [case["new_paragraph"]]
    assert ALL[case["url"]]["modified_at"] is None  # a copy: the truth is untouched
    # broken: the floods article (only in the 2023-11 urlset, too old for the news sitemap)
    # is lost to a sitemap-only crawl of news/world
    floods = next(u for u in NEW if "floods" in u)
    ok = urls(expected_articles(sections=("news/world",), sources=("sitemaps",)))
    bad = urls(expected_articles(sections=("news/world",), sources=("sitemaps",),
                                 variants=("broken",)))
    assert ok - bad == {floods}
    assert urls(expected_articles(variants=("broken",))) == urls(expected_articles())


def test_discovery_records_are_complete():
    keys = set(EXPECTED["articles"][0])
    assert "sources" in keys
    for url, record in NEW.items():
        assert set(record) - {"from_feed"} == keys, url
        assert record["section_path"] == (["news/world"] if "/world/" in url else [])
    assert CASES["sitemap_only"] in NEW and NEW[CASES["sitemap_only"]]["layout"] == "wordpress"
    assert not set(NEW) & set(LISTED)
    assert set(DISCOVERY["variants"]) == set(load_variants()) == {"updated", "broken"}


def test_build_of_variants_is_deterministic(tmp_path):
    build(tmp_path)
    assert (tmp_path / "variants.json").read_bytes() == \
        (SNAPSHOT_DIR / "variants.json").read_bytes()
    for name, variant in load_variants().items():
        for entry in variant["paths"].values():
            rel = f"site-variants/{name}/{entry['file']}"
            assert (tmp_path / rel).read_bytes() == (SNAPSHOT_DIR / rel).read_bytes(), rel
    shutil.rmtree(tmp_path / "site")
