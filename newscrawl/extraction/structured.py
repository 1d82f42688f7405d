"""What a page states about itself in machine-readable form: JSON-LD, OpenGraph and other
``<meta>`` tags, microdata. Read once per page into a ``Structured``; each reader is a small
pure function of the parsed page's parts.

Why all of them: every CMS fills a different subset (WordPress plugins write JSON-LD and
OpenGraph, Parse.ly sites ``parsely-*``, Sailthru sites ``sailthru.*``, scholarly and some
newspaper CMSs ``dc.*`` / ``citation_*``, older templates only microdata), and what one leaves
out another often has. The generic reading (``extraction.generic``) decides between them.
"""

import json
import re
from dataclasses import dataclass, field

from lxml import etree

# schema.org types that are an article (JSON-LD may also hold Organization, WebPage, ...).
ARTICLE_TYPES = frozenset({
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
    "Report", "LiveBlogPosting", "TechArticle", "ScholarlyArticle", "SatiricalArticle",
    "AskPublicNewsArticle", "Review", "SocialMediaPosting", "AdvertiserContentArticle",
})
# Types that say the page is a list of things or a site's front, not one article.
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage",
                           "ImageGallery", "MediaGallery"})
ORGANIZATION_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation",
                                "WebSite", "Brand", "EducationalOrganization"})

# Meta names per field, best first. Keys are lowercased (``specs.read_head`` lowercases).
META_HEADLINE = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title",
                 "citation_title", "headline", "title")
META_AUTHORS = ("author", "article:author", "parsely-author", "sailthru.author",
                "dc.creator", "citation_author", "byl", "byline", "dcterms.creator",
                "twitter:creator:name")
META_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished",
                  "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.created",
                  "dc.date", "citation_publication_date", "citation_date", "publish-date",
                  "publishdate", "pubdate", "date", "article.published", "og:published_time",
                  "published_time", "article_date_original", "cxenseparse:recs:publishtime",
                  "release_date", "dcterms.date", "datecreated", "originalpublicationdate")
META_MODIFIED = ("article:modified_time", "og:article:modified_time", "datemodified",
                 "og:updated_time", "dcterms.modified", "article.updated", "last-modified",
                 "lastmod", "modified_time")
META_SECTION = ("article:section", "parsely-section", "og:article:section", "section",
                "article.section", "cxenseparse:pageclass")
META_TAGS = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags",
             "og:article:tag")
META_DESCRIPTION = ("description", "og:description", "twitter:description", "dc.description")
META_SITE_NAME = ("og:site_name", "application-name", "apple-mobile-web-app-title",
                  "twitter:site", "publisher", "dc.publisher", "citation_publisher")
META_LANGUAGE = ("og:locale", "content-language", "language", "dc.language", "inlanguage")
META_IMAGE = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
              "twitter:image:src")


@dataclass
class Structured:
    """The article's fields as the page's structured data gives them, best source first.

    Lists hold (source, value) candidates in priority order: JSON-LD, then meta, then
    microdata. ``organizations`` are names that are not people (publisher, site)."""

    article: dict = field(default_factory=dict)
    types: set = field(default_factory=set)
    headline: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    published: list = field(default_factory=list)
    modified: list = field(default_factory=list)
    section: list = field(default_factory=list)
    breadcrumbs: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    description: list = field(default_factory=list)
    site_names: list = field(default_factory=list)
    organizations: set = field(default_factory=set)
    language: list = field(default_factory=list)
    images: list = field(default_factory=list)
    article_body: str = ""
    free: object = None
    og_type: str = ""


# --- JSON-LD ------------------------------------------------------------------------------------
def json_ld_nodes(blocks):
    """Every object of the page's JSON-LD blocks (lists, ``@graph`` and nested values
    flattened), in document order. Blocks that are not valid JSON are tried once more with
    the control characters CMSs leave in them removed."""
    nodes = []
    for raw in blocks:
        data = _loads(raw)
        if data is None:
            continue
        stack = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack[:0] = node
            elif isinstance(node, dict):
                nodes.append(node)
                graph = node.get("@graph")
                if isinstance(graph, list):
                    stack[:0] = graph
                main = node.get("mainEntity")
                if isinstance(main, dict | list):
                    stack.append(main)
    return nodes


def _loads(raw):
    try:
        return json.loads(raw)
    except ValueError:
        pass
    try:  # raw newlines and tabs inside strings are the usual breakage
        return json.loads(re.sub(r"[\x00-\x1f]+", " ", raw))
    except ValueError:
        return None


def types_of(node):
    value = node.get("@type")
    if isinstance(value, list):
        return {t for t in value if isinstance(t, str)}
    return {value} if isinstance(value, str) else set()


def article_node(nodes):
    """The page's article among its JSON-LD objects: of the article-typed ones, the one with
    a headline and a body if there is one, else the first with a headline, else the first."""
    articles = [n for n in nodes if types_of(n) & ARTICLE_TYPES]
    for wanted in (("headline", "articleBody"), ("headline",), ()):
        for node in articles:
            if all(node.get(key) for key in wanted):
                return node
    return {}


def ld_names(value, person_only=True, by_id=None):
    """Names in a JSON-LD ``author``/``creator``/``publisher`` value (object, list, string).
    A reference (``{"@id": ...}``, as Yoast writes authors) is looked up in ``by_id``."""
    if value is None:
        return []
    if isinstance(value, list):
        return [name for v in value for name in ld_names(v, person_only, by_id)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and by_id and set(value) == {"@id"}:
        value = by_id.get(value["@id"], value)
    if isinstance(value, dict):
        kinds = types_of(value)
        if person_only and kinds and "Person" not in kinds:
            return []
        name = value.get("name")
        if isinstance(name, list):
            name = " ".join(n for n in name if isinstance(n, str))
        return [name] if isinstance(name, str) else []
    return []


def ld_text(value):
    """A JSON-LD value that should be text: a string, the first string of a list, or the
    ``name``/``@value`` of an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return next((t for t in map(ld_text, value) if t), None)
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("@value"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def ld_images(value):
    if value is None:
        return []
    if isinstance(value, list):
        return [i for v in value for i in ld_images(v)]
    if isinstance(value, str):
        return [{"url": value, "caption": None, "credit": None}]
    if isinstance(value, dict):
        url = ld_text(value.get("url") or value.get("contentUrl"))
        if not url:
            return []
        return [{"url": url, "caption": ld_text(value.get("caption") or value.get("description")),
                 "credit": ld_text(value.get("creditText") or value.get("copyrightHolder")
                                   or value.get("author"))}]
    return []


def breadcrumb_names(nodes):
    """The names of the page's BreadcrumbList, without the first when it is "Home"."""
    for node in nodes:
        if "BreadcrumbList" not in types_of(node):
            continue
        items = node.get("itemListElement")
        items = items if isinstance(items, list) else []

        def position(item):
            try:
                return int(item.get("position", 0))
            except (TypeError, ValueError):
                return 0
        names = []
        for item in sorted((i for i in items if isinstance(i, dict)), key=position):
            name = ld_text(item.get("name")) or ld_text(item.get("item"))
            if name and not name.startswith("http"):
                names.append(name)
        return names
    return []


# --- microdata ----------------------------------------------------------------------------------
_ITEMPROP = etree.XPath("//*[@itemprop]")
_ITEMPROP_NAME = etree.XPath(".//*[@itemprop='name']")


def microdata(root):
    """{itemprop: [value, ...]} for the article properties a page's microdata marks: a value
    is the ``content``/``datetime`` attribute, else the element's text; an ``author`` item's
    value is its ``name``."""
    out = {}
    for node in _ITEMPROP(root):
        for prop in (node.get("itemprop") or "").split():
            if prop not in ("headline", "name", "author", "datePublished", "dateModified",
                            "articleSection", "keywords", "articleBody", "creator"):
                continue
            if prop in ("author", "creator") and node.get("content") is None:
                names = _ITEMPROP_NAME(node)
                value = (names[0].get("content") or names[0].text_content()) if names \
                    else node.text_content()
            elif prop == "articleBody":
                value = node
            else:
                value = (node.get("content") or node.get("datetime")
                         or node.text_content())
            if value is not None:
                out.setdefault(prop, []).append(value)
    return out


# --- everything together ------------------------------------------------------------------------
def _meta_values(meta, names):
    return [(f"meta:{name}", v) for name in names for v in meta.get(name, ()) if v and v.strip()]


def read_structured(page):
    """A ``Structured`` from a ``specs.Page`` (its meta, links and JSON-LD already read)."""
    nodes = json_ld_nodes(page.json_ld)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}
    ld = article_node(nodes)
    meta = page.meta
    s = Structured(article=ld)
    for node in nodes:
        s.types |= types_of(node)
        if types_of(node) & ORGANIZATION_TYPES:
            s.organizations.update(n for n in ld_names(node, person_only=False) if n)
    s.og_type = (meta.get("og:type") or [""])[0].strip().lower()

    def add(target, source, value):
        if isinstance(value, str) and value.strip():
            target.append((source, value))

    add(s.headline, "json-ld", ld_text(ld.get("headline")))
    add(s.headline, "json-ld", ld_text(ld.get("name")))
    s.headline += _meta_values(meta, META_HEADLINE)
    for name in ld_names(ld.get("author"), by_id=by_id) + ld_names(ld.get("creator"),
                                                                     by_id=by_id):
        add(s.authors, "json-ld", name)
    s.authors += _meta_values(meta, META_AUTHORS)
    add(s.published, "json-ld", ld_text(ld.get("datePublished")))
    add(s.published, "json-ld", ld_text(ld.get("dateCreated")))
    s.published += _meta_values(meta, META_PUBLISHED)
    add(s.modified, "json-ld", ld_text(ld.get("dateModified")))
    s.modified += _meta_values(meta, META_MODIFIED)
    section = ld.get("articleSection")
    for value in section if isinstance(section, list) else [section]:
        add(s.section, "json-ld", ld_text(value))
    s.section += _meta_values(meta, META_SECTION)
    s.breadcrumbs = breadcrumb_names(nodes)
    keywords = ld.get("keywords")
    for value in keywords if isinstance(keywords, list) else [keywords]:
        add(s.tags, "json-ld", ld_text(value))
    s.tags += _meta_values(meta, META_TAGS)
    add(s.description, "json-ld", ld_text(ld.get("description")))
    s.description += _meta_values(meta, META_DESCRIPTION)
    for name in ld_names(ld.get("publisher"), person_only=False, by_id=by_id):
        s.organizations.add(name)
        add(s.site_names, "json-ld", name)
    s.site_names += _meta_values(meta, META_SITE_NAME)
    s.organizations.update(v for _, v in s.site_names)
    add(s.language, "json-ld", ld_text(ld.get("inLanguage")))
    s.language += _meta_values(meta, META_LANGUAGE)
    s.images = ld_images(ld.get("image")) + [
        {"url": v, "caption": None, "credit": None} for _, v in _meta_values(meta, META_IMAGE)]
    body = ld.get("articleBody")
    s.article_body = body if isinstance(body, str) else ""
    s.free = ld.get("isAccessibleForFree")

    # Microdata last: pages with it usually have the rest too; it fills what they lack.
    if not ld:
        items = microdata(page.root)
        for value in items.get("headline", []):
            add(s.headline, "microdata", value)
        for value in items.get("author", []) + items.get("creator", []):
            add(s.authors, "microdata", value)
        for value in items.get("datePublished", []):
            add(s.published, "microdata", value)
        for value in items.get("dateModified", []):
            add(s.modified, "microdata", value)
        for value in items.get("articleSection", []):
            add(s.section, "microdata", value)
        for value in items.get("keywords", []):
            add(s.tags, "microdata", value)
        bodies = items.get("articleBody", [])
        if bodies and not s.article_body:
            s.article_body = bodies[0].text_content()
    return s
