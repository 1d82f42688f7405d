"""The discovery part of the snapshot (issue 10): feeds, sitemaps, sections in other markup,
the articles only one source reaches, and the variants (second states of the site).

Called by ``build.build`` after the listing pages and articles exist; adds files to ``site/``,
writes ``site-variants/`` and ``variants.json``, and returns the ``discovery`` block of
``expected.json`` plus the ``sources`` of every article record.
"""

import json
import re
import shutil

from . import SITE_ORIGIN, section_of
from . import data_current as current_data
from . import data_wordpress as wp_data
from . import templates_current as cur
from . import templates_feeds as feeds

RSS = "application/rss+xml; charset=UTF-8"
ATOM = "application/atom+xml; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
GZIP = "application/x-gzip"
HTML = "text/html; charset=utf-8"

ROBOTS_SITEMAPS = [SITE_ORIGIN + "/sitemap_index.xml", SITE_ORIGIN + "/news-sitemap.xml"]

# The item of the site-wide feed that leads off the site: a Japan Times Jobs column (another
# host, jobs.japantimes.com, as linked from the site's header). Invented.
OFFSITE = dict(
    link="https://jobs.japantimes.com/career-advice/bilingual-talent-demand-tokyo/",
    title="Bilingual talent in demand as foreign firms expand in Tokyo",
    category="CAREERS", published="2023-11-24T18:00:00+09:00", credit="Japan Times Jobs",
    tags=["jobs", "careers", "foreign companies"], authors=[], guid_id="604739",
    description="Recruiters say demand for staff who can work in both Japanese and English is "
                "at its highest in years as overseas companies expand their Tokyo offices.",
    image="https://www.japantimes.co.jp/japantimes/uploads/images/2023/11/24/265489.jpg",
)
# The item whose date cannot be a date (the article itself is fine).
GARBAGE_DATE_ID = "604729"
GARBAGE_DATE = "Fri, 32 Nov 2023 25:61:00 +0900"

# Section feeds: which exist (by section path) and in which format; the others answer 404.
SECTION_FEEDS = {"news/japan": ("Japan", "rss"), "business": ("Business", "atom")}
ABSENT_FEEDS = ["/news/national/feed/", "/news/asia-pacific/feed/"]

INDEX = "/sitemap_index.xml"
NEWS_SITEMAP = "/news-sitemap.xml"
SITEMAP_2019 = "/sitemaps/posts-2019.xml"  # listed in the index, never served: 404
SITEMAP_MONTHS = {"2020-01": "/sitemaps/posts-2020-01.xml.gz",
                  "2020-02": "/sitemaps/posts-2020-02.xml.gz",
                  "2023-11": "/sitemaps/posts-2023-11.xml"}
NEWS_DAYS = ("2023-11-23", "2023-11-24")

LISTING_ONLY = "/news/2019/12/20/national/politics-diplomacy/cabinet-broadband-remote-islands/"

# Links outside the main content of the news/world and opinion pages: other sections' stories.
PICKS = {
    "header": ["604768", "604750"],
    "aside": ["604767", "604766", "604734", "REAL", "604736"],
    "footer": ["604753", "604288"],
}


def lastmod(article):
    return article.get("modified") or article["published"]


def add_discovery(site, root, real_page, feed_text, wp_articles, cur_articles, real_article,
                  expected, listings):
    """Add feeds, sitemaps, new articles and sections to ``site``; return (discovery, sources)
    where ``sources`` maps every article URL to its {listings, feeds, sitemaps}."""
    from .build import file_for, wp_article_page, wp_expected

    feed_items = cur.parse_feed(feed_text)
    raw_items = feeds.real_items(feed_text)
    extra = current_data.discovery_articles(feed_items)
    world = sorted((a for a in extra if a["listings"] == ["news/world"]),
                   key=lambda a: a["published"], reverse=True)
    feed_only = next(a for a in extra if a.get("special") == "feed_only")
    sitemap_only = wp_data.sitemap_only_articles()
    new_records = []

    # -- new article pages ---------------------------------------------------------------------
    every_current = cur_articles + extra
    for a in extra:
        site.add(a["path"], cur.article_page(a, every_current))
        record = cur.expected(a)
        if a is feed_only:
            record["from_feed"] = {"credit": a["feed_credit"]}
        new_records.append(record)
    for a in sitemap_only:
        site.add(a["path"], wp_article_page(real_page, a))
        new_records.append(wp_expected(a, []))

    # -- sections in markup the listing selectors do not know, and an empty one ----------------
    by_id = {a["article_id"]: a for a in cur_articles}
    by_id["REAL"] = real_article

    def picks(kind):
        return [(by_id[i]["path"], by_id[i]["headline"]) for i in PICKS[kind]]

    chrome = {kind: picks(kind) for kind in PICKS}
    world_pages = []
    chunks = [world[i:i + 2] for i in range(0, len(world), 2)]
    for n, chunk in enumerate(chunks, 1):
        path = "/news/world/" if n == 1 else f"/news/world/?pgno={n}"
        site.add(path, cur.redesigned_listing_page("news/world", "World", n, len(chunks), chunk,
                                                   chrome))
        world_pages.append(path)
    site.add("/opinion/", cur.app_shell_page("opinion", "Opinion", chrome))

    # -- feeds ----------------------------------------------------------------------------------
    def item_of(a, garbage=False):
        raw = raw_items.get(a["article_id"])
        if raw is None or a.get("special") == "botwall":  # the bot wall's id is invented
            return feeds.article_item(a)
        if garbage:
            raw, count = re.subn(r"<pubDate>[^<]*</pubDate>", f"<pubDate>{GARBAGE_DATE}</pubDate>",
                                 raw)
            assert count == 1
        return raw

    site_feed = sorted(cur_articles + extra, key=lambda a: a["published"], reverse=True)
    offsite_item = feeds.rss_item(
        link=OFFSITE["link"], title=OFFSITE["title"], category=OFFSITE["category"],
        pub_date=feeds.rfc822(OFFSITE["published"]), credit=OFFSITE["credit"],
        tags=OFFSITE["tags"], authors=OFFSITE["authors"], guid_id=OFFSITE["guid_id"],
        description=OFFSITE["description"], image=OFFSITE["image"])
    entries = [(a["published"], item_of(a, garbage=a["article_id"] == GARBAGE_DATE_ID),
                SITE_ORIGIN + a["path"]) for a in site_feed]
    entries.append((OFFSITE["published"], offsite_item, OFFSITE["link"]))
    entries.sort(key=lambda e: e[0], reverse=True)
    site.add("/feed/", feeds.rss(feeds.channel_header(feed_text), [e[1] for e in entries]),
             content_type=RSS)
    feed_docs = {"/feed/": {"format": "rss", "status": 200,
                            "article_urls": [e[2] for e in entries]}}

    section_feed_headers = {}
    for section, (name, kind) in SECTION_FEEDS.items():
        path = f"/{section}/feed/"
        members = [a for a in site_feed if section_of(SITE_ORIGIN + a["path"]) == section]
        if kind == "rss":
            header = feeds.channel_header(feed_text, f"{name} - The Japan Times",
                                          f"{SITE_ORIGIN}/{section}/", SITE_ORIGIN + path)
            section_feed_headers[path] = header
            body, ctype = feeds.rss(header, [item_of(a) for a in members]), RSS
        else:
            body = feeds.atom(f"{name} - The Japan Times", f"{SITE_ORIGIN}/{section}/",
                              SITE_ORIGIN + path, members, max(lastmod(a) for a in members))
            ctype = ATOM
        site.add(path, body, content_type=ctype)
        feed_docs[path] = {"format": kind, "status": 200,
                           "article_urls": [SITE_ORIGIN + a["path"] for a in members]}
    for path in ABSENT_FEEDS:
        feed_docs[path] = {"format": None, "status": 404, "article_urls": []}

    # -- sitemaps -------------------------------------------------------------------------------
    wordpress = [real_article] + [a for a in wp_articles + sitemap_only]
    current = [a for a in cur_articles + extra if a is not feed_only]

    def entry(a, override=None):
        return {"loc": SITE_ORIGIN + a["path"], "lastmod": (override or {}).get(a["path"],
                                                                                lastmod(a)),
                "image": a["images"][0][0] if a.get("images") else None}

    def urlset_entries(month, override=None):
        pool = current if month.startswith("2023") else wordpress
        members = sorted((a for a in pool if a["published"][:7] == month),
                         key=lambda a: a["published"], reverse=True)
        return [entry(a, override) for a in members]

    def news_entries(override=None):
        members = sorted((a for a in current if a["published"][:10] in NEWS_DAYS),
                         key=lambda a: a["published"], reverse=True)
        return [{"loc": SITE_ORIGIN + a["path"],
                 "lastmod": (override or {}).get(a["path"], lastmod(a)),
                 "publication_date": a["published"], "title": a["headline"]} for a in members]

    def index_children(urlsets):
        children = [(SITE_ORIGIN + SITEMAP_2019,
                     max(lastmod(a) for a in wordpress if a["published"][:4] == "2019"))]
        for month, path in SITEMAP_MONTHS.items():
            children.append((SITE_ORIGIN + path, max(e["lastmod"] for e in urlsets[month])))
        return children

    urlsets = {month: urlset_entries(month) for month in SITEMAP_MONTHS}
    children = index_children(urlsets)
    site.add(INDEX, feeds.sitemap_index(children), content_type=XML)
    sitemap_docs = {
        INDEX: {"kind": "index", "gzip": False, "status": 200,
                "entries": [{"loc": loc, "lastmod": mod} for loc, mod in children]},
        SITEMAP_2019: {"kind": "urlset", "gzip": False, "status": 404, "entries": []},
    }
    for month, path in SITEMAP_MONTHS.items():
        text = feeds.urlset(urlsets[month])
        gz = path.endswith(".gz")
        site.add(path, feeds.gzipped(text) if gz else text, content_type=GZIP if gz else XML)
        sitemap_docs[path] = {"kind": "urlset", "gzip": gz, "status": 200,
                              "entries": [{"loc": e["loc"], "lastmod": e["lastmod"]}
                                          for e in urlsets[month]]}
    news = news_entries()
    site.add(NEWS_SITEMAP, feeds.news_sitemap(news), content_type=XML)
    sitemap_docs[NEWS_SITEMAP] = {"kind": "news", "gzip": False, "status": 200, "entries": [
        {"loc": e["loc"], "lastmod": e["lastmod"], "publication_date": e["publication_date"]}
        for e in news]}

    # -- variants -------------------------------------------------------------------------------
    variants_dir = root / "site-variants"
    if variants_dir.exists():
        shutil.rmtree(variants_dir)
    variants = {}

    def overlay(name, description, docs):
        paths = {}
        for path, (content, ctype) in docs.items():
            rel = file_for(path)
            target = variants_dir / name / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode())
            paths[path] = {"file": rel, "status": 200, "content_type": ctype}
        variants[name] = {"description": description, "paths": dict(sorted(paths.items()))}

    updated = current_data.updated_article(cur_articles)
    updated_url = SITE_ORIGIN + updated["path"]
    moved = {updated["path"]: updated["modified"]}
    updated_sets = dict(urlsets, **{"2023-11": urlset_entries("2023-11", moved)})
    overlay("updated", "An article updated between two crawls: a correction paragraph, an "
            "update time on the page, its lastmod moved in the sitemaps.", {
                updated["path"]: (cur.article_page(updated, cur_articles), HTML),
                SITEMAP_MONTHS["2023-11"]: (feeds.urlset(updated_sets["2023-11"]), XML),
                NEWS_SITEMAP: (feeds.news_sitemap(news_entries(moved)), XML),
                INDEX: (feeds.sitemap_index(index_children(updated_sets)), XML),
            })
    updated_record = cur.expected(updated)
    old_record = next(r for r in expected if r["url"] == updated_url)
    assert updated_record["paragraphs"][:-1] == old_record["paragraphs"]
    assert old_record["modified_at"] is None

    broken_feed = "/news/japan/feed/"
    overlay("broken", "A malformed section feed (cut off, a database error appended) and an "
            "HTML error page for a sitemap, both answered 200.", {
                broken_feed: (feeds.broken_feed(section_feed_headers[broken_feed]), RSS),
                SITEMAP_MONTHS["2023-11"]: (feeds.sitemap_error_page(), XML),
            })
    (root / "variants.json").write_text(json.dumps(variants, indent=1, ensure_ascii=False)
                                        + "\n", encoding="utf-8")

    # -- sources of every article ---------------------------------------------------------------
    sources = {}
    for record in expected + new_records:
        sources[record["url"]] = {"listings": [], "feeds": [], "sitemaps": []}
    for section in listings:
        for record in expected:
            if section in record["section_path"]:
                sources[record["url"]]["listings"].append(section)
    for a in world:
        sources[SITE_ORIGIN + a["path"]]["listings"].append("news/world")
    for path, doc in feed_docs.items():
        for url in doc["article_urls"]:
            if url in sources:
                sources[url]["feeds"].append(path)
    for path, doc in sitemap_docs.items():
        if doc["kind"] != "index":
            for e in doc["entries"]:
                if e["loc"] in sources:
                    sources[e["loc"]]["sitemaps"].append(path)

    for record in new_records:
        record["sources"] = sources[record["url"]]
    new_records.sort(key=lambda r: (r["layout"], r["published_at"], r["url"]))

    sections = {s: {"listing_pages": list(pages), "markup": "known"}
                for s, pages in listings.items()}
    sections["news/world"] = {"listing_pages": world_pages, "markup": "unknown"}
    sections["opinion"] = {"listing_pages": ["/opinion/"], "markup": "empty"}

    garbage = next(a for a in cur_articles if a["article_id"] == GARBAGE_DATE_ID)
    cases = {
        "feed_only": SITE_ORIGIN + feed_only["path"],
        "sitemap_only": SITE_ORIGIN + sitemap_only[0]["path"],
        "listing_only": SITE_ORIGIN + LISTING_ONLY,
        "offsite_entry": {"feed": "/feed/", "url": OFFSITE["link"]},
        "garbage_date_entry": {"feed": "/feed/", "url": SITE_ORIGIN + garbage["path"],
                               "pub_date": GARBAGE_DATE},
        "updated": {"variant": "updated", "url": updated_url,
                    "old_modified_at": old_record["modified_at"],
                    "new_modified_at": updated["modified"],
                    "new_paragraph": current_data.UPDATED["correction"],
                    "changed_paths": sorted(variants["updated"]["paths"])},
        "fallback_section": "news/world",
        "empty_section": "opinion",
        "malformed": {"variant": "broken", "paths": sorted(variants["broken"]["paths"])},
        "absent": ABSENT_FEEDS + [SITEMAP_2019],
    }
    discovery = {
        "feeds": feed_docs,
        "sitemaps": sitemap_docs,
        "robots_sitemaps": ROBOTS_SITEMAPS,
        "sections": sections,
        "cases": cases,
        "variants": sorted(variants),
        "articles": new_records,
    }
    return discovery, sources
