"""One article page in, one ArticleItem out (before the cleaning pipeline).

Shared by the crawl (``newscrawl.spiders.base.SectionSpider.parse_article``), ``scrapy
extract`` and the benchmark, so a saved page gives exactly what the crawl gives. The site's
selectors are data (``newscrawl.sites``); the order of sources is the rule here:
machine-readable first (JSON-LD, meta, ``time[datetime]``), then visible text, then the URL.

Pages that are not articles raise ``NotAnArticle`` with a short ``reason`` (the stats key):
``botwall`` (a "Just a moment..." challenge), ``truncated`` (no ``</html>``: the body was cut),
``empty``, ``not_html``, ``unknown_site``, ``not_article`` (no article body).
"""

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urldefrag

from parsel import Selector

from newscrawl import dates
from newscrawl.items import ArticleItem
from newscrawl.loaders import ArticleLoader
from newscrawl.processors import caption_credit, clean_text, language_code
from newscrawl.sites import site_for_url
from newscrawl.urls import normalize_url

logger = logging.getLogger(__name__)

# schema.org types that are an article (JSON-LD may also hold Organization, WebPage, ...).
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "BackgroundNewsArticle", "BlogPosting", "Report"}
# Pages above this are refused (the crawl's DOWNLOAD_MAXSIZE is 16 MiB too): a 50 MB saved
# page given to `scrapy extract` would otherwise become a 50 MB record.
MAX_PAGE_BYTES = 16 * 1024 * 1024
# Only the tail is searched for </html>: pages end with it, scripts in the middle may quote it.
TAIL = 4096


class NotAnArticle(Exception):
    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def select(sel, spec):
    """Strings a selector spec gives: CSS (``::text``/``::attr`` or an element's whole text) or
    ``xpath:...`` (nodes or a string expression)."""
    if spec.startswith("xpath:"):
        results = sel.xpath(spec[len("xpath:"):])
    else:
        results = sel.css(spec)
    out = []
    for result in results:
        if isinstance(result.root, str):
            out.append(result.root)
        else:
            out.append(result.xpath("string()").get())
    return [value for value in out if value and value.strip()]


def select_first(sel, specs):
    """The values of the first spec (in priority order) that gives any."""
    for spec in specs:
        values = select(sel, spec)
        if values:
            return values
    return []


def json_ld_article(sel):
    """The page's schema.org article object from its JSON-LD blocks, or {}."""
    for raw in sel.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if not isinstance(node, dict):
                continue
            if "@graph" in node and isinstance(node["@graph"], list):
                stack.extend(node["@graph"])
            types = node.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & ARTICLE_TYPES:
                return node
    return {}


def ld_people(author):
    """Names of the Person authors in a JSON-LD ``author`` (object, list or plain string)."""
    if author is None:
        return []
    if isinstance(author, list):
        return [name for a in author for name in ld_people(a)]
    if isinstance(author, str):
        return [author]
    if isinstance(author, dict) and author.get("@type", "Person") == "Person":
        name = author.get("name")
        return [name] if isinstance(name, str) else []
    return []


def check_page(response, site):
    """Raise NotAnArticle for what is not an article page worth reading."""
    body = response.body or b""
    if len(body) > MAX_PAGE_BYTES:
        raise NotAnArticle("too_large", f"{len(body)} bytes, above {MAX_PAGE_BYTES}")
    if not hasattr(response, "text"):
        if not body.strip():
            raise NotAnArticle("empty", f"empty body (HTTP {response.status})")
        raise NotAnArticle("not_html", response.headers.get("Content-Type", b"").decode(
            "latin-1"))
    # Decoded text, not bytes: a UTF-16 page has no b"</html>" in it.
    text = response.text
    if not text.strip().strip("\ufeff\x00"):
        raise NotAnArticle("empty", f"empty body (HTTP {response.status})")
    if any(marker in text[:TAIL * 4] for marker in site.botwall_markers):
        raise NotAnArticle("botwall", f"bot wall (HTTP {response.status})")
    if response.status >= 400:
        raise NotAnArticle("http_error", f"HTTP {response.status}")
    if "</html>" not in text[-TAIL:].lower():
        raise NotAnArticle("truncated", f"no </html> in {len(body)} bytes")


def image_of(node, base_url):
    url = node.xpath("@href").get() or node.xpath(".//img/@src").get()
    if not url:
        return None
    caption = node.xpath("@data-fresco-caption").get()
    if not caption:
        caption = (node.xpath("following-sibling::p[contains(@class,'flex-caption')][1]")
                   .xpath("string()").get() or node.xpath(".//img/@alt").get())
    text, credit = caption_credit(caption)
    return {"url": response_join(base_url, url), "caption": text, "credit": credit}


def response_join(base, url):
    from urllib.parse import urljoin

    return urljoin(base, url.strip())


def read_dates(sel, ld, site, url, fetched_at):
    """(published, published_raw, date_source, modified) with the machine-readable first."""
    published_candidates = [
        ("json-ld", ld.get("datePublished")),
        ("meta", sel.css("meta[property='article:published_time']::attr(content)").get()),
        ("meta", sel.css("meta[itemprop=datePublished]::attr(content)").get()),
        ("meta", sel.css("meta[property='DC.date.issued']::attr(content)").get()),
        ("meta", sel.css("meta[name='DC.date.issued']::attr(content)").get()),
        ("time-element", sel.css("article time[datetime]::attr(datetime)").get()),
    ]
    published_candidates += [("text", v) for v in select_first(
        sel, site.selectors.get("published_text", ()))[:1]]
    published_candidates.append(("url", url))
    context = {"language": site.language, "timezone": site.timezone,
               "relative_base": fetched_at}
    published = raw = source = None
    for candidate_source, text in published_candidates:
        if not text or not isinstance(text, str):
            continue
        value = dates.parse_date(text, source=candidate_source, **context)
        if value is not None:
            published, raw, source = value, text.strip(), candidate_source
            break
    modified = None
    modified_candidates = [
        ("json-ld", ld.get("dateModified")),
        ("meta", sel.css("meta[property='article:modified_time']::attr(content)").get()),
    ]
    modified_candidates += [("text", v) for v in select_first(
        sel, site.selectors.get("modified_text", ()))[:1]]
    for candidate_source, text in modified_candidates:
        if not text or not isinstance(text, str):
            continue
        value = dates.parse_date(text, source=candidate_source, **context)
        if value is not None:
            modified = value
            break
    if dates.same_moment(published, modified, site.timezone):
        modified = None
    return published, raw, source, modified


def extract_article(response, site=None, fetched_at=None):
    """An ArticleItem from an article page, with ``body_html`` for the cleaning pipeline."""
    site = site or site_for_url(response.url)
    if site is None:
        raise NotAnArticle("unknown_site", response.url)
    check_page(response, site)
    fetched_at = fetched_at or datetime.now(UTC)
    try:
        sel = response.selector
    except AttributeError:
        sel = Selector(text=response.text)
    body_nodes = []
    for spec in site.selectors["body"]:
        body_nodes = sel.css(spec)
        if body_nodes:
            break
    if not body_nodes:
        raise NotAnArticle("not_article", "no article body")
    ld = json_ld_article(sel)
    url = urldefrag(response.url)[0]

    loader = ArticleLoader(item=ArticleItem(), selector=sel, site=site)
    loader.add_value("url", url)
    canonical = (sel.css("link[rel=canonical]::attr(href)").get()
                 or sel.css("meta[property='og:url']::attr(content)").get() or url)
    loader.add_value("canonical_url", normalize_url(response_join(url, canonical),
                                                    hosts=site.hosts))
    loader.add_value("site", site.name)
    loader.add_value("article_id", select_first(sel, site.selectors["article_id"]))

    sections = select_first(sel, site.selectors["section_links"])
    loader.add_value("section", sections[:1])
    loader.add_value("subsection", sections[1:2])
    section_ld = ld.get("articleSection")
    loader.add_value("section", section_ld[0] if isinstance(section_ld, list) else section_ld)

    loader.add_value("headline", ld.get("headline") if isinstance(ld.get("headline"), str)
                     else None)
    loader.add_value("headline", select_first(sel, site.selectors["headline"]))
    loader.add_value("description", ld.get("description")
                     if isinstance(ld.get("description"), str) else None)
    loader.add_value("description", select_first(sel, site.selectors["description"]))

    # The first source that names a person wins; placeholders are filtered by the loader.
    for authors in (ld_people(ld.get("author")),
                    select_first(sel, site.selectors["authors"]),
                    sel.css("meta[name=author]::attr(content)").getall()):
        loader.add_value("authors", authors)
        if loader.get_collected_values("authors"):
            break
    loader.add_value("credit", select_first(sel, site.selectors["credit"])[:1])
    loader.add_value("dateline", select_first(sel, site.selectors["dateline"])[:1],
                     lambda values: [v.strip(" –—-") for v in values])

    published, raw, source, modified = read_dates(sel, ld, site, url, fetched_at)
    if published is not None:
        loader.add_value("published_at", dates.iso(published))
        loader.add_value("published_raw", raw)
        loader.add_value("date_source", source)
    if modified is not None:
        loader.add_value("modified_at", dates.iso(modified))

    lang = language_code(sel.xpath("/html/@lang").get()) or language_code(
        ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None)
    loader.add_value("language", lang or site.language)

    images = []
    for spec in site.selectors["images"]:
        images += [image_of(node, url) for node in sel.css(spec)]
    loader.add_value("images", [i for i in images if i])

    tags = ld.get("keywords") or select_first(sel, site.selectors["tags"]) or \
        sel.css("meta[name=keywords]::attr(content)").getall()
    loader.add_value("tags", tags)

    free = ld.get("isAccessibleForFree")
    paywalled = free is False or str(free).lower() == "false" or any(
        sel.css(marker) for marker in site.paywall_markers)
    loader.add_value("paywalled", bool(paywalled))
    loader.add_value("crawled_at", fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    loader.add_value("body_html", body_nodes[0].get())

    item = loader.load_item()
    item["authors"] = item.get("authors") or []
    item["tags"] = item.get("tags") or []
    item["images"] = item.get("images") or []
    item["image"] = item["images"][0] if item["images"] else None
    return item


__all__ = ["NotAnArticle", "extract_article", "check_page", "clean_text"]
