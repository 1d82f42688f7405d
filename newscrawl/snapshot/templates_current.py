"""Markup of the current (2023) layout: article pages, section pages, and the feed reader.

The article markup is the contract the extractor's selectors are written to:
``div.jt-article-details`` > ``.article-section a``, ``h1.title-article``,
``h2.article-description``, ``div.byline`` (author links, ``span.credit``),
``div.publish-date`` / ``div.update-date``, ``div.article-image-gallery a.fresco``,
``input#cms_article_id``, ``#jtarticle .article-body`` (``.blurred-text`` when paywalled,
then ``div.paywall-prompt``), ``div.article-tags``; JSON-LD ``NewsArticle`` in the head.
"""

import html
import json
import math
import re
from datetime import datetime
from functools import cache
from pathlib import Path

from . import SITE_ORIGIN

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_IMAGE = "https://www.japantimes.co.jp/theme_japantimes/img/jt-default-og.png"
PAYWALL_PROMPT = (
    "<div class=\"paywall-prompt\"><p>In a time of both misinformation and too much "
    "information, quality journalism is more crucial than ever. By subscribing, you can help "
    "us get the story right.</p><a class=\"subscribe-button\" href=\"/subscribe/\">SUBSCRIBE NOW"
    "</a></div>"
)
SECTION_HREF = {"Japan": "/news/japan/", "Business": "/business/", "World": "/news/world/"}


def esc(text):
    """Escape for HTML text and double-quoted attribute values (apostrophes stay as they are)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def collapse(text):
    return re.sub(r"\s+", " ", text).strip()


def short_date(iso):
    d = datetime.fromisoformat(iso)
    return f"{d:%b} {d.day}, {d.year}"


@cache
def _template(name):
    # cached: the scale site (snapshot/scale.py) makes pages on request
    return (TEMPLATES / name).read_text(encoding="utf-8")


def critical_css():
    """A deterministic block of utility CSS, as the site inlines above the fold."""
    rules = [
        ":root{--jt-red:#c8102e;--jt-ink:#1a1a1a;--jt-grey:#6b6b6b;--jt-line:#e2e2e2;"
        "--jt-bg:#fff;--jt-serif:'Source Serif 4',Georgia,serif;--jt-display:'Playfair "
        "Display',Georgia,serif;--jt-sans:Inter,system-ui,sans-serif}",
        "*,*::before,*::after{box-sizing:border-box}",
        "body{margin:0;font-family:var(--jt-serif);color:var(--jt-ink);background:var(--jt-bg)}",
        ".container{max-width:1240px;margin:0 auto;padding:0 16px}",
        ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}",
        ".skip-link{position:absolute;left:-9999px}.skip-link:focus{left:16px;top:16px}",
        ".site-header{border-bottom:1px solid var(--jt-line)}",
        ".main-nav-list{display:flex;gap:20px;list-style:none;font:600 13px var(--jt-sans)}",
        ".main-nav-list .active a{color:var(--jt-red)}",
        ".breaking-news-ticker{background:#111;color:#fff;font:500 13px var(--jt-sans)}",
        ".ad-container{text-align:center;background:#f6f6f6;padding:8px 0}",
        ".ad-label{font:10px var(--jt-sans);color:#999;text-transform:uppercase;margin:0 0 4px}",
        ".title-article{font:700 40px/1.15 var(--jt-display);margin:8px 0 12px}",
        ".article-description{font:400 20px/1.4 var(--jt-serif);color:#333}",
        ".article-body p{font-size:19px;line-height:1.65;margin:0 0 1.2em}",
        ".blurred-text p:last-child{filter:blur(3px);user-select:none}",
        ".paywall-prompt{border-top:3px solid var(--jt-red);padding:24px;text-align:center}",
        ".subscribe-button{display:inline-block;background:var(--jt-red);color:#fff;"
        "padding:12px 28px;font:700 14px var(--jt-sans)}",
        ".jt-section-articles .article{display:grid;grid-template-columns:200px 1fr;gap:16px;"
        "padding:16px 0;border-bottom:1px solid var(--jt-line)}",
        ".article-title{font:700 22px/1.25 var(--jt-display);margin:4px 0}",
        ".sidebar{width:300px}.latest-stories li{border-bottom:1px solid var(--jt-line)}",
        ".site-footer{background:#111;color:#ddd;font:14px var(--jt-sans);padding:40px 0}",
    ]
    for name, prop in (("m", "margin"), ("p", "padding")):
        for side, suffix in (("t", "-top"), ("b", "-bottom"), ("l", "-left"), ("r", "-right"),
                             ("", "")):
            for step in range(0, 13):
                rules.append(f".{name}{side}-{step}{{{prop}{suffix}:{step * 0.25:g}rem}}")
    for size in (10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 36, 40, 48):
        rules.append(f".fs-{size}{{font-size:{size}px}}")
    for bp, width in (("sm", 576), ("md", 768), ("lg", 1024), ("xl", 1280)):
        rules.append(f"@media (min-width:{width}px){{.{bp}\\:flex{{display:flex}}"
                     f".{bp}\\:hidden{{display:none}}.{bp}\\:block{{display:block}}"
                     f".{bp}\\:grid-2{{grid-template-columns:repeat(2,1fr)}}"
                     f".{bp}\\:grid-3{{grid-template-columns:repeat(3,1fr)}}}}")
    return "".join(rules)


CRITICAL_CSS = critical_css()


# ---------------------------------------------------------------------------------------------
# feed


def parse_feed(text):
    """The real feed's items by article id: link, title, category, credit, tags, images."""
    items = {}
    for raw in re.findall(r"<item>(.*?)</item>", text, re.S):
        def get(tag, raw=raw):
            m = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", raw, re.S)
            value = m.group(1) if m else ""
            return value.replace("<![CDATA[", "").replace("]]>", "").strip()

        guid = get("guid")
        article_id = re.search(r"/article/(\d+)/", guid).group(1)
        image = re.search(r"<media:content url=\"([^\"]+)\"", raw)
        thumb = re.search(r"<media:thumbnail url=\"([^\"]+)\"", raw)
        items[article_id] = {
            "link": get("link"),
            "title": html.unescape(get("title")),
            "category": get("category"),
            "pub_date": get("pubDate"),
            "credit": get("jto:credit"),
            "tags": [t.strip() for t in get("jto:tag").split(",") if t.strip()],
            "authors": [a.strip() for a in get("jto:author").split(",") if a.strip()],
            "guid": guid,
            "description": html.unescape(get("description")),
            "image": image.group(1) if image else None,
            "thumb": thumb.group(1) if thumb else None,
        }
    return items


def thumb_of(url):
    return re.sub(r"/(\d+)\.jpg$", r"/thumbs/400x400/\1.jpg", url)


# ---------------------------------------------------------------------------------------------
# article


def body_paragraphs(article):
    """(kind, text) for the article body as printed: 'p' or 'h3'; dateline in the first."""
    out = []
    first = True
    for paragraph in article["paragraphs"]:
        if paragraph.startswith("## "):
            out.append(("h3", paragraph[3:]))
            continue
        text = paragraph
        if first and article.get("dateline"):
            text = f"{article['dateline']} – {text}"
        first = False
        out.append(("p", text))
    return out


def visible_paragraphs(article):
    parts = body_paragraphs(article)
    if article.get("paywalled"):
        kept, n = [], 0
        for kind, text in parts:
            if n == 3:
                break
            kept.append((kind, text))
            n += kind == "p"
        return kept
    return parts


def jsonld(article):
    author = article.get("jsonld_author")
    if author is None:
        people = article.get("authors") or []
        if not people:
            author = {"@type": "Organization", "name": "The Japan Times"}
        elif len(people) == 1:
            author = {"@type": "Person", "name": people[0]}
        else:
            author = [{"@type": "Person", "name": n} for n in people]
    canonical = SITE_ORIGIN + article["path"]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article["headline"],
        "description": article["description"],
        "articleSection": article["section"].upper(),
        "keywords": ", ".join(article["tags"]),
        "datePublished": article["published"],
        "dateModified": article.get("modified") or article["published"],
        "author": author,
        "publisher": {"@type": "Organization", "name": "The Japan Times",
                      "logo": {"@type": "ImageObject",
                               "url": "https://www.japantimes.co.jp/theme_japantimes/img/"
                                      "logo-jt.svg"}},
    }
    if article["images"]:
        data["image"] = [{"@type": "ImageObject", "url": url, "width": 1200, "height": 800}
                         for url, _ in article["images"]]
    data["isAccessibleForFree"] = not article.get("paywalled")
    if article.get("paywalled"):
        data["hasPart"] = {"@type": "WebPageElement", "isAccessibleForFree": False,
                           "cssSelector": ".article-body"}
    data["mainEntityOfPage"] = {"@type": "WebPage", "@id": canonical}
    return ("<script type=\"application/ld+json\">"
            + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>")


def head(title, metas, jsonld_block, pageclass, ga_section, ga_id, authors, tags):
    return (
        _template("current-head.html")
        .replace("@@TITLE@@", esc(title))
        .replace("@@METAS@@", metas)
        .replace("@@JSONLD@@", jsonld_block)
        .replace("@@CRITICALCSS@@", CRITICAL_CSS)
        .replace("@@PAGECLASS@@", pageclass)
        .replace("@@RECOMMENDABLE@@", "true" if pageclass == "article" else "false")
        .replace("@@GASECTION@@", ga_section)
        .replace("@@GAID@@", ga_id)
        .replace("@@GAAUTHORS@@", ",".join(authors).replace("'", "\\'"))
        .replace("@@PIANOTAGS@@", ", ".join(json.dumps(t, ensure_ascii=False) for t in tags))
    )


def header(body_class, section, date_iso):
    nav = {"@@NAV_NEWS@@": "active" if section == "Japan" else "",
           "@@NAV_JAPAN@@": "active" if section == "Japan" else "",
           "@@NAV_BUSINESS@@": "active" if section == "Business" else ""}
    out = _template("current-header.html").replace("@@BODYCLASS@@", body_class)
    d = datetime.fromisoformat(date_iso)
    out = out.replace("@@HEADERDATE@@", f"{d:%A}, {d:%B} {d.day}, {d.year}")
    for key, value in nav.items():
        out = out.replace(key, value)
    return out


def ad_slot(n):
    return (f"<div class=\"jt_content_ad\"><p>Advertisement</p><div id=\"div-gpt-ad-in-article-"
            f"{n}\"><script>googletag.cmd.push(function() {{ googletag.display('div-gpt-ad-in-"
            f"article-{n}'); }});</script></div></div>")


def byline(article):
    people = article.get("authors") or []
    links = [f"<a href=\"/author/{re.sub(r'[^a-z0-9]+', '-', n.lower()).strip('-')}/\">"
             f"{esc(n)}</a>" for n in people]
    if len(links) > 2:
        names = ", ".join(links[:-1]) + " and " + links[-1]
    else:
        names = " and ".join(links)
    credit = article.get("credit")
    credit_html = f"<span class=\"credit\">{esc(credit)}</span>" if credit else ""
    return f"<div class=\"byline\">{names}{' ' if names and credit else ''}{credit_html}</div>"


def gallery(article):
    if not article["images"]:
        return ""
    items = "".join(
        f"<a class=\"fresco\" href=\"{esc(url)}\" data-fresco-group=\"article-gallery\" "
        f"data-fresco-caption=\"{esc(caption)}\"><img src=\"{esc(thumb_of(url))}\" "
        f"alt=\"{esc(caption.rsplit(' | ', 1)[0])}\" loading=\"lazy\" width=\"400\" "
        "height=\"267\"></a>"
        for url, caption in article["images"]
    )
    return f"  <div class=\"article-image-gallery\">{items}</div>\n"


def latest_sidebar(article, all_articles):
    section = article["section"]
    others = [a for a in sorted(all_articles, key=lambda a: a["published"], reverse=True)
              if a["section"] == section and a["path"] != article["path"]][:5]
    items = "".join(
        f"<li class=\"latest-story\"><a href=\"{esc(a['path'])}\"><span class=\"latest-story-"
        f"title\">{esc(a['headline'])}</span></a><span class=\"latest-story-date\">"
        f"{short_date(a['published'])}</span></li>"
        for a in others
    )
    return (
        "<aside class=\"sidebar\">\n"
        "  <div class=\"ad-container sidebar-ad\"><p class=\"ad-label\">Advertisement</p>"
        "<div id=\"div-gpt-ad-sidebar-1\" style=\"min-height:250px\"><script>googletag.cmd.push("
        "function() { googletag.display('div-gpt-ad-sidebar-1'); });</script></div></div>\n"
        f"  <div class=\"latest-stories\"><h2>LATEST {section.upper()} STORIES</h2>"
        f"<ul>{items}</ul><a class=\"more-link\" href=\"{SECTION_HREF[section]}\">More "
        f"{section} stories</a></div>\n"
        "  <div class=\"newsletter-signup\"><h2>Sign up for our newsletters</h2><p>Stay up to "
        "date with the most important stories from Japan, delivered to your inbox.</p>"
        "<form action=\"/newsletter/subscribe/\" method=\"post\"><input type=\"email\" "
        "name=\"email\" placeholder=\"Your email address\" required><button type=\"submit\">"
        "SIGN UP</button></form><p class=\"fine-print\">By signing up you agree to our "
        "<a href=\"/about-us/privacy/\">privacy policy</a>.</p></div>\n"
        "  <div class=\"jt-podcast-promo\"><h2>DEEP DIVE</h2><p>The Japan Times’ weekly podcast "
        "on the stories that matter.</p><a href=\"/podcast/\">Listen now</a></div>\n"
        "  <div class=\"ad-container sidebar-ad\"><p class=\"ad-label\">Advertisement</p>"
        "<div id=\"div-gpt-ad-sidebar-2\" style=\"min-height:250px\"><script>googletag.cmd.push("
        "function() { googletag.display('div-gpt-ad-sidebar-2'); });</script></div></div>\n"
        "</aside>\n"
    )


def article_page(article, all_articles):
    canonical = SITE_ORIGIN + article["path"]
    title = f"{article['headline']} - The Japan Times"
    lead = article["images"][0][0] if article["images"] else DEFAULT_IMAGE
    metas = [
        f"<link rel=\"canonical\" href=\"{esc(canonical)}\">",
        f"<meta name=\"description\" content=\"{esc(article['description'])}\">",
        f"<meta name=\"keywords\" content=\"{esc(', '.join(article['tags']))}\">",
        f"<meta property=\"og:title\" content=\"{esc(title)}\">",
        f"<meta property=\"og:description\" content=\"{esc(article['description'])}\">",
        f"<meta property=\"og:url\" content=\"{esc(canonical)}\">",
        f"<meta property=\"og:image\" content=\"{esc(lead)}\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        f"<meta name=\"twitter:title\" content=\"{esc(article['headline'])}\">",
        f"<meta name=\"twitter:image\" content=\"{esc(lead)}\">",
        f"<meta property=\"article:published_time\" content=\"{article['published']}\">",
    ]
    if article.get("modified"):
        metas.append(f"<meta property=\"article:modified_time\" content=\"{article['modified']}\">")
    metas.append(f"<meta property=\"article:section\" content=\"{esc(article['section'])}\">")
    metas += [f"<meta property=\"article:tag\" content=\"{esc(t)}\">" for t in article["tags"]]
    metas += [
        f"<meta name=\"cXenseParse:articleid\" content=\"{article['article_id']}\">",
        f"<meta name=\"cXenseParse:recs:publishtime\" content=\"{article['published']}\">",
        f"<meta name=\"cXenseParse:jto-section\" content=\"{article['section'].lower()}\">",
    ]
    out = [head(title, "\n".join(metas), jsonld(article), "article", article["section"].lower(),
                article["article_id"], article.get("authors") or [], article["tags"])]
    body_class = "article-page" + (" article-page--premium" if article.get("paywalled") else "")
    out.append(header(body_class, article["section"], article["published"]))

    sub = ""
    if article.get("subsection"):
        sub = (f" / <a href=\"{SECTION_HREF[article['section']]}{article['subsection_slug']}/\">"
               f"{esc(article['subsection'])}</a>")
    section_html = (f"<div class=\"article-section\"><a href=\"{SECTION_HREF[article['section']]}"
                    f"\">{article['section'].upper()}</a>{sub}</div>")
    dates = f"  <div class=\"publish-date\">{short_date(article['published'])}</div>\n"
    if article.get("modified"):
        dates += f"  <div class=\"update-date\">Updated: {short_date(article['modified'])}</div>\n"
    words = sum(len(t.split()) for _, t in body_paragraphs(article))
    minutes = max(1, math.ceil(words / 200))

    body = []
    n = 0
    ads_after = article.get("ads_after", (2, 5))
    for kind, text in visible_paragraphs(article):
        body.append(f"<{kind}>{esc(text) if kind == 'h3' else html.escape(text, quote=False)}"
                    f"</{kind}>")
        if kind == "p":
            n += 1
            if n in ads_after:
                body.append(ad_slot(ads_after.index(n) + 1))
    body_class_div = "article-body blurred-text" if article.get("paywalled") else "article-body"
    jtarticle = (f"  <div id=\"jtarticle\"><div class=\"{body_class_div}\">\n     "
                 + "\n     ".join(body) + "\n  </div>"
                 + (PAYWALL_PROMPT if article.get("paywalled") else "") + "</div>\n")
    tags = ", ".join(f"<a href=\"/tag/{re.sub(r'[^a-z0-9]+', '-', t.lower()).strip('-')}/\">"
                     f"{esc(t)}</a>" for t in article["tags"])
    out.append(
        "<main id=\"main-content\" class=\"main-container\">\n<article>\n"
        "<div class=\"jt-article-details\">\n"
        f"  {section_html}\n"
        f"  <h1 class=\"title-article\">{esc(article['headline'])}</h1>\n"
        f"  <h2 class=\"article-description\">{esc(article['description'])}</h2>\n"
        f"  {byline(article)}\n"
        + dates
        + f"  <div class=\"listen-article\">Listen to this article <span class=\"duration\">"
        f"({minutes} min)</span></div>\n"
        "  <div class=\"share-tools\"><a class=\"share-x\" href=\"https://twitter.com/intent/tweet"
        f"?url={esc(canonical)}\">Share on X</a><a class=\"share-facebook\" href=\"https://www."
        f"facebook.com/sharer/sharer.php?u={esc(canonical)}\">Share on Facebook</a><button "
        "class=\"share-copy\" type=\"button\">Copy link</button><button class=\"gift-article\" "
        "type=\"button\">Gift this article</button></div>\n"
        + gallery(article)
        + f"  <input type=\"hidden\" id=\"cms_article_id\" value=\"{article['article_id']}\">\n"
        + jtarticle
        + "  <div class=\"comment-notice\"><p>Your subscription plan doesn't allow commenting. "
        "Upgrade to a Premium plan to join the conversation.</p></div>\n"
        f"  <div class=\"article-tags\"><h3>KEYWORDS</h3>{tags}</div>\n"
        "  <div class=\"article-footer-links\"><a href=\"/contact-us/error-report/\">Report an "
        "error</a> <a href=\"/about-us/republishing/\">Republishing &amp; reprints</a></div>\n"
        "</div>\n"
        + latest_sidebar(article, all_articles)
        + "</article>\n</main>\n"
    )
    out.append(_template("current-footer.html"))
    return "".join(out)


def truncated(page):
    """The page cut in the middle of the second body paragraph: no closing tags, no </html>."""
    start = page.index("<div class=\"article-body\">")
    second = page.index("<p>", page.index("</p>", start))
    text_end = page.index("</p>", second)
    cut = page.rindex(" ", second, second + (text_end - second) // 2)
    return page[:cut]


def expected(article):
    parts = visible_paragraphs(article)
    people = list(article.get("authors") or [])
    return {
        "url": SITE_ORIGIN + article["path"],
        "canonical_url": SITE_ORIGIN + article["path"],
        "layout": "current",
        "section_path": list(article["listings"]),
        "headline": article["headline"],
        "section": article["section"],
        "subsection": article.get("subsection"),
        "authors": people,
        "credit": article.get("credit"),
        "dateline": article.get("dateline"),
        "published_at": article["published"],
        "modified_at": article.get("modified"),
        "article_id": article["article_id"],
        "paragraphs": [collapse(t) for _, t in parts],
        "tags": list(article["tags"]),
        "paywalled": bool(article.get("paywalled")),
        "image_count": len(article["images"]),
        "image_credits": [c.rsplit(" | ", 1)[1].strip() if " | " in c else None
                          for _, c in article["images"]],
    }


# ---------------------------------------------------------------------------------------------
# section page


def listing_page(section, page, pages, items, all_articles):
    name = {"news/japan": "Japan", "business": "Business"}[section]
    base = f"/{section}/"
    canonical = SITE_ORIGIN + base + (f"?pgno={page}" if page > 1 else "")
    title = f"{name} - The Japan Times"
    metas = [
        f"<link rel=\"canonical\" href=\"{esc(canonical)}\">",
        f"<meta name=\"description\" content=\"The latest {name.lower()} news from The Japan "
        "Times: politics, society, economy and more.\">",
        f"<meta property=\"og:title\" content=\"{esc(title)}\">",
        f"<meta property=\"og:url\" content=\"{esc(canonical)}\">",
        f"<meta property=\"og:image\" content=\"{DEFAULT_IMAGE}\">",
        "<meta property=\"og:type\" content=\"website\">",
    ]
    if page < pages:
        metas.append(f"<link rel=\"next\" href=\"{SITE_ORIGIN}{base}?pgno={page + 1}\">")
    ld = ("<script type=\"application/ld+json\">" + json.dumps({
        "@context": "https://schema.org", "@type": "CollectionPage", "name": title,
        "url": canonical}) + "</script>")
    out = [head(title, "\n".join(metas), ld, "section", name.lower(), "", [], []),
           header("section-page", name, "2023-11-25T02:06:04+09:00")]
    teasers = []
    for a in items:
        if a["images"]:
            img_url = thumb_of(a["images"][0][0])
            alt = a["images"][0][1].rsplit(" | ", 1)[0]
        else:
            img_url, alt = DEFAULT_IMAGE, "Japan Times"
        sub = ""
        if a.get("subsection"):
            sub = (f" / <a href=\"{SECTION_HREF[a['section']]}{a['subsection_slug']}/\">"
                   f"{esc(a['subsection'])}</a>")
        teasers.append(
            "<div class=\"article\">"
            f"<div class=\"article-image\"><img alt=\"{esc(alt)}\" src=\"{esc(img_url)}\" "
            "loading=\"lazy\" width=\"400\" height=\"267\"></div>"
            f"<div class=\"article-category\"><a href=\"{SECTION_HREF[a['section']]}\">"
            f"{a['section'].upper()}</a>{sub}</div>"
            + (f"<div class=\"article-series\">{esc(a['series'])}</div>" if a.get("series") else "")
            + f"<div class=\"article-date\">{short_date(a['published'])}</div>"
            f"<h2 class=\"article-title\"><a href=\"{esc(a['path'])}\">{esc(a['headline'])}</a>"
            "</h2>"
            f"<p class=\"article-standfirst\">{esc(a['description'])}</p>"
            + ("<span class=\"premium-label\">PREMIUM</span>" if a.get("paywalled") else "")
            + "</div>\n"
        )
    pagination = (f"<div class=\"pagination\"><a class=\"next\" href=\"?pgno={page + 1}\">Next</a>"
                  "</div>\n" if page < pages else "")
    popular = sorted(all_articles, key=lambda a: a["article_id"])[:5]
    popular_html = "".join(
        f"<li><span class=\"rank\">{i}</span><a href=\"{esc(a['path'])}\">{esc(a['headline'])}"
        "</a></li>" for i, a in enumerate(popular, 1))
    out.append(
        "<main id=\"main-content\" class=\"main-container section-page\">\n"
        f"<div class=\"section-header\"><h1 class=\"section-title\">{name.upper()}</h1>"
        "<ul class=\"section-subnav\">"
        + ("<li><a href=\"/news/japan/politics/\">Politics</a></li><li><a href=\"/news/japan/"
           "crime-legal/\">Crime &amp; Legal</a></li><li><a href=\"/news/japan/science-health/\">"
           "Science &amp; Health</a></li><li><a href=\"/news/japan/society/\">Society</a></li>"
           if name == "Japan" else
           "<li><a href=\"/business/economy/\">Economy</a></li><li><a href=\"/business/companies/"
           "\">Companies</a></li><li><a href=\"/business/markets/\">Markets</a></li><li><a href="
           "\"/business/tech/\">Tech</a></li>")
        + "</ul></div>\n"
        "<div class=\"section-layout\">\n"
        "<div class=\"jt-section-articles\">\n" + "".join(teasers) + "</div>\n"
        + pagination
        + "<aside class=\"sidebar\">\n"
        "  <div class=\"ad-container sidebar-ad\"><p class=\"ad-label\">Advertisement</p><div "
        "id=\"div-gpt-ad-sidebar-1\"><script>googletag.cmd.push(function() { googletag.display("
        "'div-gpt-ad-sidebar-1'); });</script></div></div>\n"
        f"  <div class=\"most-read\"><h2>MOST READ</h2><ol>{popular_html}</ol></div>\n"
        "  <div class=\"newsletter-signup\"><h2>Sign up for our newsletters</h2><form action=\""
        "/newsletter/subscribe/\" method=\"post\"><input type=\"email\" name=\"email\" "
        "placeholder=\"Your email address\"><button type=\"submit\">SIGN UP</button></form>"
        "</div>\n</aside>\n</div>\n</main>\n"
    )
    out.append(_template("current-footer.html"))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# section pages of the discovery cases: a redesigned section (teaser markup that no listing
# selector of the site knows) and a section whose stories a script loads (no links at all)


def _trending_header(picks):
    """The header with a "trending" strip of other sections' stories, inside <header>."""
    items = "".join(f"<li><a href=\"{esc(path)}\">{esc(title)}</a></li>" for path, title in picks)
    strip = ("  <div class=\"trending-now\"><div class=\"container\"><span class=\"trending-label"
             f"\">TRENDING</span><ul class=\"trending-items\">{items}</ul></div></div>\n")
    return strip


def _chrome(name, canonical, description, picks_header, picks_aside, picks_footer, ld_type,
            extra_metas=()):
    """(head + header, aside, footer) of a current-layout section page with story links
    outside the main content."""
    title = f"{name} - The Japan Times"
    metas = [
        f"<link rel=\"canonical\" href=\"{esc(canonical)}\">",
        f"<meta name=\"description\" content=\"{esc(description)}\">",
        f"<meta property=\"og:title\" content=\"{esc(title)}\">",
        f"<meta property=\"og:url\" content=\"{esc(canonical)}\">",
        f"<meta property=\"og:image\" content=\"{DEFAULT_IMAGE}\">",
        "<meta property=\"og:type\" content=\"website\">",
        *extra_metas,
    ]
    ld = ("<script type=\"application/ld+json\">" + json.dumps({
        "@context": "https://schema.org", "@type": ld_type, "name": title,
        "url": canonical}) + "</script>")
    top = head(title, "\n".join(metas), ld, "section", name.lower(), "", [], [])
    top += header("section-page", name, "2023-11-25T02:06:04+09:00").replace(
        "</header>", _trending_header(picks_header) + "</header>", 1)
    most_read = "".join(
        f"<li><span class=\"rank\">{i}</span><a href=\"{esc(path)}\">{esc(title)}</a></li>"
        for i, (path, title) in enumerate(picks_aside, 1))
    aside = (
        "<aside class=\"sidebar section-sidebar\">\n"
        "  <div class=\"ad-container sidebar-ad\"><p class=\"ad-label\">Advertisement</p><div "
        "id=\"div-gpt-ad-sidebar-1\"><script>googletag.cmd.push(function() { googletag.display("
        "'div-gpt-ad-sidebar-1'); });</script></div></div>\n"
        f"  <div class=\"most-read-box\"><h2>Most read</h2><ol>{most_read}</ol></div>\n"
        "  <div class=\"newsletter-signup\"><h2>Sign up for our newsletters</h2><form action=\""
        "/newsletter/subscribe/\" method=\"post\"><input type=\"email\" name=\"email\" "
        "placeholder=\"Your email address\"><button type=\"submit\">SIGN UP</button></form>"
        "</div>\n</aside>\n"
    )
    picks = "".join(f"<li><a href=\"{esc(path)}\">{esc(title)}</a></li>"
                    for path, title in picks_footer)
    footer = _template("current-footer.html").replace(
        "  <div class=\"container footer-bottom\">",
        "  <div class=\"container footer-picks\"><h4>Editors’ picks</h4><ul>" + picks
        + "</ul></div>\n  <div class=\"container footer-bottom\">", 1)
    return top, aside, footer


def redesigned_listing_page(section, name, page, pages, items, picks):
    """A section page after a redesign: ``section.jt-stories > article.story-card`` teasers
    and a plain "Next" link, none of which the listing selectors of the site match."""
    base = f"/{section}/"
    canonical = SITE_ORIGIN + base + (f"?pgno={page}" if page > 1 else "")
    top, aside, footer = _chrome(
        name, canonical, f"The latest {name.lower()} news from The Japan Times.",
        picks["header"], picks["aside"], picks["footer"], "CollectionPage")
    cards = []
    for a in items:
        if a["images"]:
            img_url = thumb_of(a["images"][0][0])
            alt = a["images"][0][1].rsplit(" | ", 1)[0]
        else:
            img_url, alt = DEFAULT_IMAGE, "Japan Times"
        kicker = esc(a["subsection"] or a["section"])
        kicker_href = SECTION_HREF[a["section"]] + (f"{a['subsection_slug']}/"
                                                    if a.get("subsection_slug") else "")
        cards.append(
            "  <article class=\"story-card\" data-story-id=\"" + a["article_id"] + "\">"
            f"<a class=\"story-card__media\" href=\"{esc(a['path'])}\" tabindex=\"-1\" "
            f"aria-hidden=\"true\"><img src=\"{esc(img_url)}\" alt=\"{esc(alt)}\" "
            "loading=\"lazy\" width=\"400\" height=\"267\"></a>"
            "<div class=\"story-card__body\">"
            f"<a class=\"story-card__kicker\" href=\"{esc(kicker_href)}\">{kicker}</a>"
            f"<h3 class=\"story-card__title\"><a href=\"{esc(a['path'])}\">"
            f"{esc(a['headline'])}</a></h3>"
            f"<p class=\"story-card__dek\">{esc(a['description'])}</p>"
            f"<time class=\"story-card__time\" datetime=\"{a['published']}\">"
            f"{short_date(a['published'])}</time></div></article>\n"
        )
    pager = []
    if page > 1:
        prev = base if page == 2 else f"{base}?pgno={page - 1}"
        pager.append(f"<a class=\"pager__link\" href=\"{prev}\">Previous</a>")
    pager.append(f"<span class=\"pager__current\">Page {page}</span>")
    if page < pages:
        pager.append(f"<a class=\"pager__link\" href=\"{base}?pgno={page + 1}\">Next</a>")
    main = (
        "<div class=\"section-layout\">\n"
        "<main id=\"main-content\" class=\"main-container section-page section-page--v2\">\n"
        f"<header class=\"section-masthead\"><h1 class=\"section-masthead__title\">{name.upper()}"
        "</h1><ul class=\"section-masthead__nav\"><li><a href=\"" + base + "politics/\">Politics"
        "</a></li><li><a href=\"" + base + "crime-legal/\">Crime &amp; Legal</a></li><li><a "
        "href=\"" + base + "science-health/\">Science &amp; Health</a></li></ul></header>\n"
        "<section class=\"jt-stories\" aria-label=\"Latest stories\">\n" + "".join(cards)
        + "</section>\n"
        "<nav class=\"pager\" aria-label=\"Pages\">" + "".join(pager) + "</nav>\n"
        "</main>\n" + aside + "</div>\n"
    )
    return top + main + footer


def app_shell_page(section, name, picks):
    """A section page whose stories a script loads from the API: the main content holds no
    article link at all (and no noscript fallback listing them)."""
    canonical = SITE_ORIGIN + f"/{section}/"
    top, aside, footer = _chrome(
        name, canonical, f"{name}: editorials, commentary and letters from The Japan Times.",
        picks["header"], picks["aside"], picks["footer"], "CollectionPage")
    main = (
        "<div class=\"section-layout\">\n"
        "<main id=\"main-content\" class=\"main-container section-page section-page--app\">\n"
        f"<header class=\"section-masthead\"><h1 class=\"section-masthead__title\">{name.upper()}"
        "</h1><ul class=\"section-masthead__nav\"><li><a href=\"/editorials/\">Editorials</a>"
        "</li><li><a href=\"/commentary/\">Commentary</a></li><li><a href=\"/opinion/letters/\">"
        "Letters</a></li><li><a href=\"/opinion/cartoons/\">Cartoons</a></li></ul></header>\n"
        f"<div id=\"jt-app\" data-endpoint=\"/api/v2/sections/{section}/stories?page=1&amp;"
        f"per_page=20\" data-section=\"{section}\" aria-busy=\"true\">"
        "<div class=\"jt-app__loading\"><span class=\"spinner\"></span>Loading…</div></div>\n"
        "<noscript><p class=\"noscript-note\">Please enable JavaScript to read the latest "
        f"{name.lower()} stories.</p></noscript>\n"
        "<script src=\"/theme_japantimes/js/section-app.min.js?ver=2023.11.3\" defer></script>\n"
        "</main>\n" + aside + "</div>\n"
    )
    return top + main + footer
