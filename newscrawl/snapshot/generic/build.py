"""Build the generic sites of the snapshot: ``python -m newscrawl.snapshot.generic.build``.

Two invented local papers (``data.py``) in two markups news sites really use:

- ``harbor-gazette`` (``www.harbor-gazette.example``): a WordPress theme (underscores-style
  markup, Jetpack share and related-posts blocks, an SEO plugin's OpenGraph and ``article:*``
  meta, no JSON-LD), its RSS feed and comments feed, the core ``wp-sitemap.xml`` index, category
  archives paginated ``/page/N/``, a static front page of section blocks; ``/rss`` redirects to
  ``/feed/`` as WordPress does;
- ``northfield-tribune`` (``news.northfield-tribune.example``): a server-rendered Next.js site
  (hashed CSS-module class names, ``__NEXT_DATA__``), JSON-LD ``NewsArticle`` with UTC dates,
  an Atom feed announced only by ``<link rel=alternate>``, a sitemap and a Google News sitemap
  in robots.txt, sections paginated ``?page=N``, an ``/rss`` page that is HTML, not a feed.

Each has pages that look like articles by their address and are not: a photo gallery, an
error page served with 200 (a deleted story still linked), a topic hub (Northfield); and the
tag and author pages the URL heuristics never request. Each site is one snapshot root
(``manifest.json``, ``expected.json``, ``site/``) the snapshot server serves
(``python -m newscrawl.snapshot serve --site harbor-gazette``).

``expected.json``: ``articles`` (every article's record fields as the crawl must export
them), ``refused`` (URL -> the reason the generic extraction gives), ``not_requested`` (links
the URL heuristics refuse), ``sections``, ``feeds``, ``sitemaps``.
"""

import html
import json
import shutil
from datetime import datetime
from pathlib import Path

from newscrawl.sites.base import registrable_name
from newscrawl.snapshot.generic.data import HARBOR, NORTHFIELD

GENERIC_DIR = Path(__file__).resolve().parent
HTML = "text/html; charset=utf-8"
UTC_NOW = "2026-11-25T15:00:00+00:00"  # when the snapshot was "saved"


def esc(text):
    return html.escape(text, quote=True)


def human_day(iso):
    d = datetime.fromisoformat(iso)
    return f"{d:%B} {d.day}, {d.year}"


def utc(iso):
    d = datetime.fromisoformat(iso).astimezone(datetime.fromisoformat(UTC_NOW).tzinfo)
    return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def utc_iso(iso):
    """The record's form of a UTC time (what ``dates.iso`` writes)."""
    return datetime.fromisoformat(iso).astimezone(
        datetime.fromisoformat(UTC_NOW).tzinfo).isoformat()


def rfc822(iso):
    return datetime.fromisoformat(iso).strftime("%a, %d %b %Y %H:%M:%S %z")


class Writer:
    def __init__(self, site):
        self.site = site
        self.origin = f"https://{site['host']}"
        self.root = GENERIC_DIR / site["name"]
        self.manifest = {}

    def add(self, path, body, content_type=HTML, status=200, headers=None):
        if path.endswith("/"):
            file = path.strip("/") + "/index.html" if path != "/" else "index.html"
        elif "?" in path:
            base, query = path.split("?", 1)
            file = base.strip("/") + "/__" + query.replace("=", "-").replace("&", "_") + ".html"
        else:
            file = path.strip("/") + ("" if "." in path.rsplit("/", 1)[-1] else "/index.html")
        entry = {"file": file, "status": status, "content_type": content_type}
        if headers:
            entry["headers"] = headers
        self.manifest[path] = entry
        if body is not None:
            target = self.root / "site" / file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")

    def finish(self, expected):
        (self.root / "manifest.json").write_text(
            json.dumps(dict(sorted(self.manifest.items())), indent=1) + "\n", encoding="utf-8")
        (self.root / "expected.json").write_text(
            json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def articles_by_key(site):
    return {a["key"]: a for a in site["articles"]}


def newest_first(site):
    return sorted(site["articles"], key=lambda a: datetime.fromisoformat(a["published"]),
                  reverse=True)


def record(site, article, origin):
    """The record fields the crawl must export for an article (the generic extraction's)."""
    url = origin + article["path"]
    modified = article["modified"]
    return {
        "url": url, "canonical_url": url, "site": registrable_name(site["host"]),
        "extraction": "generic", "headline": article["headline"],
        "description": article["description"], "authors": article["authors"],
        "section": site["sections"][article["section"]], "tags": article["tags"],
        "published_at": article["published_at"], "modified_at": modified and
        article["modified_at"], "paragraphs": article["paragraphs"],
        "paywalled": False, "language": "en",
    }


# --------------------------------------------------------------------------- Harbor Gazette
def harbor_page(w, title, main, *, head="", body_class="", aside=True):
    o = w.origin
    nav = "".join(
        f'<li class="menu-item menu-item-type-{kind} menu-item-{i}"><a href="{o}{href}">'
        f"{label}</a></li>"
        for i, (kind, href, label) in enumerate([
            ("custom", "/", "Home"),
            ("taxonomy menu-item-object-category", "/category/local/", "Local"),
            ("taxonomy menu-item-object-category", "/category/business/", "Business"),
            ("post_type menu-item-object-page", "/about/", "About"),
            ("post_type menu-item-object-page", "/contact/", "Contact"),
            ("post_type menu-item-object-page", "/subscribe/", "Subscribe"),
        ], start=101))
    recent = "".join(f'<li><a href="{o}{a["path"]}">{esc(a["headline"])}</a></li>'
                     for a in newest_first(HARBOR)[:5])
    sidebar = f"""
<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{o}/">
<label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label>
<input type="submit" class="search-submit" value="Search" /></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>
<ul>{recent}</ul></section>
<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Topics</h2><div class="tagcloud">
<a href="{o}/tag/ferries/" class="tag-cloud-link tag-link-31 tag-link-position-1" style="font-size: 14pt;" aria-label="ferries (4 items)">ferries</a>
<a href="{o}/tag/harbor-commission/" class="tag-cloud-link tag-link-12 tag-link-position-2" style="font-size: 16pt;" aria-label="harbor commission (7 items)">harbor commission</a>
<a href="{o}/tag/small-business/" class="tag-cloud-link tag-link-44 tag-link-position-3" style="font-size: 11pt;" aria-label="small business (3 items)">small business</a>
</div></section>
</aside>""" if aside else ""
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{title}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel='dns-prefetch' href='//stats.wp.com' />
<link rel="alternate" type="application/rss+xml" title="Harbor Gazette &raquo; Feed" href="{o}/feed/" />
<link rel="alternate" type="application/rss+xml" title="Harbor Gazette &raquo; Comments Feed" href="{o}/comments/feed/" />
{head}<link rel='stylesheet' id='wp-block-library-css' href='{o}/wp-includes/css/dist/block-library/style.min.css?ver=6.7.1' media='all' />
<link rel='stylesheet' id='harbor-style-css' href='{o}/wp-content/themes/harbor/style.css?ver=2.3.0' media='all' />
<link rel='stylesheet' id='jetpack_css-css' href='{o}/wp-content/plugins/jetpack/css/jetpack.css?ver=14.1' media='all' />
<link rel="https://api.w.org/" href="{o}/wp-json/" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{o}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress 6.7.1" />
</head>
<body class="{body_class}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<header id="masthead" class="site-header">
<div class="site-branding">
<p class="site-title"><a href="{o}/" rel="home">Harbor Gazette</a></p>
<p class="site-description">{esc(HARBOR["tagline"])}</p>
</div>
<nav id="site-navigation" class="main-navigation">
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<div class="menu-primary-container"><ul id="primary-menu" class="menu">{nav}</ul></div>
</nav>
</header>
<div id="content" class="site-content">
{main}
{sidebar}
</div>
<footer id="colophon" class="site-footer">
<div class="site-info">&copy; 2026 Harbor Gazette &middot; <a href="{o}/privacy-policy/">Privacy Policy</a> &middot;
Proudly powered by <a href="https://wordpress.org/">WordPress</a></div>
</footer>
</div>
<script src='{o}/wp-content/themes/harbor/js/navigation.js?ver=2.3.0' id='harbor-navigation-js'></script>
<script src='https://stats.wp.com/e-202648.js' id='jetpack-stats-js' defer='defer' data-wp-strategy='defer'></script>
</body>
</html>
"""


def harbor_byline(w, authors):
    people = [f'<span class="author vcard"><a class="url fn n" href="{w.origin}/author/'
              f'{HARBOR["authors"][name]}/">{esc(name)}</a></span>' for name in authors]
    return '<span class="byline"> by ' + " and ".join(people) + "</span>"


def harbor_teaser(w, a, heading="h2"):
    o = w.origin
    url = o + a["path"]
    tags = ", ".join(f'<a href="{o}/tag/{t.lower().replace(" ", "-")}/" rel="tag">{esc(t)}</a>'
                     for t in a["tags"])
    section = HARBOR["sections"][a["section"]]
    return f"""
<article id="post-{a["id"]}" class="post-{a["id"]} post type-post status-publish format-standard has-post-thumbnail hentry category-{a["section"]}">
<header class="entry-header">
<{heading} class="entry-title"><a href="{url}" rel="bookmark">{esc(a["headline"])}</a></{heading}>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{a["published"]}">{human_day(a["published"])}</time></a></span>{harbor_byline(w, a["authors"])}</div>
</header>
<div class="entry-summary"><p>{esc(a["description"])} [&hellip;]</p></div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="{o}/category/{a["section"]}/" rel="category tag">{section}</a></span><span class="tags-links">Tagged {tags}</span><span class="comments-link"><a href="{url}#respond">Leave a Comment<span class="screen-reader-text"> on {esc(a["headline"])}</span></a></span></footer>
</article>"""


def harbor_article(w, a, previous):
    o = w.origin
    url = o + a["path"]
    section = HARBOR["sections"][a["section"]]
    image = f"{o}/wp-content/uploads/2026/11/{a['key']}-1200x800.jpg"
    meta = [
        ('property="og:type"', "article"), ('property="og:title"', a["headline"]),
        ('property="og:url"', url), ('property="og:description"', a["description"]),
        ('property="article:published_time"', a["published"]),
    ]
    if a["modified"]:
        meta.append(('property="article:modified_time"', a["modified"]))
    meta += [('property="og:site_name"', "Harbor Gazette"), ('property="og:image"', image),
             ('property="og:image:width"', "1200"), ('property="og:image:height"', "800"),
             ('property="og:locale"', "en_US"), ('name="twitter:card"', "summary_large_image"),
             ('name="description"', a["description"]),
             ('property="article:section"', section)]
    meta += [('property="article:tag"', tag) for tag in a["tags"]]
    head = (f'<link rel="canonical" href="{url}" />\n'
            f"<link rel='shortlink' href='{o}/?p={a['id']}' />\n"
            "<!-- All in One SEO 4.7.6 - aioseo.com -->\n"
            + "".join(f'<meta {attr} content="{esc(value)}" />\n' for attr, value in meta)
            + "<!-- All in One SEO -->\n")
    updated = (f'<time class="updated" datetime="{a["modified"]}">{human_day(a["modified"])}'
               "</time>") if a["modified"] else ""
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in a["paragraphs"])
    related = "".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id="{r["id"]}">'
        f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" '
        f'href="{o}{r["path"]}" title="{esc(r["headline"])}" rel="nofollow">'
        f'{esc(r["headline"])}</a></h4><p class="jp-relatedposts-post-date">'
        f'{human_day(r["published"])}</p><p class="jp-relatedposts-post-context">In '
        f'&quot;{HARBOR["sections"][r["section"]]}&quot;</p></div>'
        for i, r in enumerate([r for r in HARBOR["articles"] if r is not a][:3]))
    tags = ", ".join(f'<a href="{o}/tag/{t.lower().replace(" ", "-")}/" rel="tag">{esc(t)}</a>'
                     for t in a["tags"])
    comments = ""
    if a["key"] == "east-channel-dredging":
        comments = f"""
<div id="comments" class="comments-area">
<h2 class="comments-title">One thought on &ldquo;<span>{esc(a["headline"])}</span>&rdquo;</h2>
<ol class="comment-list">
<li id="comment-231" class="comment even thread-even depth-1"><article id="div-comment-231" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Bill Turner</b> <span class="says">says:</span></div>
<div class="comment-metadata"><a href="{url}#comment-231"><time datetime="2026-11-24T09:12:00-05:00">November 24, 2026 at 9:12 am</time></a></div></footer>
<div class="comment-content"><p>About time. My boat sat on the bottom at the pier twice this fall, and nobody at town hall seemed to think it was a problem until the grant came through.</p></div>
</article></li>
</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="{o}/wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /></p></form></div>
</div>"""
    nav = ""
    if previous is not None:
        nav = (f'<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">'
               f'Post navigation</h2><div class="nav-links"><div class="nav-previous"><a href="{o}{previous["path"]}" '
               f'rel="prev"><span class="nav-subtitle">Previous:</span> <span class="nav-title">'
               f'{esc(previous["headline"])}</span></a></div></div></nav>')
    main = f"""<main id="primary" class="site-main">
<article id="post-{a["id"]}" class="post-{a["id"]} post type-post status-publish format-standard has-post-thumbnail hentry category-{a["section"]}">
<header class="entry-header">
<span class="cat-links"><a href="{o}/category/{a["section"]}/" rel="category tag">{section}</a></span>
<h1 class="entry-title">{esc(a["headline"])}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{a["published"]}">{human_day(a["published"])}</time>{updated}</a></span>{harbor_byline(w, a["authors"])}</div>
</header>
<div class="post-thumbnail"><img width="1200" height="800" src="{image}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async" fetchpriority="high" /></div>
<div class="entry-content">
{paragraphs}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>
<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button share-icon" href="{url}?share=facebook" target="_blank" title="Click to share on Facebook"><span>Facebook</span></a></li>
<li class="share-x"><a rel="nofollow noopener noreferrer" class="share-x sd-button share-icon" href="{url}?share=x" target="_blank" title="Click to share on X"><span>X</span></a></li>
<li class="share-email"><a rel="nofollow noopener noreferrer" class="share-email sd-button share-icon" href="mailto:?subject=%5BShared%20Post%5D&amp;body={url}" target="_blank" title="Click to email a link to a friend"><span>Email</span></a></li>
</ul></div></div></div>
<div id='jp-relatedposts' class='jp-relatedposts'><h3 class="jp-relatedposts-headline"><em>Related</em></h3><div class="jp-relatedposts-items jp-relatedposts-items-visual">{related}</div></div>
</div>
<footer class="entry-footer"><span class="tags-links">Tagged {tags}</span></footer>
</article>
{nav}{comments}
</main>"""
    body_class = (f"post-template-default single single-post postid-{a['id']} "
                  "single-format-standard wp-embed-responsive")
    return harbor_page(w, f"{esc(a['headline'])} &#8211; Harbor Gazette", main, head=head,
                       body_class=body_class)


def harbor_gallery(w, g):
    o = w.origin
    url = o + g["path"]
    captions = [
        "Children carry paper lanterns past the fish pier.",
        "The procession crosses the footbridge at dusk.",
        "A lantern shaped like a lobster boat, made by students at Harbor Elementary.",
        "Hundreds of lanterns reflected in the water off the promenade.",
        "Musicians from the Port Wexley Community Band lead the walk.",
        "Volunteers light the last lanterns outside the old customs house.",
    ]
    figures = "\n".join(
        f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683" '
        f'src="{o}/wp-content/uploads/2026/11/lantern-walk-{i}-1024x683.jpg" alt="" class="wp-image-{4900 + i}"/>'
        f'<figcaption class="wp-element-caption">{esc(c)} (Photo: Marcus Ibe)</figcaption></figure>'
        for i, c in enumerate(captions, 1))
    head = (f'<link rel="canonical" href="{url}" />\n'
            f'<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{esc(g["title"])}" />\n'
            f'<meta property="og:url" content="{url}" />\n'
            f'<meta property="article:published_time" content="{g["published"]}" />\n'
            f'<meta property="og:site_name" content="Harbor Gazette" />\n')
    main = f"""<main id="primary" class="site-main">
<article id="post-{g["id"]}" class="post-{g["id"]} post type-post status-publish format-gallery hentry category-local post_format-post-format-gallery">
<header class="entry-header"><span class="cat-links"><a href="{o}/category/local/" rel="category tag">Local</a></span>
<h1 class="entry-title">{esc(g["title"])}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{g["published"]}">{human_day(g["published"])}</time></a></span>{harbor_byline(w, ["Marcus Ibe"])}</div>
</header>
<div class="entry-content">
<p>Scenes from Saturday&rsquo;s lantern walk along the harbor promenade.</p>
<figure class="wp-block-gallery has-nested-images columns-3 is-cropped wp-block-gallery-1 is-layout-flex wp-block-gallery-is-layout-flex">
{figures}
</figure>
</div>
</article>
</main>"""
    return harbor_page(w, f"{esc(g['title'])} &#8211; Harbor Gazette", main, head=head,
                       body_class=f"post-template-default single single-post postid-{g['id']} "
                                  "single-format-gallery")


def harbor_soft404(w):
    o = w.origin
    main = f"""<main id="primary" class="site-main">
<section class="error-404 not-found">
<header class="page-header"><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></header>
<div class="page-content">
<p>It looks like nothing was found at this location. Maybe try one of the links below or a search?</p>
<form role="search" method="get" class="search-form" action="{o}/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label><input type="submit" class="search-submit" value="Search" /></form>
</div>
</section>
</main>"""
    return harbor_page(w, "Page not found &#8211; Harbor Gazette", main,
                       body_class="error404 hfeed", aside=True)


def harbor_listing(w, section, number, keys, last):
    o = w.origin
    by_key = articles_by_key(HARBOR)
    soft = HARBOR["non_articles"]["soft404"]
    teasers = []
    for key in keys:
        if key == "@soft404":
            # A deleted post still listed by a stale page cache: its page answers 200 with
            # the theme's "not found" template.
            teasers.append(harbor_teaser(w, {
                "id": 4640, "key": "ferry-winter", "section": "local",
                "path": soft["path"], "headline": "Ferry schedule changes for the winter season",
                "published": "2026-10-02T08:00:00-04:00", "authors": ["Marcus Ibe"],
                "tags": ["ferries"], "description": "The Islander and the Tern move to "
                "winter hours on Nov. 1."}))
        else:
            teasers.append(harbor_teaser(w, by_key[key]))
    base = f"{o}/category/{section}/"
    links = []
    if not last:
        links.append(f'<div class="nav-previous"><a href="{base}page/{number + 1}/">Older posts</a></div>')
    if number > 1:
        newer = base if number == 2 else f"{base}page/{number - 1}/"
        links.append(f'<div class="nav-next"><a href="{newer}">Newer posts</a></div>')
    label = HARBOR["sections"][section]
    canonical = base if number == 1 else f"{base}page/{number}/"
    head = f'<link rel="canonical" href="{canonical}" />\n'
    main = f"""<main id="primary" class="site-main">
<header class="page-header"><h1 class="page-title">Category: <span>{label}</span></h1></header>
{"".join(teasers)}
<nav class="navigation posts-navigation" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2><div class="nav-links">{"".join(links)}</div></nav>
</main>"""
    title = f"{label} &#8211; Harbor Gazette" if number == 1 else \
        f"{label} &#8211; Page {number} &#8211; Harbor Gazette"
    return harbor_page(w, title, main, head=head,
                       body_class=f"archive category category-{section} hfeed")


def harbor_archive(w, kind, slug, label, articles):
    """A tag or author archive: what WordPress serves at /tag/<slug>/ and /author/<slug>/."""
    o = w.origin
    title = {"tag": f"Tag: <span>{esc(label)}</span>",
             "author": f'Author: <span class="vcard">{esc(label)}</span>'}[kind]
    main = f"""<main id="primary" class="site-main">
<header class="page-header"><h1 class="page-title">{title}</h1></header>
{"".join(harbor_teaser(w, a) for a in articles)}
</main>"""
    head = f'<link rel="canonical" href="{o}/{kind}/{slug}/" />\n'
    body_class = f"archive {kind} {kind}-{slug} hfeed"
    return harbor_page(w, f"{esc(label)} &#8211; Harbor Gazette", main, head=head,
                       body_class=body_class)


def harbor_home(w):
    o = w.origin
    by_key = articles_by_key(HARBOR)
    g = HARBOR["non_articles"]["gallery"]
    blocks = []
    for section, label in HARBOR["sections"].items():
        keys = HARBOR["pages"][section][0]
        items = "".join(harbor_teaser(w, by_key[k], heading="h3") for k in keys)
        blocks.append(f'<section class="home-block home-block-{section}"><h2 class="home-block-title">'
                      f'<a href="{o}/category/{section}/">{label}</a></h2>{items}</section>')
    main = f"""<main id="primary" class="site-main">
<section class="home-feature"><article class="post-{g["id"]} post type-post format-gallery">
<a class="feature-image" href="{o}{g["path"]}"><img src="{o}/wp-content/uploads/2026/11/lantern-walk-1-1024x683.jpg" alt="" /></a>
<h2 class="entry-title"><a href="{o}{g["path"]}" rel="bookmark">{esc(g["title"])}</a></h2>
</article></section>
{"".join(blocks)}
</main>"""
    head = (f'<link rel="canonical" href="{o}/" />\n<meta property="og:type" content="website" />\n'
            f'<meta property="og:title" content="Harbor Gazette" />\n')
    return harbor_page(w, "Harbor Gazette &#8211; " + esc(HARBOR["tagline"]), main, head=head,
                       body_class="home page-template page-template-front-page page")


def harbor_feed(w, items):
    o = w.origin
    entries = []
    for a in items:
        cats = "".join(f"<category><![CDATA[{c}]]></category>"
                       for c in [HARBOR["sections"].get(a.get("section"), "Local")]
                       + a.get("tags", []))
        entries.append(f"""	<item>
		<title>{esc(a["headline"])}</title>
		<link>{o}{a["path"]}</link>
		<comments>{o}{a["path"]}#respond</comments>
		<dc:creator><![CDATA[{" and ".join(a["authors"])}]]></dc:creator>
		<pubDate>{rfc822(a["published"])}</pubDate>
		{cats}
		<guid isPermaLink="false">{o}/?p={a["id"]}</guid>
		<description><![CDATA[{a["description"]} [&#8230;]]]></description>
		<slash:comments>{1 if a.get("key") == "east-channel-dredging" else 0}</slash:comments>
	</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>Harbor Gazette</title>
	<atom:link href="{o}/feed/" rel="self" type="application/rss+xml" />
	<link>{o}</link>
	<description>{esc(HARBOR["tagline"])}</description>
	<lastBuildDate>{rfc822(items[0]["published"])}</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.7.1</generator>
{chr(10).join(entries)}
</channel>
</rss>
"""


def harbor_comments_feed(w):
    o = w.origin
    a = articles_by_key(HARBOR)["east-channel-dredging"]
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	>
<channel>
	<title>Comments for Harbor Gazette</title>
	<atom:link href="{o}/comments/feed/" rel="self" type="application/rss+xml" />
	<link>{o}</link>
	<description>{esc(HARBOR["tagline"])}</description>
	<lastBuildDate>Tue, 24 Nov 2026 09:12:00 -0500</lastBuildDate>
	<item>
		<title>Comment on {esc(a["headline"])} by Bill Turner</title>
		<link>{o}{a["path"]}#comment-231</link>
		<dc:creator><![CDATA[Bill Turner]]></dc:creator>
		<pubDate>Tue, 24 Nov 2026 09:12:00 -0500</pubDate>
		<guid isPermaLink="false">{o}/?p={a["id"]}#comment-231</guid>
		<description><![CDATA[About time. My boat sat on the bottom at the pier twice this fall.]]></description>
	</item>
</channel>
</rss>
"""


SITEMAP_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" '
                'href="{o}/wp-sitemap.xsl" ?>\n')


def urlset(urls, head=""):
    rows = "".join(f"<url><loc>{esc(u)}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "")
                   + "</url>" for u, m in urls)
    return (head or '<?xml version="1.0" encoding="UTF-8"?>\n') + \
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>\n'


def build_harbor():
    site = HARBOR
    w = Writer(site)
    o = w.origin
    for a in site["articles"]:
        a["published_at"] = a["published"]
        a["modified_at"] = a["modified"]
    ordered = newest_first(site)
    for i, a in enumerate(ordered):
        w.add(a["path"], harbor_article(w, a, ordered[i + 1] if i + 1 < len(ordered) else None))
    g = site["non_articles"]["gallery"]
    w.add(g["path"], harbor_gallery(w, g))
    w.add(site["non_articles"]["soft404"]["path"], harbor_soft404(w))
    w.add("/", harbor_home(w))
    # Served, though the URL heuristics never ask for them: refused if they were.
    w.add("/tag/ferries/", harbor_archive(w, "tag", "ferries", "ferries",
                                          [a for a in ordered if "ferries" in a["tags"]]))
    w.add("/author/dana-whitfield/", harbor_archive(
        w, "author", "dana-whitfield", "Dana Whitfield",
        [a for a in ordered if "Dana Whitfield" in a["authors"]]))
    listings = {}
    for section, pages in site["pages"].items():
        for n, keys in enumerate(pages, 1):
            path = f"/category/{section}/" if n == 1 else f"/category/{section}/page/{n}/"
            w.add(path, harbor_listing(w, section, n, keys, n == len(pages)))
            listings.setdefault(section, []).append(o + path)
    gallery_item = {"id": g["id"], "path": g["path"], "headline": g["title"],
                    "published": g["published"], "authors": ["Marcus Ibe"],
                    "description": "Scenes from Saturday\u2019s lantern walk.", "tags": [],
                    "section": "local"}
    feed_items = sorted(ordered[:6] + [gallery_item],
                        key=lambda a: datetime.fromisoformat(a["published"]), reverse=True)
    w.add("/feed/", harbor_feed(w, feed_items), "application/rss+xml; charset=UTF-8")
    w.add("/comments/feed/", harbor_comments_feed(w), "application/rss+xml; charset=UTF-8")
    # WordPress answers /rss with a permanent redirect to the feed.
    w.add("/rss", None, status=301, headers={"Location": f"{o}/feed/"})
    w.manifest["/rss"]["file"] = "rss-redirect.html"
    (w.root / "site" / "rss-redirect.html").write_text("", encoding="utf-8")
    w.add("/robots.txt", "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
          f"\nSitemap: {o}/wp-sitemap.xml\n", "text/plain; charset=utf-8")
    xml = "application/xml; charset=UTF-8"
    children = ["wp-sitemap-posts-post-1.xml", "wp-sitemap-posts-page-1.xml",
                "wp-sitemap-taxonomies-category-1.xml", "wp-sitemap-users-1.xml"]
    w.add("/wp-sitemap.xml", SITEMAP_HEAD.format(o=o)
          + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          + "".join(f"<sitemap><loc>{o}/{c}</loc></sitemap>" for c in children)
          + "</sitemapindex>\n", xml)
    posts = [(o + a["path"], a["modified"] or a["published"]) for a in ordered]
    posts.insert(2, (o + g["path"], g["published"]))
    head = SITEMAP_HEAD.format(o=o)
    w.add("/wp-sitemap-posts-post-1.xml", urlset(posts, head), xml)
    w.add("/wp-sitemap-posts-page-1.xml", urlset(
        [(f"{o}{p}", None) for p in ("/about/", "/contact/", "/subscribe/", "/privacy-policy/")],
        head), xml)
    w.add("/wp-sitemap-taxonomies-category-1.xml", urlset(
        [(f"{o}/category/{s}/", None) for s in site["sections"]], head), xml)
    w.add("/wp-sitemap-users-1.xml", urlset(
        [(f"{o}/author/{slug}/", None) for slug in site["authors"].values()], head), xml)
    expected = {
        "site": {"name": registrable_name(site["host"]), "host": site["host"], "origin": o,
                 "markup": "WordPress theme, OpenGraph and article:* meta, no JSON-LD"},
        "articles": [record(site, a, o) for a in ordered],
        "refused": {o + g["path"]: "no_text", o + site["non_articles"]["soft404"]["path"]:
                    "error_page"},
        "not_requested": [f"{o}/tag/ferries/", f"{o}/author/dana-whitfield/",
                          f"{o}/about/", f"{o}/tag/harbor-commission/"],
        # what the generic extraction says of the ones served, were they requested
        "refused_if_requested": {f"{o}/tag/ferries/": "listing",
                                 f"{o}/author/dana-whitfield/": "listing"},
        "sections": {s: {"label": site["sections"][s], "listing_pages": pages}
                     for s, pages in listings.items()},
        "nav_sections": ["category/local", "category/business"],
        "feeds": {"announced": [f"{o}/feed/", f"{o}/comments/feed/"], "redirect": f"{o}/rss"},
        "sitemaps": [f"{o}/wp-sitemap.xml"] + [f"{o}/{c}" for c in children],
    }
    return w, expected


# ------------------------------------------------------------------------ Northfield Tribune
def nf_page(w, title, main, *, head="", page="/", query=None, aside=""):
    nav = "".join(
        f'<li class="site-nav_item__c0Lp3"><a class="site-nav_link__4Fg2k" href="{href}">{label}</a></li>'
        for href, label in [("/", "Home"), ("/local", "Local"), ("/business", "Business"),
                            ("/sports", "Sports"), ("/newsletters", "Newsletters")])
    data = json.dumps({"props": {"pageProps": query or {}, "__N_SSP": True}, "page": page,
                       "query": {}, "buildId": "k9XcP2mVqR7sT1uW3yZ5a", "isFallback": False,
                       "gssp": True, "scriptLoader": []}, separators=(",", ":"))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><meta name="viewport" content="width=device-width"/><title>{title}</title>{head}<link rel="alternate" type="application/atom+xml" title="Northfield Tribune" href="/feeds/atom.xml"/><link rel="icon" href="/favicon.ico"/><link rel="preload" href="/_next/static/media/a34f9d1faa5f3315-s.p.woff2" as="font" type="font/woff2" crossorigin="anonymous"/><link rel="stylesheet" href="/_next/static/css/7a1c0d2e9b3f4a61.css" data-n-g=""/><noscript data-n-css=""></noscript><script defer="" nomodule="" src="/_next/static/chunks/polyfills-42372ed130431b0a.js"></script><script src="/_next/static/chunks/webpack-59c5c889f52620d6.js" defer=""></script><script src="/_next/static/chunks/framework-2c79e2a64abdb08b.js" defer=""></script><script src="/_next/static/chunks/main-0d3b8f4e2b0a6c1e.js" defer=""></script><script src="/_next/static/chunks/pages/_app-3c1f5e8d9a2b4c6e.js" defer=""></script><script src="/_next/static/k9XcP2mVqR7sT1uW3yZ5a/_buildManifest.js" defer=""></script></head><body><div id="__next"><div class="layout_root__Q1w2e"><header class="site-header_header__3kS9d"><div class="site-header_top__Zx8Lm"><a class="site-header_logo__Lm2Qa" href="/" aria-label="Northfield Tribune home"><span class="site-header_wordmark__p0V4s">Northfield Tribune</span></a><p class="site-header_date__T7hYw">Wednesday, November 25, 2026</p><a class="button_button__Hh5Rt button_primary__T2xVb" href="https://subscribe.northfield-tribune.example/?ref=header">Subscribe</a><a class="site-header_signin__Pp0Ue" href="/account/login">Sign in</a></div><nav class="site-nav_nav__8jR2a" aria-label="Sections"><ul class="site-nav_list__1XcVb">{nav}</ul></nav></header><div class="layout_columns__Fz1Ty"><main class="layout_main__Vb7Nm">{main}</main>{aside}</div><footer class="site-footer_footer__Aa1Kd"><div class="site-footer_links__Ux3Rf"><a href="/about">About us</a><a href="/contact">Contact</a><a href="/people">Our staff</a><a href="/rss">RSS feeds</a><a href="/privacy">Privacy policy</a><a href="/terms">Terms of use</a></div><p class="site-footer_copyright__Hq8Ze">© 2026 Northfield Tribune Media LLC. All rights reserved.</p></footer></div></div><script id="__NEXT_DATA__" type="application/json">{data}</script></body></html>
"""


def nf_most_read(w):
    by_key = articles_by_key(NORTHFIELD)
    items = "".join(f'<li class="most-read_item__Wd2Ns"><a href="{by_key[k]["path"]}">'
                    f'{esc(by_key[k]["headline"])}</a></li>' for k in ("hockey-rink", "nurse-hiring"))
    return (f'<aside class="layout_rail__Mn4Bc"><section class="most-read_mostRead__Kp8Xz">'
            f'<h2>Most read</h2><ol>{items}</ol></section></aside>')


def nf_card(a, big=False):
    who = " and ".join(f'<a href="/people/{NORTHFIELD["authors"][n]}">{esc(n)}</a>'
                       for n in a.get("authors", []))
    label = NORTHFIELD["sections"].get(a.get("section"), "")
    heading = "h2" if big else "h3"
    kind = "story-card_lead__R4tYu" if big else "story-card_card__Hn8Qe"
    return (f'<div class="{kind}"><a class="story-card_imageLink__D3sWq" href="{a["path"]}" tabindex="-1">'
            f'<img alt="" loading="lazy" width="400" height="267" decoding="async" '
            f'src="https://images.northfield-tribune.example/2026/11/{a["key"]}.jpg?w=400"/></a>'
            f'<div class="story-card_text__Bv5Lp">'
            + (f'<a class="story-card_kicker__ZxP1o" href="/{a["section"]}">{label}</a>' if label else "")
            + f'<{heading} class="story-card_headline__S1mNa"><a href="{a["path"]}">{esc(a["headline"])}</a></{heading}>'
            + (f'<p class="story-card_dek__Qw2Er">{esc(a["description"])}</p>' if a.get("description") else "")
            + (f'<div class="story-card_meta__E9rTy">{who}</div>' if who else "")
            + "</div></div>")


def nf_nonarticle(key):
    n = NORTHFIELD["non_articles"][key]
    if key == "@soft404" or key == "soft404":
        return {"key": "recount", "path": NORTHFIELD["non_articles"]["soft404"]["path"],
                "headline": "School board recount results released", "section": "local",
                "description": "", "authors": []}
    return {"key": key, "path": n["path"], "headline": n["title"], "section": "local",
            "description": "", "authors": []}


def nf_article(w, a):
    o = w.origin
    url = o + a["path"]
    label = NORTHFIELD["sections"][a["section"]]
    image = f"https://images.northfield-tribune.example/2026/11/{a['key']}.jpg?w=1200"
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": a["headline"], "description": a["description"],
        "image": [{"@type": "ImageObject", "url": image, "width": 1200, "height": 800}],
        "datePublished": utc(a["published"]),
    }
    if a["modified"]:
        ld["dateModified"] = utc(a["modified"])
    ld.update({
        "author": [{"@type": "Person", "name": n,
                    "url": f"{o}/people/{NORTHFIELD['authors'][n]}"} for n in a["authors"]],
        "publisher": {"@type": "NewsMediaOrganization", "name": "Northfield Tribune",
                      "logo": {"@type": "ImageObject", "url": f"{o}/logo-600x60.png"}},
        "articleSection": label, "keywords": a["tags"], "isAccessibleForFree": True,
    })
    head = (f'<meta name="description" content="{esc(a["description"])}"/>'
            f'<link rel="canonical" href="{url}"/>'
            f'<meta property="og:title" content="{esc(a["headline"])}"/>'
            f'<meta property="og:description" content="{esc(a["description"])}"/>'
            f'<meta property="og:url" content="{url}"/><meta property="og:type" content="article"/>'
            f'<meta property="og:site_name" content="Northfield Tribune"/>'
            f'<meta property="og:image" content="{esc(image)}"/>'
            f'<meta name="twitter:card" content="summary_large_image"/>'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    byline = " and ".join(f'<a class="byline_author__Jk0Wq" href="/people/{NORTHFIELD["authors"][n]}">'
                          f"{esc(n)}</a>" for n in a["authors"])
    published = datetime.fromisoformat(a["published"])
    shown = f"{published:%b}. {published.day}, {published.year}"
    updated = ""
    if a["modified"]:
        updated = (f'<span class="article-header_updated__P3nMb">Updated <time dateTime="'
                   f'{utc(a["modified"])}">{shown}</time></span>')
    ps = [f'<p class="article-body_paragraph__Lk2Wd">{esc(p)}</p>' for p in a["paragraphs"]]
    ps.insert(2, '<div class="ad-slot_adSlot__1QxTr" data-ad-unit="/2218/northfield/inline1">'
                 '<span class="ad-slot_label__N0aPq">Advertisement</span></div>')
    ps.insert(4, '<aside class="newsletter-promo_promo__7HhKd"><h2 class="newsletter-promo_title__Bc3">'
                 "Get the Morning Briefing</h2><p>Top Northfield stories in your inbox every weekday "
                 'morning.</p><a class="button_button__Hh5Rt" href="/newsletters">Sign up</a></aside>')
    others = [r for r in NORTHFIELD["articles"] if r["section"] == a["section"] and r is not a]
    related = "".join(f'<li><a href="{r["path"]}">{esc(r["headline"])}</a></li>'
                      for r in others[:3])
    caption = f"{a['description']}"
    main = f"""<article class="article_article__7Gh2k"><header class="article-header_header__Lw3Xy"><a class="article-header_section__K8sDf" href="/{a["section"]}">{label}</a><h1 class="article-header_headline__x9Jq2">{esc(a["headline"])}</h1><p class="article-header_dek__2DfGh">{esc(a["description"])}</p><div class="byline_byline__Ys4Tu"><span class="byline_by__M1kLo">By</span> {byline}</div><div class="article-header_meta__R5vBn"><time dateTime="{utc(a["published"])}">{shown}</time>{updated}</div></header><figure class="lead-image_figure__9AbCd"><img alt="" fetchpriority="high" width="1200" height="800" decoding="async" src="{esc(image)}"/><figcaption class="lead-image_caption__C2eFg">{esc(caption)} <span class="lead-image_credit__V8hIj">Northfield Tribune</span></figcaption></figure><div class="share-bar_share__F4kLm"><button type="button" aria-label="Share on Facebook">Facebook</button><button type="button" aria-label="Share by email">Email</button><button type="button">Copy link</button></div><div class="article-body_body__Xy12Za" data-testid="article-body">{"".join(ps)}</div><section class="related-stories_related__9JkLm"><h2>More from {label}</h2><ul>{related}</ul></section></article>"""
    return nf_page(w, f"{esc(a['headline'])} | Northfield Tribune", main, head=head,
                   page="/[section]/[slug]",
                   query={"article": {"id": a["id"], "section": a["section"]}},
                   aside=nf_most_read(w))


def nf_gallery(w, g):
    o = w.origin
    url = o + g["path"]
    captions = ["Sledders on the hill behind the Commons bandshell.",
                "A city plow clears Division Street before dawn.",
                "Snow settles on the statue of Mayor Ingrid Holm.",
                "Students from Carver College build a snow fort on the green.",
                "The first skaters test the ice at Mill Pond."]
    ld = {"@context": "https://schema.org", "@type": "ImageGallery", "name": g["title"],
          "datePublished": utc(g["published"]),
          "image": [{"@type": "ImageObject", "caption": c,
                     "url": f"https://images.northfield-tribune.example/2026/11/snow-{i}.jpg"}
                    for i, c in enumerate(captions, 1)]}
    head = (f'<link rel="canonical" href="{url}"/><meta property="og:type" content="article"/>'
            f'<meta property="og:title" content="{esc(g["title"])}"/>'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    slides = "".join(
        f'<figure class="gallery_slide__Pq9Rs"><img alt="" loading="lazy" width="1200" height="800" '
        f'src="https://images.northfield-tribune.example/2026/11/snow-{i}.jpg?w=1200"/>'
        f'<figcaption class="gallery_caption__Tt1Uv">{esc(c)} <span class="gallery_credit__W2x">'
        f"Grace Lindqvist / Northfield Tribune</span></figcaption></figure>"
        for i, c in enumerate(captions, 1))
    main = (f'<div class="gallery_gallery__Ab3Cd"><h1 class="gallery_title__Ef5Gh">{esc(g["title"])}</h1>'
            f'<p class="gallery_count__Ij7Kl">5 photos</p>{slides}</div>')
    return nf_page(w, f"{esc(g['title'])} | Northfield Tribune", main, head=head,
                   page="/photos/[slug]")


def nf_hub(w, h):
    o = w.origin
    url = o + h["path"]
    by_key = articles_by_key(NORTHFIELD)
    ld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": h["title"],
          "url": url}
    head = (f'<link rel="canonical" href="{url}"/><meta property="og:type" content="website"/>'
            f'<meta property="og:title" content="{esc(h["title"])}"/>'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    cards = "".join(nf_card(by_key[k]) for k in ("warming-center", "river-road-bridge"))
    main = (f'<div class="topic_topic__Mn1Op"><h1 class="topic_title__Qr3St">{esc(h["title"])}</h1>'
            f'<p class="topic_intro__Uv5Wx">All of our coverage of the storm, with the latest '
            f"closings.</p>{cards}</div>")
    return nf_page(w, f"{esc(h['title'])} | Northfield Tribune", main, head=head,
                   page="/[section]/[slug]")


def nf_person(w, name):
    """A staff profile: a short bio and the reporter's latest stories."""
    o = w.origin
    slug = NORTHFIELD["authors"][name]
    url = f"{o}/people/{slug}"
    stories = [a for a in newest_first(NORTHFIELD) if name in a["authors"]]
    ld = {"@context": "https://schema.org", "@type": "ProfilePage", "url": url,
          "mainEntity": {"@type": "Person", "name": name, "jobTitle": "City hall reporter",
                         "worksFor": {"@type": "NewsMediaOrganization",
                                      "name": "Northfield Tribune"}}}
    head = (f'<link rel="canonical" href="{url}"/><meta property="og:type" content="profile"/>'
            f'<meta property="og:title" content="{esc(name)}"/>'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    main = (f'<div class="profile_profile__Gh6Ij"><h1 class="profile_name__Kl7Mn">{esc(name)}</h1>'
            f'<p class="profile_title__Op8Qr">City hall reporter</p><p class="profile_bio__St9Uv">'
            f"{esc(name)} covers city hall, the county board and transportation for the Tribune. "
            "She joined the paper in 2021 after five years at the Carver County Courier.</p>"
            f'<h2>Latest from {esc(name.split()[0])}</h2>'
            f'<div class="story-list_list__Gg3Hj">{"".join(nf_card(a) for a in stories)}</div></div>')
    return nf_page(w, f"{esc(name)} | Northfield Tribune", main, head=head,
                   page="/people/[slug]")


def nf_soft404(w):
    main = ('<div class="not-found_notFound__Yz1Ab"><h1>We can\u2019t find that page</h1>'
            "<p>The story may have been moved or removed. Try searching, or head to our "
            '<a href="/">home page</a>.</p></div>')
    return nf_page(w, "Page not found | Northfield Tribune", main, page="/404")


def nf_listing(w, section, number, keys, last):
    by_key = articles_by_key(NORTHFIELD)
    cards = "".join(nf_card(nf_nonarticle(k[1:]) if k.startswith("@") else by_key[k])
                    for k in keys)
    pager = []
    if number > 1:
        pager.append(f'<a class="pagination_prev__Lm2No" href="/{section}'
                     + (f"?page={number - 1}" if number > 2 else "") + '">Previous page</a>')
    if not last:
        pager.append(f'<a class="pagination_next__B1cDe" href="/{section}?page={number + 1}">'
                     "Next page</a>")
    label = NORTHFIELD["sections"][section]
    url = f"{w.origin}/{section}" + (f"?page={number}" if number > 1 else "")
    head = (f'<link rel="canonical" href="{url}"/><meta property="og:type" content="website"/>'
            f'<meta property="og:title" content="{label} | Northfield Tribune"/>')
    main = (f'<h1 class="section-header_title__W2eRt">{label}</h1><div class="story-list_list__Gg3Hj">'
            f'{cards}</div><nav class="pagination_pagination__U7vWx" aria-label="Pagination">'
            f'{"".join(pager)}</nav>')
    return nf_page(w, f"{label} | Northfield Tribune", main, head=head, page="/[section]",
                   aside=nf_most_read(w))


def nf_home(w):
    by_key = articles_by_key(NORTHFIELD)
    lead = nf_card(by_key["transit-levy"], big=True)
    top = "".join(nf_card(by_key[k]) for k in ("warming-center", "grain-elevator",
                                               "volleyball-title"))
    top += nf_card(nf_nonarticle("topic-hub"))
    latest = "".join(nf_card(by_key[k]) for k in ("elm-library", "bakery-bank"))
    photo = nf_card(nf_nonarticle("gallery") | {"key": "snow-1"})
    main = (f'<section class="home_lead__Ab1Cd">{lead}</section><section class="home_top__Ef2Gh">'
            f'<h2>Top stories</h2>{top}</section><section class="home_latest__Ij3Kl"><h2>Latest</h2>'
            f'{latest}</section><section class="home_photos__Mn4Op"><h2>Photos</h2>{photo}</section>')
    head = (f'<link rel="canonical" href="{w.origin}/"/><meta property="og:type" content="website"/>'
            f'<meta property="og:title" content="Northfield Tribune"/>')
    return nf_page(w, "Northfield Tribune | Local news for Northfield and Carver County", main,
                   head=head, aside=nf_most_read(w))


def nf_atom(w, items):
    o = w.origin
    entries = "".join(f"""
  <entry>
    <title>{esc(a["headline"])}</title>
    <link href="{o}{a["path"]}" rel="alternate" type="text/html"/>
    <id>tag:news.northfield-tribune.example,2026:article/{a["id"]}</id>
    <published>{utc(a["published"])}</published>
    <updated>{utc(a["modified"] or a["published"])}</updated>
    {"".join(f"<author><name>{esc(n)}</name></author>" for n in a["authors"])}
    <category term="{NORTHFIELD["sections"][a["section"]]}"/>
    <summary type="html">{esc(a["description"])}</summary>
  </entry>""" for a in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Northfield Tribune</title>
  <subtitle>{esc(NORTHFIELD["tagline"])}</subtitle>
  <link href="{o}/feeds/atom.xml" rel="self" type="application/atom+xml"/>
  <link href="{o}/" rel="alternate" type="text/html"/>
  <id>{o}/</id>
  <updated>{utc(items[0]["modified"] or items[0]["published"])}</updated>
  <generator>northfield-web</generator>{entries}
</feed>
"""


def nf_news_sitemap(w, items):
    o = w.origin
    rows = "".join(
        f"<url><loc>{o}{a['path']}</loc><news:news><news:publication><news:name>Northfield "
        f"Tribune</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{utc(a['published'])}</news:publication_date>"
        f"<news:title>{esc(a['headline'])}</news:title></news:news></url>" for a in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{rows}</urlset>\n")


def build_northfield():
    site = NORTHFIELD
    w = Writer(site)
    o = w.origin
    for a in site["articles"]:
        a["published_at"] = utc_iso(a["published"])
        a["modified_at"] = a["modified"] and utc_iso(a["modified"])
    ordered = newest_first(site)
    for a in ordered:
        w.add(a["path"], nf_article(w, a))
    na = site["non_articles"]
    w.add(na["gallery"]["path"], nf_gallery(w, na["gallery"]))
    w.add(na["topic-hub"]["path"], nf_hub(w, na["topic-hub"]))
    w.add(na["soft404"]["path"], nf_soft404(w))
    w.add("/", nf_home(w))
    # Served, though the URL heuristics never ask for it: refused if it were.
    w.add("/people/marta-okonkwo", nf_person(w, "Marta Okonkwo"))
    listings = {}
    for section, pages in site["pages"].items():
        for n, keys in enumerate(pages, 1):
            path = f"/{section}" if n == 1 else f"/{section}?page={n}"
            w.add(path, nf_listing(w, section, n, keys, n == len(pages)))
            listings.setdefault(section, []).append(o + path)
    w.add("/feeds/atom.xml", nf_atom(w, ordered[:6]), "application/atom+xml; charset=utf-8")
    w.add("/rss", nf_page(w, "RSS feeds | Northfield Tribune",
                          '<h1>RSS feeds</h1><p>Follow the Northfield Tribune in your feed reader: '
                          f'<a href="{o}/feeds/atom.xml">all stories</a>.</p>', page="/rss"))
    w.add("/robots.txt", "User-agent: *\nAllow: /\nDisallow: /account/\nDisallow: /api/\n"
          "Disallow: /search\n\nUser-agent: GPTBot\nDisallow: /\n\n"
          f"Sitemap: {o}/sitemap.xml\nSitemap: {o}/news-sitemap.xml\n",
          "text/plain; charset=utf-8")
    xml = "application/xml; charset=utf-8"
    urls = [(o + "/", None)] + [(f"{o}/{s}", None) for s in site["sections"]]
    urls += [(o + a["path"], utc(a["modified"] or a["published"])) for a in ordered]
    urls += [(o + na["gallery"]["path"], utc(na["gallery"]["published"])),
             (o + na["topic-hub"]["path"], None)]
    w.add("/sitemap.xml", urlset(urls), xml)
    recent = [a for a in ordered if a["published"] >= "2026-11-23T12:00"]
    w.add("/news-sitemap.xml", nf_news_sitemap(w, recent), xml)
    expected = {
        "site": {"name": registrable_name(site["host"]), "host": site["host"], "origin": o,
                 "markup": "Next.js server-rendered, JSON-LD NewsArticle, UTC dates"},
        "articles": [record(site, a, o) for a in ordered],
        "refused": {o + na["gallery"]["path"]: "gallery", o + na["topic-hub"]["path"]: "listing",
                    o + na["soft404"]["path"]: "error_page"},
        "not_requested": [f"{o}/people/marta-okonkwo", f"{o}/newsletters",
                          f"{o}/account/login", f"{o}/about"],
        "refused_if_requested": {f"{o}/people/marta-okonkwo": "listing"},
        "sections": {s: {"label": site["sections"][s], "listing_pages": pages}
                     for s, pages in listings.items()},
        "nav_sections": list(site["sections"]),
        "feeds": {"announced": [f"{o}/feeds/atom.xml"], "not_a_feed": f"{o}/rss"},
        "sitemaps": [f"{o}/sitemap.xml", f"{o}/news-sitemap.xml"],
    }
    return w, expected


def build():
    counts = {}
    for make in (build_harbor, build_northfield):
        site = HARBOR if make is build_harbor else NORTHFIELD
        root = GENERIC_DIR / site["name"]
        if root.exists():
            shutil.rmtree(root)
        w, expected = make()
        w.finish(expected)
        counts[site["name"]] = len(w.manifest)
    return counts


if __name__ == "__main__":
    print(" ".join(f"{k}={v}" for k, v in build().items()))
