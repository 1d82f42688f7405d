"""Feeds and sitemaps of the snapshot, in the formats the site (and its CMS) serves them.

- RSS: the real 2023 feed's exact format (``sources/feed-2023-11-25.xml``): its channel header,
  and per item the same lines and whitespace (CDATA title, ``category``, RFC 822 ``pubDate``,
  ``jto:credit`` (left out when empty, as the real feed does), ``jto:tag``, ``jto:author``,
  ``guid isPermaLink="false"``, description, ``media:thumbnail``/``media:content``). Items of
  real feed articles are copied from the real file verbatim.
- Atom 1.0: as WordPress prints ``/feed/atom/`` (times in UTC).
- Sitemaps: a Yoast-style sitemap index and urlsets (``lastmod`` in W3C datetime, +09:00), and a
  Google News sitemap.
"""

import gzip
import html
import re
from datetime import UTC, datetime

from . import SITE_ORIGIN

# ---------------------------------------------------------------------------------------------
# RSS in the real feed's format

ITEM_RE = re.compile(r"[ \t]*<item>.*?</item>\n", re.S)


def real_items(feed_text):
    """The real feed's items, verbatim (with their indentation), by article id."""
    return {re.search(r"/article/(\d+)/</guid>", raw).group(1): raw
            for raw in ITEM_RE.findall(feed_text)}


def channel_header(feed_text, title=None, link=None, self_href=None):
    """Everything before the first item; optionally with a section's title, link and self URL."""
    start = ITEM_RE.search(feed_text).start()
    out = feed_text[:start]
    if title is not None:
        out = out.replace("<title>Latest articles - The Japan Times</title>",
                          f"<title>{html.escape(title, quote=False)}</title>", 1)
        out = out.replace("<link>https://www.japantimes.co.jp/</link>", f"<link>{link}</link>", 1)
        out = out.replace("href=\"https://www.japantimes.co.jp/feed/\"",
                          f"href=\"{self_href}\"", 1)
    return out


CHANNEL_END = "            </channel>\n</rss>\n"


def rfc822(iso):
    """'Fri, 24 Nov 2023 21:37:00 +0900', as the real feed prints its dates."""
    return datetime.fromisoformat(iso).strftime("%a, %d %b %Y %H:%M:%S %z")


def rss_item(link, title, category, pub_date, credit, tags, authors, guid_id, description,
             image):
    """One item, line for line as the real feed prints them."""
    credit_line = (f"                        <jto:credit><![CDATA[ {credit} ]]></jto:credit>\n"
                   if credit else "")
    media = ""
    if image:
        thumb = re.sub(r"/(\d+)\.(jpg|JPG)$", r"/thumbs/400x400/\1.jpg", image)
        media = (f"            <media:thumbnail url=\"{thumb}\" />\n"
                 f"            <media:content url=\"{image}\" medium=\"image\" />\n")
    return (
        "                        <item> \n"
        f"            <title><![CDATA[ {title} ]]></title>\n"
        f"            <link>{link}</link>\n"
        f"            <category>{category}</category>\n"
        f"            <pubDate>{pub_date}</pubDate>\n"
        "            \n"
        "                                     \n"
        + credit_line
        + "                                                <jto:tag><![CDATA[ "
        + ", ".join(tags) + " ]]></jto:tag>\n"
        "                        \n"
        "                        \n"
        f"            <jto:author>{', '.join(authors)}</jto:author>\n"
        f"            <guid isPermaLink=\"false\">https://www.japantimes.co.jp/article/{guid_id}/"
        "</guid>\n"
        f"            <description><![CDATA[{description}]]></description>\n"
        "           \n"
        "                         \n"
        + media
        + "        </item>\n"
    )


def article_item(article):
    """The item of a snapshot article that is not in the real feed."""
    return rss_item(
        link=SITE_ORIGIN + article["path"], title=article["headline"],
        category=article["section"].upper(), pub_date=rfc822(article["published"]),
        credit=article.get("feed_credit") or article.get("credit"), tags=article["tags"],
        authors=article.get("authors") or [], guid_id=article["article_id"],
        description=article["description"],
        image=article["images"][0][0] if article["images"] else None)


def rss(header, items):
    return header + "".join(items) + CHANNEL_END


# ---------------------------------------------------------------------------------------------
# Atom, as WordPress prints it


def utc(iso):
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(title, section_url, self_url, articles, updated):
    entries = []
    for a in articles:
        author = ", ".join(a.get("authors") or []) or a.get("feed_credit") or a.get("credit") \
            or "The Japan Times"
        cats = [a["section"]] + ([a["subsection"]] if a.get("subsection") else []) + a["tags"]
        categories = "".join(
            f"\t\t<category scheme=\"https://www.japantimes.co.jp\" "
            f"term=\"{html.escape(c)}\" />\n" for c in cats)
        entries.append(
            "\t<entry>\n"
            "\t\t<author>\n"
            f"\t\t\t<name>{html.escape(author, quote=False)}</name>\n"
            "\t\t\t\t\t</author>\n\n"
            f"\t\t<title type=\"html\"><![CDATA[{a['headline']}]]></title>\n"
            "\t\t<link rel=\"alternate\" type=\"text/html\" "
            f"href=\"{SITE_ORIGIN}{a['path']}\" />\n\n"
            f"\t\t<id>https://www.japantimes.co.jp/?p={a['article_id']}</id>\n"
            f"\t\t<updated>{utc(a.get('modified') or a['published'])}</updated>\n"
            f"\t\t<published>{utc(a['published'])}</published>\n"
            + categories
            + f"\t\t<summary type=\"html\"><![CDATA[{a['description']}]]></summary>\n"
            "\t</entry>\n"
        )
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><feed\n"
        "  xmlns=\"http://www.w3.org/2005/Atom\"\n"
        "  xmlns:thr=\"http://purl.org/syndication/thread/1.0\"\n"
        "  xml:lang=\"en-US\"\n"
        "  >\n"
        f"\t<title type=\"text\">{html.escape(title, quote=False)}</title>\n"
        "\t<subtitle type=\"text\">News on Japan, Business News, Opinion, Sports, Entertainment "
        "and More</subtitle>\n\n"
        f"\t<updated>{utc(updated)}</updated>\n\n"
        f"\t<link rel=\"alternate\" type=\"text/html\" href=\"{section_url}\" />\n"
        f"\t<id>{self_url}atom/</id>\n"
        f"\t<link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\" />\n\n"
        "\t<generator uri=\"https://wordpress.org/\" version=\"6.4.1\">WordPress</generator>\n"
        + "".join(entries)
        + "</feed>\n"
    )


# ---------------------------------------------------------------------------------------------
# sitemaps

XSL = "<?xml-stylesheet type=\"text/xsl\" href=\"//www.japantimes.co.jp/main-sitemap.xsl\"?>"


def sitemap_index(children):
    """``children``: (absolute URL, lastmod)."""
    rows = "".join(f"\t<sitemap>\n\t\t<loc>{loc}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n"
                   "\t</sitemap>\n" for loc, lastmod in children)
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>{XSL}\n"
            "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            + rows + "</sitemapindex>\n<!-- XML Sitemap generated by Yoast SEO -->\n")


def urlset(entries):
    """``entries``: dicts with loc, lastmod and image (URL or None)."""
    rows = []
    for e in entries:
        image = (f"\t\t<image:image>\n\t\t\t<image:loc>{e['image']}</image:loc>\n"
                 "\t\t</image:image>\n" if e.get("image") else "")
        rows.append(f"\t<url>\n\t\t<loc>{e['loc']}</loc>\n\t\t<lastmod>{e['lastmod']}</lastmod>\n"
                    + image + "\t</url>\n")
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>{XSL}\n"
            "<urlset xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            "xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\" "
            "xsi:schemaLocation=\"http://www.sitemaps.org/schemas/sitemap/0.9 "
            "http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd "
            "http://www.google.com/schemas/sitemap-image/1.1 "
            "http://www.google.com/schemas/sitemap-image/1.1/sitemap-image.xsd\" "
            "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            + "".join(rows) + "</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->\n")


def news_sitemap(entries):
    """``entries``: dicts with loc, lastmod, publication_date and title."""
    rows = "".join(
        "\t<url>\n"
        f"\t\t<loc>{e['loc']}</loc>\n"
        f"\t\t<lastmod>{e['lastmod']}</lastmod>\n"
        "\t\t<news:news>\n"
        "\t\t\t<news:publication>\n"
        "\t\t\t\t<news:name>The Japan Times</news:name>\n"
        "\t\t\t\t<news:language>en</news:language>\n"
        "\t\t\t</news:publication>\n"
        f"\t\t\t<news:publication_date>{e['publication_date']}</news:publication_date>\n"
        f"\t\t\t<news:title>{html.escape(e['title'], quote=False)}</news:title>\n"
        "\t\t</news:news>\n"
        "\t</url>\n"
        for e in entries)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
            "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n"
            + rows + "</urlset>\n")


def gzipped(text):
    """Deterministic gzip bytes: no file name, mtime 0."""
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


# ---------------------------------------------------------------------------------------------
# the ``broken`` variant's documents

DB_ERROR = (
    "<div id=\"error\"><p class=\"wpdberror\"><strong>WordPress database error:</strong> "
    "[MySQL server has gone away]<br /><code>SELECT SQL_CALC_FOUND_ROWS  jt_posts.ID FROM "
    "jt_posts  LEFT JOIN jt_term_relationships ON (jt_posts.ID = "
    "jt_term_relationships.object_id) WHERE 1=1  AND ( jt_term_relationships.term_taxonomy_id "
    "IN (412) ) AND jt_posts.post_type = 'news' AND ((jt_posts.post_status = 'publish')) GROUP "
    "BY jt_posts.ID ORDER BY jt_posts.post_date DESC LIMIT 0, 30</code></p></div>"
    "<h1>Error establishing a database connection</h1>\n"
)


def broken_feed(header):
    """The channel header, then a database error page fragment: the XML never closes."""
    return header.rstrip(" ") + DB_ERROR


def sitemap_error_page():
    """An HTML error page, as a misconfigured cache answers for a sitemap (status 200)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Database Error</title>\n<style>body{font-family:Georgia,serif;color:#333;"
        "margin:4em auto;max-width:40em}</style>\n</head>\n<body id=\"error-page\">\n"
        "<h1>Error establishing a database connection</h1>\n<p>This site is experiencing "
        "technical difficulties. Please try again in a few minutes.</p>\n</body>\n</html>\n"
    )
