"""Regenerate the snapshot: ``python -m newscrawl.snapshot build``.

Inputs, all inside this package:
- ``sources/``: the real 2020 WordPress article page (kept byte for byte and used as the
  template of every WordPress-era page), the real 2023 RSS feed (URLs, headlines, credits,
  tags, ids and images of the current-layout articles; the format and the items of the
  generated ``/feed/``) and the naive text of the 2019 article.
- ``data_wordpress.py`` / ``data_current.py``: the article data (invented text).
- ``templates_current.py``: the current-layout page and listing markup.

Outputs: ``site/`` (the served files), ``manifest.json`` and ``expected.json``, and, from
``build_discovery.py``, the feeds, sitemaps and discovery sections in ``site/``,
``site-variants/`` and ``variants.json``. The output is deterministic: no clock, no randomness,
sorted keys, gzip with mtime 0.
"""

import html
import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import lxml.html

from . import SECTIONS, SITE_ORIGIN, SNAPSHOT_DIR
from . import data_current as current_data
from . import data_wordpress as wp_data
from . import templates_current as cur
from . import templates_special as special

SOURCES = SNAPSHOT_DIR / "sources"
REAL_PAGE = SOURCES / "article-2020-02-18-wordpress.html"
REAL_FEED = SOURCES / "feed-2023-11-25.xml"

HTML = "text/html; charset=utf-8"

REAL_PATH = "/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"
REAL_URL = SITE_ORIGIN + REAL_PATH
REAL_TITLE = "Losing face: 6,000 surgical masks stolen from Kobe hospital"
REAL_ID = "2489221"
REAL_ISO = "2020-02-18T18:07:56+09:00"
REAL_DESCRIPTION = (
    "A total of 6,000 surgical masks have been lost at a hospital in Kobe, it was learned "
    "Tuesday. The Hyogo Prefectural Police is investigating the incident as"
)
REAL_LEAD_IMAGE = "https://cdn.japantimes.2xx.jp/wp-content/uploads/2020/02/n-mask-a-20200219.jpg"
REAL_TAGS = ["Kobe", "health", "theft", "masks", "hospitals", "hyogo", "covid-19"]


# ---------------------------------------------------------------------------------------------
# text helpers


def collapse(text):
    return re.sub(r"\s+", " ", text).strip()


def esc(text):
    """Escape for HTML text and double-quoted attribute values (apostrophes stay as they are)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


WP_ENTITIES = {"“": "&#8220;", "”": "&#8221;", "‘": "&#8216;", "’": "&#8217;",
               "–": "&#8211;", "—": "&#8212;", "…": "&#8230;"}


def wp_texturize(text):
    """Escape like WordPress prints post content: curly quotes and dashes as numeric entities."""
    out = html.escape(text, quote=False)
    for char, entity in WP_ENTITIES.items():
        out = out.replace(char, entity)
    return out


def is_html(paragraph):
    return paragraph.startswith("html:")


def paragraph_html(paragraph, wordpress):
    if is_html(paragraph):
        return paragraph[5:]
    return wp_texturize(paragraph) if wordpress else html.escape(paragraph, quote=False)


def paragraph_text(paragraph):
    if is_html(paragraph):
        return collapse(lxml.html.fragment_fromstring(paragraph[5:], create_parent="p")
                        .text_content())
    return collapse(paragraph)


def subhead(paragraph):
    """Data paragraphs starting with '## ' are subheads."""
    return paragraph[3:] if paragraph.startswith("## ") else None


def short_date(iso):
    d = datetime.fromisoformat(iso)
    return f"{d:%b} {d.day}, {d.year}"


def excerpt(text, limit=150):
    if len(text) <= limit:
        return text + " ..."
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " ..."


def credit_of(caption):
    return caption.rsplit(" | ", 1)[1].strip() if " | " in caption else None


def slug_tag(tag):
    return re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")


def file_for(path):
    """The site/ file that holds a served path (query strings become part of the name)."""
    bare, _, query = path.partition("?")
    rel = bare.strip("/")
    name = "index" + (("." + re.sub(r"[^A-Za-z0-9]+", "-", query)) if query else "")
    if rel.endswith((".txt", ".xml", ".xml.gz")):
        return rel
    if rel == "feed" or rel.endswith("/feed"):
        return f"{rel}/index.xml"
    return f"{rel}/{name}.html" if rel else f"{name}.html"


# ---------------------------------------------------------------------------------------------
# WordPress-era pages, made from the real page


def _replace_once(page, old, new):
    count = page.count(old)
    if count != 1:
        raise ValueError(f"template marker found {count} times: {old[:60]!r}")
    return page.replace(old, new)


def _replace_between(page, start, end, new, keep_markers=True):
    i = page.index(start)
    j = page.index(end, i + len(start))
    if keep_markers:
        return page[: i + len(start)] + new + page[j:]
    return page[:i] + new + page[j + len(end):]


AD_SLOT = (
    "<p><!-- /4973089/article_1 -->\n"
    "<div class='jt_content_ad' id='div-gpt-ad-1499653692894-0'>\n<script>\n"
    "googletag.cmd.push(function() { googletag.display('div-gpt-ad-1499653692894-0'); });\n"
    "</script>\n</div></p>"
)


def related_box(stories):
    items = "".join(
        f"\t\t\t<li>\n\t\t\t<a href=\"{esc(url)}\">\n\t\t\t\t{wp_texturize(title)}\t\t\t</a>\n"
        "\t\t</li>\n"
        for url, title in stories
    )
    return (
        "<p><div class=\"content-related-stories\">\n\t<h3>RELATED STORIES</h3>\n\t<ul>\n"
        f"{items}\t\t</ul>\n</div>\n</p>"
    )


def wp_body(article):
    """The inside of div#jtarticle up to the share bar, as WordPress printed it."""
    parts = []
    first = True
    n = 0
    for paragraph in article["paragraphs"]:
        head = subhead(paragraph)
        if head is not None:
            parts.append(f"<h4>{wp_texturize(head)}</h4>")
            continue
        inner = paragraph_html(paragraph, wordpress=True)
        if first and article.get("dateline"):
            inner = f"<span class=\"dateline\">{esc(article['dateline'])} &#8211; </span>" + inner
        first = False
        parts.append(f"<p>{inner}</p>")
        n += 1
        if n == article.get("ad_after", 2):
            parts.append(AD_SLOT)
        if n == article.get("related_after", 5) and article.get("related"):
            parts.append(related_box(article["related"]))
    return "".join(parts)


def wp_paragraphs(article):
    out = []
    for i, paragraph in enumerate(article["paragraphs"]):
        head = subhead(paragraph)
        text = collapse(head) if head is not None else paragraph_text(paragraph)
        if i == 0 and article.get("dateline"):
            text = f"{article['dateline']} – {text}"
        out.append(text)
    return out


def wp_categories(article):
    sec_slug = {"National": "national", "Asia Pacific": "asia-pacific"}[article["section"]]
    links = (f"<a href=\"https://www.japantimes.co.jp/news_category/{sec_slug}/\" "
             f"class=\"category-link\">{esc(article['section'])}</a>")
    if article.get("subsection"):
        links += ("<span> / </span><a href=\"https://www.japantimes.co.jp/news_category/"
                  f"{article['subsection_slug']}/\" class=\"category-link\">"
                  f"{esc(article['subsection'])}</a>")
    return links


def wp_writer(article):
    authors = article.get("authors") or []
    if not authors:
        return ""
    links = [
        f"<a href=\"https://www.japantimes.co.jp/author/int-{slug_tag(name)}/\" "
        f"title=\"Posts by {esc(name)}\" rel=\"author\">{esc(name)}</a>"
        for name in authors
    ]
    return ("\n\t\t\t\t\t\t<h5 class=\"writer\" role=\"author\">by " + " and ".join(links)
            + "</h5>\n")


def wp_photos(article):
    images = article.get("images") or []
    tags = article["tags"]
    out = []
    if images:
        out.append(
            "\n\t\t\t\t\t\t\t\t\t<div class=\"section_title single_block small\">\n"
            "\t\t\t\t\t\t<h2>PHOTOS</h2>\n\t\t\t\t\t</div>\n"
            "\t\t\t\t\t<p class=\"enlarge\">\n"
            "\t\t\t\t\t\t<img src=\"https://www.japantimes.co.jp/wp-content/themes/jt_theme/"
            "library/img/search.png\" alt=\"search icon\" />\n"
            "\t\t\t\t\t\tClick to enlarge\n\t\t\t\t\t</p>\n\t\t\t\t\t<div class=\"attachments\">\n"
        )
        for url, caption in images:
            thumb = re.sub(r"\.jpg$", "-200x200.jpg", url)
            out.append(
                "\t\t\t\t\t\t\t\t\t\t\t\t<a\n\t\t\t\t\t\t\t\tclass=\"fresco\"\n"
                "\t\t\t\t\t\t\t\tdata-fresco-group=\"group\"\n"
                "\t\t\t\t\t\t\t\tdata-fresco-group-options=\"ui: 'inside'\"\n"
                f"\t\t\t\t\t\t\t\tdata-fresco-caption=\"{esc(caption)}\"\n"
                f"\t\t\t\t\t\t\t\thref=\"{esc(url)}\"\n\t\t\t\t\t\t\t>\n"
                f"\t\t\t\t\t\t\t\t\t\t\t\t\t<img src=\"{esc(thumb)}\" alt=\"{esc(caption)}\" />\n"
                "\t\t\t\t\t\t\t\t\t\t\t\t\t</a>\n"
            )
        out.append("\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t</div>\n\t\t\t\t\t\t\t<div class=\"clearfix\">"
                   "</div>\n")
    links = ", ".join(
        f"<a href=\"https://www.japantimes.co.jp/tag/{slug_tag(t)}/\" rel=\"tag\">{esc(t)}</a>"
        for t in tags
    )
    out.append(
        "\t\t\t\t\t\t<div class=\"section_title single_block small\" role=\"contentinfo\">\n"
        "\t\t\t\t<h2>KEYWORDS</h2>\n\t\t\t</div>\n\t\t\t<p>\n"
        f"\t\t\t\t{links}\t\t\t</p>\n"
    )
    return "".join(out)


def wp_slideshow(article):
    lead = article.get("lead_photo")
    if not lead:
        return "\n\t\t</div>"
    url, caption = lead
    big = re.sub(r"\.jpg$", "-870x580.jpg", url)
    return (
        "\n\t\t<div class=\"flexslider single_slideshow\">\n\t\t\t<ul class=\"slides\">\n"
        "\t\t\t\t<li>\n"
        f"\t\t\t\t\t<a class=\"fresco\" data-fresco-group=\"slideshow\" href=\"{esc(url)}\" "
        f"data-fresco-caption=\"{esc(caption)}\">\n"
        f"\t\t\t\t\t\t<img src=\"{esc(big)}\" alt=\"{esc(caption)}\" />\n\t\t\t\t\t</a>\n"
        f"\t\t\t\t\t<p class=\"flex-caption\">{esc(caption)}</p>\n"
        "\t\t\t\t</li>\n\t\t\t</ul>\n\t\t</div>\n\t\t</div>"
    )


def latest_stories(title, teasers):
    items = []
    for teaser in teasers:
        if teaser.get("image"):
            img = (f"<figure class=\"latest-story-image\"><img src=\"{esc(teaser['image'])}\" "
                   f"alt=\"{esc(teaser['caption'])}\"><figcaption>{esc(teaser['caption'])}"
                   "</figcaption></figure>")
        else:
            img = ("<figure class=\"latest-story-image no-image\"><span class=\"no-image\">"
                   "Image Not Available</span></figure>")
        items.append(
            f"\t\t\t<li class=\"latest-story\">\n\t\t\t\t<a href=\"{esc(teaser['url'])}\">\n"
            f"\t\t\t\t\t{img}\n"
            f"\t\t\t\t\t<p class=\"latest-story-title\">{esc(teaser['title'])}</p>\n"
            "\t\t\t\t</a>\n"
            f"\t\t\t\t<p class=\"latest-story-excerpt\">{esc(teaser['excerpt'])}</p>\n"
            "\t\t\t</li>\n"
        )
    return (
        "\n\t<div class=\"bl_sideDiv\">\n\t<div class=\"jt-latest-stories\">"
        f"<h2>{esc(title)}</h2><ul>\n{''.join(items)}\t\t</ul></div>\n\t</div>\n"
        "\t<!-- /.bl_sideDiv -->\n"
    )


def wp_article_page(real, article):
    path = article["path"]
    url = SITE_ORIGIN + path
    title = article["headline"]
    post_id = article["article_id"]
    iso = article["published"]
    tags = article["tags"]
    credit = article.get("credit") or ""
    author_meta = article.get("author_meta") or ", ".join(article.get("authors") or []) \
        or "No Author"
    description = article["description"]
    lead_image = (article.get("images") or [None])[0]
    lead_url = lead_image[0] if lead_image else (
        "https://www.japantimes.co.jp/wp-content/themes/jt_theme/library/img/"
        "japantimes-logo-fb.png")
    p = real

    # head
    p = _replace_once(p, f"<meta name=\"description\" content=\"{REAL_DESCRIPTION}\"/>",
                      f"<meta name=\"description\" content=\"{esc(description)}\"/>")
    p = _replace_once(p, f"<meta property=\"og:description\" content=\"{REAL_DESCRIPTION}\" />",
                      f"<meta property=\"og:description\" content=\"{esc(description)}\" />")
    p = _replace_once(p, "<meta name=\"keywords\" content=\"Kobe, health, theft, masks, "
                         "hospitals, hyogo, covid-19\"/>",
                      f"<meta name=\"keywords\" content=\"{esc(', '.join(tags))}\"/>")
    tag_metas = "".join(f"<meta property=\"article:tag\" content=\"{esc(t)}\" />\n"
                        for t in tags)
    p = _replace_between(p, "<meta property=\"article:publisher\" content=\"https://www.facebook"
                            ".com/thejapantimes\" />\n", "<meta property=\"fb:app_id\"", tag_metas)
    p = p.replace(f"<title>{REAL_TITLE} | The Japan Times</title>",
                  f"<title>{esc(title)} | The Japan Times</title>")
    p = p.replace(f"content=\"{REAL_TITLE} | The Japan Times\"",
                  f"content=\"{esc(title)} | The Japan Times\"")
    p = p.replace("<meta name=\"author\" content=\"No Author\" />",
                  f"<meta name=\"author\" content=\"{esc(author_meta)}\" />")
    author_slug = "no-author" if author_meta == "No Author" else slug_tag(author_meta.split(",")[0])
    p = p.replace("/author/no-author/", f"/author/{author_slug}/")
    p = p.replace("'dimension4', 'No Author'", f"'dimension4', '{author_meta}'")
    p = p.replace("'dimension10', 'JIJI'", f"'dimension10', '{credit.upper()}'")
    p = p.replace("'dimension6', 'Kobe,health,theft,masks,hospitals,hyogo,covid-19'",
                  "'dimension6', '" + ",".join(tags).replace("'", "\\'") + "'")
    p = p.replace(REAL_ISO, iso)
    term_items = ",".join(f"\"{t}\"" for t in ["Module Lead Story", article["section"],
                                              article.get("subsection") or "", "o_uthor"] if t)
    p = re.sub(r"term_items=[^&]*&tag_items=[^&]*&",
               "term_items=" + quote(term_items, safe="") + "&tag_items="
               + quote(",".join(f"\"{t}\"" for t in tags), safe="") + "&", p)
    # images in the head
    thumb_real = "https://cdn.japantimes.2xx.jp/wp-content/uploads/2020/02/n-mask-a-20200219"
    base = lead_url[:-4] if lead_url.endswith(".jpg") else lead_url
    if lead_image:
        p = p.replace(thumb_real, base)
    else:
        for size in ("-200x200.jpg", "-870x551.jpg", "-870x489.jpg"):
            p = p.replace(thumb_real + size, lead_url)

    # URLs and ids everywhere (share bar, disqus, oembed, outbrain, analytics)
    p = p.replace(REAL_URL, url)
    p = p.replace(REAL_PATH, path)
    p = p.replace(REAL_URL.replace("/", "\\/"), url.replace("/", "\\/"))
    p = p.replace(quote(REAL_URL, safe=""), quote(url, safe=""))
    p = p.replace(quote(REAL_TITLE, safe=""), quote(title, safe=""))
    p = p.replace(f"\"disqusTitle\":\"{REAL_TITLE}\"",
                  "\"disqusTitle\":" + json.dumps(title, ensure_ascii=False))
    p = p.replace(REAL_ID, post_id)

    # article header
    p = _replace_between(p, "<div id=\"slideshow_and_video\">",
                         "\n\t\t\t<div class=\"padding_block\">\n\t\t\t\t<header>",
                         wp_slideshow(article))
    p = _replace_between(p, "<h3 class=\"single-post-categories\">\n\t\t\t\t\t\t\t",
                         "\t\t\t\t\t\t</h3>", wp_categories(article))
    p = _replace_once(p, f"<h1>{REAL_TITLE}</h1>\n", f"<h1>{esc(title)}</h1>\n"
                      + wp_writer(article))
    p = _replace_once(p, "<p class=\"credit\">JIJI</p>",
                      f"<p class=\"credit\">{esc(credit)}</p>" if credit else "")
    visible = short_date(iso)
    p = _replace_once(p, "\n\t\t\t\t\tFeb 18, 2020\t\t\t\t</time>",
                      f"\n\t\t\t\t\t{visible}\t\t\t\t</time>")
    p = _replace_once(p, "Online: <time>Feb 18, 2020</time>", f"Online: <time>{visible}</time>")
    modified = article.get("modified") or article["published"][:10]
    p = _replace_once(p, "Last Modified: <time>Feb 18, 2020</time>",
                      f"Last Modified: <time>{short_date(modified)}</time>")

    # body
    p = _replace_between(p, "<div class=\"entry\" id=\"jtarticle\">\n\t\t\t\t\t",
                         "\t<ul class=\"single-sns-area\">", wp_body(article))
    if not iso.startswith("2020"):
        p = _replace_between(p, "<div class=\"coronavirus-banner\">", "</div>", "",
                             keep_markers=False)
    p = _replace_between(p, "<div class=\"meta footer single_block\">\n\t<div class=\"padding_block"
                            "\">", "\t\t\t\t</div>\n</div>\n\n\t\t\t<div class=\"entry\">",
                         wp_photos(article))
    if article.get("latest"):
        marker = ("<script type=\"text/javascript\" src=\"/sidebar/assets/js/script.js?"
                  "2020-02-27_22\"></script>\n")
        p = p.replace(marker, marker + latest_stories(*article["latest"]), 1)
    return p


def wp_listing_page(real, section, page, pages, teasers):
    """A WordPress-era section page made from the real page's head, nav, sidebar and footer."""
    name = {"news/national": "National", "news/asia-pacific": "Asia Pacific"}[section]
    base = f"{SITE_ORIGIN}/{section}/"
    url = base if page == 1 else f"{base}page/{page}/"
    p = real
    head_new = (
        f"<title>{name} | The Japan Times</title>\n"
        f"<meta name=\"description\" content=\"{name} news from The Japan Times.\"/>\n"
        "<meta name=\"robots\" content=\"noodp\"/>\n"
        f"<link rel=\"canonical\" href=\"{url}\" />\n"
        + (f"<link rel=\"prev\" href=\"{base if page == 2 else f'{base}page/{page - 1}/'}\" />\n"
           if page > 1 else "")
        + (f"<link rel=\"next\" href=\"{base}page/{page + 1}/\" />\n" if page < pages else "")
        + "<meta property=\"og:locale\" content=\"en_US\" />\n"
        "<meta property=\"og:type\" content=\"object\" />\n"
        f"<meta property=\"og:title\" content=\"{name} | The Japan Times\" />\n"
        f"<meta property=\"og:url\" content=\"{url}\" />\n"
        "<meta property=\"og:site_name\" content=\"The Japan Times\" />\n"
    )
    p = _replace_between(p, "<!-- This site is optimized with the Yoast SEO Premium plugin v3.5.2"
                            " - https://yoast.com/wordpress/plugins/seo/ -->\n",
                         "<!-- / Yoast SEO Premium plugin. -->", head_new)
    p = _replace_between(p, "<!-- Author meta tags -->", "<!-- END Author meta tags -->\n", "",
                         keep_markers=False)
    p = re.sub(r"<meta name=\"thumbnail\"[^>]*>\n", "", p)
    p = re.sub(r"\t__gaTracker\('set', 'dimension[4567]', [^\n]*\n", "", p)
    p = p.replace("'dimension10', 'JIJI'", "'dimension10', ''")
    p = re.sub(r"<link rel='shortlink'[^\n]*\n", "", p)
    p = re.sub(r"<link rel=\"alternate\" type=\"[a-z/+]*oembed\"[^\n]*\n", "", p)
    p = re.sub(r"<meta name=\"twitter:image\"[^\n]*\n", "", p)
    p = re.sub(r"term_items=[^&]*&tag_items=[^&]*&page_id=2489221",
               "term_items=" + quote(f"\"{name}\"", safe="") + "&tag_items=&page_id=", p)
    p = _replace_between(p, "<script type=\"text/javascript\">\n\tvar disqus_url", "</script>\n",
                         "", keep_markers=False)
    p = p.replace("class=\"news-template-default single single-news postid-2489221\"",
                  f"class=\"archive tax-news_category term-{section.split('/')[1]}"
                  + (" paged paged-" + str(page) if page > 1 else "") + "\"")
    p = p.replace("title=\"Return to news\">News</a>",
                  f"title=\"Return to {name}\">{name}</a>")

    items = []
    for t in teasers:
        cat = esc(t["section"]) + (f" / {esc(t['subsection'])}" if t.get("subsection") else "")
        items.append(
            "\t\t\t\t<article class=\"story archive_story single_block\">\n"
            "\t\t\t\t\t<hgroup>\n"
            f"\t\t\t\t\t\t<h3><span class=\"category-column\"><a href=\"https://www.japantimes.co"
            f".jp/news_category/{t['subsection_slug'] or t['section_slug']}/\">{cat}</a></span>"
            f"<span class=\"right date\">{short_date(t['published'])}</span></h3>\n"
            f"\t\t\t\t\t\t<p><a href=\"{esc(t['href'])}\" title=\"{esc(t['headline'])}\">"
            f"{esc(t['headline'])}</a></p>\n"
            "\t\t\t\t\t</hgroup>\n"
            + f"\t\t\t\t\t<p>{esc(t['excerpt'])}</p>\n"
            "\t\t\t\t</article>\n"
        )
    numbers = []
    for n in range(1, pages + 1):
        href = base if n == 1 else f"{base}page/{n}/"
        numbers.append(f"<span class=\"page-numbers current\">{n}</span>" if n == page else
                       f"<a class=\"page-numbers\" href=\"{href}\">{n}</a>")
    if page > 1:
        prev = base if page == 2 else f"{base}page/{page - 1}/"
        numbers.insert(0, f"<a class=\"prev page-numbers\" href=\"{prev}\">‹ Previous</a>")
    if page < pages:
        numbers.append(f"<a class=\"next page-numbers\" href=\"{base}page/{page + 1}/\">Next ›</a>")
    pagination = (f"<div class=\"pagination\"><span class=\"pages\">Page {page} of {pages}</span>"
                  + "".join(numbers) + "</div>")
    main = (
        "\n\t\t<div id=\"no_js_blocker\" class=\"padding_block\">\n\t\t\t<div id=\"no_js_message\">"
        "\n\t\t\t\t<span class=\"headline\">Sorry, but your browser needs Javascript to use this "
        "site.</span>\n\t\t\t</div>\n\t\t</div>\n"
        "\t\t<div class=\"padding_block\">\n"
        f"\t\t\t<div class=\"section_title single_block\"><h1>{name}</h1></div>\n"
        "\t\t\t<div class=\"ad single_block\"><!-- /4973089/main_module_top -->"
        "<div id='div-gpt-ad-1467614168741-0'><script>googletag.cmd.push(function() { "
        "googletag.display('div-gpt-ad-1467614168741-0'); });</script></div></div>\n"
        "\t\t\t<div class=\"archive_content\">\n" + "".join(items) + "\t\t\t</div>\n"
        f"\t\t\t{pagination}\n"
        "\t\t</div>\n\t"
    )
    p = _replace_between(p, "<div class=\"main_content content_styles\">",
                         "</div> <!-- main_content -->", main)
    return p


# ---------------------------------------------------------------------------------------------
# the build


class Site:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.manifest = {}

    def add(self, path, content, status=200, content_type=HTML, headers=None):
        if path in self.manifest:
            raise ValueError(f"path served twice: {path}")
        rel = file_for(path)
        target = self.out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        target.write_bytes(data)
        entry = {"file": rel, "status": status, "content_type": content_type}
        if headers:
            entry["headers"] = headers
        self.manifest[path] = entry


def real_page_expected(real_bytes):
    doc = lxml.html.fromstring(real_bytes)
    paras = [collapse(p.text_content()) for p in doc.cssselect("#jtarticle > p")]
    paras = [t for t in paras if t and not t.startswith("googletag") and "RELATED" not in t]
    assert len(paras) == 6, paras
    return paras


def wp_expected(article, section_paths):
    images = list(article.get("images") or [])
    return {
        "url": SITE_ORIGIN + article["path"],
        "canonical_url": SITE_ORIGIN + article["path"],
        "layout": "wordpress",
        "section_path": section_paths,
        "headline": article["headline"],
        "section": article["section"],
        "subsection": article.get("subsection"),
        "authors": list(article.get("authors") or []),
        "credit": article.get("credit"),
        "dateline": article.get("dateline"),
        "published_at": article["published"],
        "modified_at": article.get("modified"),
        "article_id": article["article_id"],
        "paragraphs": wp_paragraphs(article),
        "tags": list(article["tags"]),
        "paywalled": False,
        "image_count": len(images),
        "image_credits": [credit_of(c) for _, c in images],
    }


def build(out_root=None):
    root = Path(out_root) if out_root is not None else SNAPSHOT_DIR
    site_dir = root / "site"
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.mkdir(parents=True)
    site = Site(site_dir)
    real_bytes = REAL_PAGE.read_bytes()
    real = real_bytes.decode("utf-8")
    expected = []
    listings = {s: [] for s in SECTIONS}
    special_urls = {}

    # -- WordPress era ------------------------------------------------------------------------
    site.add(REAL_PATH, real_bytes)  # the real page, byte for byte
    expected.append({
        "url": REAL_URL, "canonical_url": REAL_URL, "layout": "wordpress",
        "section_path": ["news/national"], "headline": REAL_TITLE,
        "section": "National", "subsection": "Crime & Legal", "authors": [], "credit": "JIJI",
        "dateline": "KOBE", "published_at": REAL_ISO, "modified_at": None,
        "article_id": REAL_ID, "paragraphs": real_page_expected(real_bytes),
        "tags": REAL_TAGS, "paywalled": False, "image_count": 2, "image_credits": ["KYODO", "AP"],
    })

    wp_articles = wp_data.articles()
    by_section = {"news/national": [], "news/asia-pacific": []}
    by_section["news/national"].append({
        "path": REAL_PATH, "headline": REAL_TITLE, "section": "National",
        "section_slug": "national", "subsection": "Crime & Legal",
        "subsection_slug": "crime-legal", "published": REAL_ISO,
        "excerpt": excerpt("A total of 6,000 surgical masks have been lost at a hospital in Kobe,"
                           " it was learned Tuesday. The Hyogo Prefectural Police is "
                           "investigating the incident as a case of theft."),
    })
    for a in wp_articles:
        kind = a.get("special")
        if kind == "server_error":
            site.add(a["path"], special.server_error_page(), status=500)
            special_urls["server_error"] = SITE_ORIGIN + a["path"]
        else:
            site.add(a["path"], wp_article_page(real, a))
            expected.append(wp_expected(a, [a["listing"]]))
        first = a["paragraphs"][0] if a["paragraphs"] else a["description"]
        by_section[a["listing"]].append({
            "path": a["path"], "headline": a["headline"], "section": a["section"],
            "section_slug": a["listing"].split("/")[1], "subsection": a.get("subsection"),
            "subsection_slug": a.get("subsection_slug"), "published": a["published"],
            "excerpt": excerpt(paragraph_text(first)),
            "tracking": a.get("tracking_query"),
        })
    for section, teasers in by_section.items():
        teasers.sort(key=lambda t: t["published"], reverse=True)
        for t in teasers:
            t["href"] = SITE_ORIGIN + t["path"] + (t.get("tracking") or "")
            if t.get("tracking"):
                special_urls["tracking_link"] = t["href"]
        pages = paginate(teasers, wp_data.PAGE_SIZE)
        for n, chunk in enumerate(pages, 1):
            path = f"/{section}/" if n == 1 else f"/{section}/page/{n}/"
            site.add(path, wp_listing_page(real, section, n, len(pages), chunk))
            listings[section].append(path)

    # -- current layout -----------------------------------------------------------------------
    feed_bytes = REAL_FEED.read_bytes()
    feed_items = cur.parse_feed(feed_bytes.decode("utf-8"))
    cur_articles = current_data.articles(feed_items)
    by_listing = {"news/japan": [], "business": []}
    for a in cur_articles:
        kind = a.get("special")
        if kind == "botwall":
            site.add(a["path"], special.cloudflare_challenge_page(a["path"]), status=403,
                     headers={"Server": "cloudflare", "cf-mitigated": "challenge",
                              "cf-ray": "82b5d7c1fb3a8f21-NRT"})
            special_urls["botwall"] = SITE_ORIGIN + a["path"]
        elif kind == "truncated":
            site.add(a["path"], cur.truncated(cur.article_page(a, cur_articles)))
            special_urls["truncated"] = SITE_ORIGIN + a["path"]
        else:
            site.add(a["path"], cur.article_page(a, cur_articles))
            expected.append(cur.expected(a))
        for listing in a["listings"]:
            by_listing[listing].append(a)
    for section, items in by_listing.items():
        items.sort(key=lambda a: a["published"], reverse=True)
        pages = paginate(items, current_data.PAGE_SIZE[section])
        for n, chunk in enumerate(pages, 1):
            path = f"/{section}/" if n == 1 else f"/{section}/?pgno={n}"
            site.add(path, cur.listing_page(section, n, len(pages), chunk, cur_articles))
            listings[section].append(path)
        if len(items) != len({a["path"] for a in items}):
            raise ValueError(f"an article is listed twice on {section}")

    # -- the rest ------------------------------------------------------------------------------
    site.add("/robots.txt", special.ROBOTS_TXT, content_type="text/plain; charset=utf-8")

    # section paths of articles listed in more than one section
    seen = {}
    for section in SECTIONS:
        for a in cur_articles if section in by_listing else []:
            if section in a["listings"]:
                seen.setdefault(SITE_ORIGIN + a["path"], []).append(section)
    dupes = [url for url, secs in seen.items() if len(secs) > 1]
    for record in expected:
        if record["url"] in seen:
            record["section_path"] = seen[record["url"]]
    special_urls["duplicate_listing"] = dupes[0]
    special_urls["paywalled"] = [r["url"] for r in expected if r["paywalled"]]

    # -- discovery: feeds, sitemaps, sections in other markup, variants (build_discovery) -----
    from .build_discovery import add_discovery

    real_article = {"path": REAL_PATH, "headline": REAL_TITLE, "published": REAL_ISO,
                    "modified": None, "images": [(REAL_LEAD_IMAGE, None)]}
    discovery, sources = add_discovery(site, root, real, feed_bytes.decode("utf-8"),
                                       wp_articles, cur_articles, real_article, expected,
                                       listings)
    for record in expected:
        record["sources"] = sources[record["url"]]

    expected.sort(key=lambda r: (r["layout"], r["published_at"], r["url"]))
    (root / "manifest.json").write_text(
        json.dumps(dict(sorted(site.manifest.items())), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8")
    truth = {
        "site": "japantimes",
        "origin": SITE_ORIGIN,
        "note": "Ground truth of the snapshot; generated by newscrawl/snapshot/build.py.",
        "listings": listings,
        "special": dict(sorted(special_urls.items())),
        "articles": expected,
        "discovery": discovery,
    }
    (root / "expected.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return {
        "files": len(site.manifest),
        "listing_pages": sum(len(v) for v in listings.values()),
        "good_articles": len(expected),
        "wordpress": sum(r["layout"] == "wordpress" for r in expected),
        "current": sum(r["layout"] == "current" for r in expected),
        "paywalled": len(special_urls["paywalled"]),
        "discovery_articles": len(discovery["articles"]),
        "variants": len(discovery["variants"]),
    }


def paginate(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]

