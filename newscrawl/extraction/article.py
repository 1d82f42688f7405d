"""One article page in, one ArticleItem out (before the cleaning pipeline).

Shared by the crawl (``newscrawl.spiders.base.SectionSpider.parse_article``), ``scrapy
extract`` and the benchmark, so a saved page gives exactly what the crawl gives. The site's
selectors are data (``newscrawl.sites``); the order of sources is the rule here:
machine-readable first (JSON-LD, meta, ``time[datetime]``), then visible text, then the URL.

Pages that are not articles raise ``NotAnArticle`` with a short ``reason`` (the stats key):
``botwall`` (a "Just a moment..." challenge), ``truncated`` (no ``</html>``: the body was cut),
``empty``, ``not_html``, ``unknown_site``, ``not_article`` (no article body).
"""

import codecs
import json
import logging
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin

from lxml import etree
from lxml import html as lxml_html
from parsel import Selector

from newscrawl.extraction import dates
from newscrawl.extraction.errors import NotAnArticle
from newscrawl.extraction.generic_article import GENERIC_FIELDS, fill_generic
from newscrawl.extraction.loaders import ArticleLoader
from newscrawl.extraction.pagechecks import is_blank, is_botwall, is_truncated, page_text
from newscrawl.extraction.processors import caption_credit, clean_text, language_code
from newscrawl.extraction.specs import Page, text_of
from newscrawl.items import ArticleItem
from newscrawl.sites import site_or_generic
from newscrawl.urls import normalize_url

logger = logging.getLogger(__name__)

# schema.org types that are an article (JSON-LD may also hold Organization, WebPage, ...).
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "BackgroundNewsArticle", "BlogPosting", "Report"}
# Pages above this are refused (the crawl's DOWNLOAD_MAXSIZE is 16 MiB too): a 50 MB saved
# page given to `scrapy extract` would otherwise become a 50 MB record.
MAX_PAGE_BYTES = 16 * 1024 * 1024
CAPTION_AFTER = etree.XPath("following-sibling::p[contains(@class,'flex-caption')][1]")


def json_ld_article(blocks):
    """The page's schema.org article object from its JSON-LD blocks' texts, or {}."""
    for raw in blocks:
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
    text = page_text(response)
    if text is None:
        if not body.strip():
            raise NotAnArticle("empty", f"empty body (HTTP {response.status})")
        raise NotAnArticle("not_html", response.headers.get("Content-Type", b"").decode(
            "latin-1"))
    if is_blank(text):
        raise NotAnArticle("empty", f"empty body (HTTP {response.status})")
    if is_botwall(response, site):
        raise NotAnArticle("botwall", f"bot wall (HTTP {response.status})")
    if response.status >= 400:
        raise NotAnArticle("http_error", f"HTTP {response.status}")
    if is_truncated(response):
        raise NotAnArticle("truncated", f"no </html> in {len(body)} bytes")


def image_of(node, base_url):
    """{url, caption, credit} of a photo link (``a.fresco``), or None without a URL."""
    url = node.get("href")
    if not url:
        url = next((img.get("src") for img in node.iter("img") if img.get("src")), None)
    if not url:
        return None
    caption = node.get("data-fresco-caption")
    if not caption:
        after = CAPTION_AFTER(node)
        caption = text_of(after[0]) if after else next(
            (img.get("alt") for img in node.iter("img") if img.get("alt") is not None), None)
    text, credit = caption_credit(caption)
    return {"url": urljoin(base_url, url.strip()), "caption": text, "credit": credit}


def published_candidates(page, ld, site, url):
    """(source, text) for the publication date, best first. A generator: the visible-text
    selectors are searched only when JSON-LD and meta have no date that parses."""
    yield "json-ld", ld.get("datePublished")
    for key in ("article:published_time", "datepublished", "dc.date.issued"):
        for value in page.meta.get(key, ())[:1]:
            yield "meta", value
    for value in page.values("page:article time[datetime]::attr(datetime)")[:1]:
        yield "time-element", value
    for value in page.first(site.selectors.get("published_text", ()))[:1]:
        yield "text", value
    yield "url", url


def modified_candidates(page, ld, site):
    yield "json-ld", ld.get("dateModified")
    for value in page.meta.get("article:modified_time", ())[:1]:
        yield "meta", value
    for value in page.first(site.selectors.get("modified_text", ()))[:1]:
        yield "text", value


def first_date(candidates, site, fetched_at):
    """(moment, raw text, source) of the first candidate that parses, or (None,) * 3."""
    for source, text in candidates:
        if not text or not isinstance(text, str):
            continue
        value = dates.parse_date(text, source=source, language=site.language,
                                 timezone=site.timezone, relative_base=fetched_at)
        if value is not None:
            return value, text.strip(), source
    return None, None, None


def read_dates(page, ld, site, url, fetched_at):
    """(published, published_raw, date_source, modified) with the machine-readable first."""
    published, raw, source = first_date(published_candidates(page, ld, site, url), site,
                                        fetched_at)
    modified = first_date(modified_candidates(page, ld, site), site, fetched_at)[0]
    if dates.same_moment(published, modified, site.timezone):
        modified = None
    return published, raw, source, modified


def add_first(loader, field, *sources):
    """Add to ``field`` the values of the first source (in priority order) that leaves it a
    value after its input processors. A source is a value or a callable giving one; later
    sources are not read at all, which spares their selectors' searches."""
    for source in sources:
        loader.add_value(field, source() if callable(source) else source)
        if loader.get_collected_values(field):
            return


def ld_text(ld, key):
    value = ld.get(key)
    return value if isinstance(value, str) else None


def detach(node):
    """The node moved out of its page into a ``<div>`` of its own, without the text after it:
    the article body as the cleaning pipeline takes it, the same tree as parsing its HTML
    again would give, without the cost of writing and parsing it."""
    wrapper = lxml_html.Element("div")
    node.tail = None
    wrapper.append(node)
    return wrapper


def parse_page(response):
    """The page's lxml tree. A UTF-8 page (nearly all) is parsed from its bytes: its decoded
    text (which the page checks read) is not encoded back to UTF-8 for lxml, which is what
    ``response.selector`` costs on top of the parse. Others are parsed from the decoded text.
    parsel does both, the same way."""
    encoding = getattr(response, "encoding", None) or "utf-8"
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    if utf8:
        return Selector(body=response.body, encoding="utf-8", type="html").root
    return Selector(text=response.text, type="html").root


def extract_article(response, site=None, fetched_at=None):
    """An ArticleItem from an article page, with ``body_element`` for the cleaning pipeline.

    The site module's selectors give the fields it has selectors for; the generic layer
    (``extraction.generic``) reads the rest, and every field of a page whose host has no
    module. A site module's values always win: a field it knows is never read generically."""
    site = site or site_or_generic(response.url)
    check_page(response, site)
    fetched_at = fetched_at or datetime.now(UTC)
    page = Page(parse_page(response), site.article_block)
    selectors = site.selectors
    body_nodes = []
    for spec in selectors.get("body", ()):
        body_nodes = page.nodes(spec)
        if body_nodes:
            break
    if "body" in selectors and not body_nodes:
        raise NotAnArticle("not_article", "no article body")
    ld = json_ld_article(page.json_ld)
    url = urldefrag(response.url)[0]

    # What the page says goes through the loader's processors; what this function works out
    # itself (URLs, dates already parsed, flags) is set on the item after loading.
    loader = ArticleLoader(item=ArticleItem(), site=site)
    if "article_id" in selectors:
        loader.add_value("article_id", page.first(selectors["article_id"]))

    if "section_links" in selectors:
        sections = page.first(selectors["section_links"])
        section_ld = ld.get("articleSection")
        add_first(loader, "section", sections[:1],
                  section_ld[0] if isinstance(section_ld, list) else section_ld)
        loader.add_value("subsection", sections[1:2])

    if "headline" in selectors:
        add_first(loader, "headline", ld_text(ld, "headline"),
                  lambda: page.first(selectors["headline"]))
    if "description" in selectors:
        add_first(loader, "description", ld_text(ld, "description"),
                  lambda: page.first(selectors["description"]))
    if "authors" in selectors:
        # The first source that names a person wins; placeholders are filtered by the loader.
        add_first(loader, "authors", ld_people(ld.get("author")),
                  lambda: page.first(selectors["authors"]), page.meta.get("author", []))
    if "credit" in selectors:
        loader.add_value("credit", page.first(selectors["credit"])[:1])
    if "dateline" in selectors:
        loader.add_value("dateline", page.first(selectors["dateline"])[:1],
                         lambda values: [v.strip(" –—-") for v in values])

    if "images" in selectors:
        images = [image_of(node, url) for node in page.nodes_of_any(selectors["images"])]
        loader.add_value("images", [i for i in images if i])
    if "tags" in selectors:
        tags = (ld.get("keywords") or page.first(selectors["tags"])
                or page.meta.get("keywords", []))
        loader.add_value("tags", tags)

    item = loader.load_item()
    item["url"] = url
    canonical = (page.links.get("canonical", [])[:1] or page.meta.get("og:url", [])[:1]
                 or [url])[0]
    item["canonical_url"] = normalize_url(urljoin(url, canonical.strip()), hosts=site.hosts)
    item["site"] = site.name
    item["extraction"] = "generic" if site.generic else f"site:{site.name}"
    if "published_text" in selectors:
        published, raw, source, modified = read_dates(page, ld, site, url, fetched_at)
        if published is not None:
            item["published_at"] = dates.iso(published)
            item["published_raw"] = raw
            item["date_source"] = source
        if modified is not None:
            item["modified_at"] = dates.iso(modified)
    if not site.generic:
        item["language"] = (language_code(page.root.get("lang"))
                            or language_code(ld_text(ld, "inLanguage")) or site.language)
        free = ld.get("isAccessibleForFree")
        item["paywalled"] = bool(free is False or str(free).lower() == "false"
                                 or page.any(site.paywall_markers))
    item["crawled_at"] = fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if body_nodes:
        item["body_element"] = detach(body_nodes[0])  # last: the searches above need it
    if site.generic or GENERIC_FIELDS.keys() - selectors.keys():
        fill_generic(item, page, response, site, set(selectors))
    item["authors"] = item.get("authors") or []
    item["tags"] = item.get("tags") or []
    item["images"] = item.get("images") or []
    item["image"] = item["images"][0] if item["images"] else None
    return item


__all__ = ["NotAnArticle", "extract_article", "check_page", "clean_text"]
