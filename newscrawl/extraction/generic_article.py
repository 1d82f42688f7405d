"""The generic layer put together: fills the fields of an item that its site module does not
give (all of them for a site without a module) from the page's structured data and the rules
of ``extraction.generic``, and refuses pages that are not articles.

Called by ``extraction.article.extract_article`` after the site's selectors ran, so a site
module's values always win: a field is read here only when the module has no selector for it.
"""

import re
from datetime import datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction import dates, generic
from newscrawl.extraction.errors import NotAnArticle
from newscrawl.extraction.processors import (
    caption_credit,
    clean_text,
    split_tags,
    title_case_shout,
    unique,
    whole_sentences,
)
from newscrawl.extraction.structured import ARTICLE_TYPES, LISTING_TYPES, read_structured

# A site module's selector key -> the record fields the generic layer fills without it.
GENERIC_FIELDS = {
    "headline": ("headline",), "description": ("description",), "authors": ("authors",),
    "section_links": ("section", "subsection"), "tags": ("tags",), "images": ("images",),
    "article_id": ("article_id",), "published_text": ("published_at", "modified_at"),
    "body": ("body",),
}
# Used when a page without a site module declares no language at all.
DEFAULT_LANGUAGE = "en"
# Fewer words than this in the extracted body: not an article (a gallery, a video page, a
# teaser). News briefs of 60 words exist; pages with article markup get a lower bar.
MIN_WORDS = 60
MIN_WORDS_MARKED = 25
# Above this share of link text, a page without article markup is a listing (article pages
# of 108 news sites measured up to 0.58, their navigation included).
MAX_LINK_DENSITY = 0.7
# articleBody removes extracted paragraphs it lacks only up to this length.
MAX_DROPPED_WORDS = 40
# Error pages served with 200: their title or headline says so.
ERROR_TITLE_RE = re.compile(
    r"\b(?:404|410|page not found|not found|page (?:does not|doesn't|cannot be) "
    r"(?:exist|found)|no longer (?:exists|available)|error \d{3}|server error|"
    r"something went wrong|oops)\b", re.IGNORECASE)
SEARCH_PATH_RE = re.compile(r"/(?:search|suche|recherche|buscar|busca)(?:/|$|\.)",
                            re.IGNORECASE)
SEARCH_PARAMS = {"q", "s", "query", "search", "keyword", "keywords", "searchterm"}
# Paths of listings: a tag, a topic, a category, an author's page, a section front.
LISTING_PATH_RE = re.compile(
    r"^/(?:[a-z]{2}/)?(?:tags?|topics?|category|categories|authors?|section|sections|"
    r"archives?|page|latest|video|videos|gallery|galleries|photos)(?:/[^/]*)?/?$",
    re.IGNORECASE)
POSTID_RE = re.compile(r"\bpostid-(\d+)\b")
GALLERY_TYPES = frozenset({"ImageGallery", "MediaGallery"})


def fill_generic(item, page, response, site, known):
    """Fill ``item`` from the generic layer for the fields ``known`` (the site module's
    selector keys) does not cover; raise NotAnArticle for a page that is not an article."""
    root = page.root
    url = item["url"]
    s = read_structured(page)
    hosts = generic.host_names(urlsplit(url).hostname)
    site_names = [v for _, v in s.site_names] + list(s.organizations)
    title = _title(root)
    h1s = [h.text_content() for h in root.iter("h1")][:5]
    refuse_by_address_and_title(url, title, h1s, s)
    scan = generic.scan_page(root)

    if "headline" not in known:
        item["headline"] = generic.headline_of(s.headline, h1s, title, site_names, hosts)
    if "description" not in known:
        item["description"] = next((whole_sentences(clean_text(v)) for _, v in s.description
                                    if clean_text(v)), None)
    if "authors" not in known:
        item["authors"] = generic.authors_of(s.authors, scan.bylines, site_names, hosts)
    if "section_links" not in known:
        section = generic.section_of(s.section, s.breadcrumbs, item.get("headline"),
                                     generic.category_links(root))
        item["section"] = title_case_shout(section) if section else None
    if "tags" not in known:
        tags = [clean_text(t) for _, v in s.tags for t in split_tags(v)]
        item["tags"] = unique([t for t in tags if t], key=str.casefold)
    if "article_id" not in known:
        item["article_id"] = article_id_of(root, page)
    if "images" not in known:
        item["images"] = images_of(root, s, url)
    if "published_text" not in known:
        fill_dates(item, root, s, url)
    if site.generic:
        item["language"] = generic.language_of(root, s.language) or DEFAULT_LANGUAGE
        item["paywalled"] = generic.is_paywalled(s.free, scan)
    if "body" not in known:
        # A page that does not call itself an article and is mostly links is a listing
        # (a section front at an address no rule knows): read before the pruning.
        if not has_article_markup(s) and link_density(_body_of(root)) > MAX_LINK_DENSITY:
            raise NotAnArticle("listing", "mostly links and no article markup")
        captions = scan.captions
        # Last: the page is changed here (everything above has read what it needs).
        generic.prune(scan.boilerplate)
        body = generic.trafilatura_body(root, url)
        if body is not None:
            body = join_body_chunks(body, root)
            generic.filter_body(body, item.get("headline"), item.get("authors") or (),
                                captions, item.get("section"))
            body = agree_with_article_body(body, s.article_body)
        body = recover_from_article_body(body, s.article_body, root)
        refuse_by_body(body, s, url, item.get("headline"))
        item["body_element"] = body


def _title(root):
    for node in root.iter("title"):
        return node.text_content()
    return None


def has_article_markup(s):
    """Whether the page's structured data calls it an article."""
    return bool(s.article) or s.og_type == "article" or bool(s.published and any(
        src.startswith("meta:article:") for src, _ in s.published))


def refuse_by_address_and_title(url, title, h1s, s):
    """Pages that are not articles by what they are called: a site's front page, a search,
    a tag or section page, an error page served with 200."""
    parts = urlsplit(url)
    marked = has_article_markup(s)
    query = {k.lower() for k, _ in parse_qsl(parts.query)}
    if "SearchResultsPage" in s.types or (query & SEARCH_PARAMS and (
            SEARCH_PATH_RE.search(parts.path) or parts.path in ("", "/") or not marked)):
        raise NotAnArticle("search_page", "a search page")
    if parts.path in ("", "/") and not marked:
        raise NotAnArticle("listing", "the site's front page")
    if not marked and (LISTING_PATH_RE.match(parts.path) or s.types & LISTING_TYPES - GALLERY_TYPES
                       and not s.types & ARTICLE_TYPES):
        raise NotAnArticle("listing", "a section, tag or gallery page")
    heading = " ".join(filter(None, [title] + h1s[:1]))
    if not marked and ERROR_TITLE_RE.search(heading or ""):
        raise NotAnArticle("error_page", f"an error page ({clean_text(title) or ''})")


def _body_of(root):
    return next(root.iter("body"), root)


def link_density(node):
    """Share of a block's text that is link text: listings are mostly links."""
    text = len(clean_text(node.text_content()) or "")
    if not text:
        return 1.0
    linked = sum(len(clean_text(a.text_content()) or "") for a in node.iter("a"))
    return linked / text


def refuse_by_body(body, s, url, headline=None):
    """Pages whose text is too short to be an article (galleries, video pages, teasers), or
    mostly links (a listing trafilatura read as text). The headline is not the article's
    text: a photo post whose one line of text came out run together with its header (title,
    date, byline) is still a page without text."""
    text = clean_text(body.text_content()) if body is not None else ""
    count = generic.words(text)
    if headline and generic.squash(headline) in generic.squash(text):
        count -= generic.words(headline)
    gallery = bool(s.types & GALLERY_TYPES) and not s.types & ARTICLE_TYPES
    marked = has_article_markup(s) and not gallery
    if count < (MIN_WORDS_MARKED if marked else MIN_WORDS):
        raise NotAnArticle("gallery" if gallery else "no_text", f"{count} words of text")


def fill_dates(item, root, s, url):
    """published_at, published_raw, date_source and modified_at: structured data (written
    with the page's own offset when the page states the same instant in its zone), then the
    page's marked or labelled visible dateline (its day), then htmldate's day, then the
    page's ``time`` elements, then the URL's date."""
    published, raw, source = generic.first_page_date(
        list(s.published) + [("meta", v) for v in generic.DATE_PUBLISHED_XPATH(root)[:1]])
    # Read once, only for pages that need them: no date yet, or a time to write locally.
    datelines = generic.visible_datelines(root) if published is None or isinstance(
        published, datetime) else []
    if published is None:
        day, text = generic.visible_dateline_day(datelines)
        if day is not None:
            published, raw, source = day, text, "text"
    # htmldate before the page's loose <time> elements: it weighs them against the rest of
    # the page, where the first <time> is as often a sidebar's or a comment's.
    if published is None:
        day = generic.htmldate_day(root, url)
        if day is not None:
            published, raw, source = day, day.isoformat(), "htmldate"
    if published is None:
        published, raw, source = generic.first_page_date(
            [("time-element", v) for v in generic.TIME_XPATH(root)[:3]])
    if published is None:
        day = dates.date_from_url(url)
        if day is not None:
            published, raw, source = day, url, "url"
    if published is None:
        return
    if source in ("json-ld", "meta"):
        # The same instant as the page writes it in its own zone: first what its other
        # machine-readable dates state, then what its visible dateline prints.
        published = generic.with_stated_offset(published, [v for _, v in s.published] + list(
            generic.DATE_PUBLISHED_XPATH(root)[:2]) + list(generic.TIME_XPATH(root)[:3]))
        published = generic.with_visible_offset(published, datelines)
    item["published_at"] = dates.iso(published)
    item["published_raw"] = raw
    item["date_source"] = source
    modified = generic.first_page_date(s.modified)[0]
    if modified is not None and not dates.same_moment(published, modified) and \
            dates.as_day(modified) >= dates.as_day(published):
        item["modified_at"] = dates.iso(modified)


ARTICLE_ID_XPATH = etree.XPath("string(/html/body/@class)")


def article_id_of(root, page):
    """The site's own id: WordPress's ``postid-NNN`` body class or ``?p=NNN`` shortlink."""
    m = POSTID_RE.search(ARTICLE_ID_XPATH(root) or "")
    if m:
        return m[1]
    for href in page.links.get("shortlink", []):
        m = re.search(r"[?&]p=(\d+)", href)
        if m:
            return m[1]
    return None


FIGURE_IMAGES = etree.XPath("//figure[.//img][not(ancestor::aside) and not(ancestor::footer)"
                            " and not(ancestor::nav)]")


def images_of(root, s, url, limit=20):
    """The lead image from structured data, then the page's figures with their captions
    and credits ("Caption. | Credit" or a separate credit element)."""
    images = []
    for image in s.images:
        images.append({"url": urljoin(url, image["url"].strip()),
                       "caption": clean_text(image.get("caption")),
                       "credit": clean_text(image.get("credit"))})
    for figure in FIGURE_IMAGES(root)[:limit]:
        img = next(figure.iter("img"), None)
        src = img.get("src") or img.get("data-src") if img is not None else None
        if not src or src.startswith("data:"):
            continue
        caption = next((c.text_content() for c in figure.iter("figcaption")), None) \
            or img.get("alt")
        text, credit = caption_credit(caption)
        credit_node = figure.xpath(".//*[contains(@class,'credit')]")
        if credit_node and not credit:
            credit = clean_text(credit_node[0].text_content())
            if credit and text and text.endswith(credit):
                text = text[: -len(credit)].strip() or None
        images.append({"url": urljoin(url, src.strip()), "caption": text, "credit": credit})
    images = [i for i in images if i["url"].startswith(("http://", "https://"))]
    # The same picture as og:image and as the first figure: keep the one with a caption.
    merged = {}
    for image in images:
        key = _image_key(image["url"])
        if key in merged:
            if not merged[key]["caption"] and image["caption"]:
                merged[key] = {**image, "url": merged[key]["url"]}
            continue
        merged[key] = image
    return list(merged.values())


def _image_key(url):
    return urlsplit(url).path.rsplit("/", 1)[-1].split(".")[0] or url


def agree_with_article_body(body, article_body):
    """Use JSON-LD ``articleBody`` where it agrees with the page: when it covers most of what
    trafilatura read (so it is this page's text, not a teaser or another story), drop the
    extracted paragraphs it does not contain (boilerplate trafilatura kept). A cut-short
    ``articleBody`` (much shorter than the page's text, or ending in an ellipsis) is not
    trusted: the paragraphs it lacks may be the article's."""
    if not article_body or body is None:
        return body
    ld_words = generic.words(article_body)
    texts = [clean_text(n.text_content()) or "" for n in body]
    page_words = sum(generic.words(t) for t in texts)
    if ld_words < 30 or ld_words < 0.7 * page_words or \
            article_body.rstrip().endswith(("...", "…", "[…]")):
        return body
    ld_keys = _shingles(article_body)
    page_keys = set().union(*(_shingles(t) for t in texts)) if texts else set()
    if not page_keys or len(ld_keys & page_keys) < 0.8 * len(ld_keys):
        return body
    for node, text in zip(list(body), texts, strict=True):
        keys = _shingles(text)
        # Short paragraphs only: what trafilatura keeps and should not is promos, captions
        # and credits; a long paragraph missing from articleBody means articleBody was cut.
        if keys and len(keys & ld_keys) < 0.5 * len(keys) and \
                generic.words(text) <= MAX_DROPPED_WORDS:
            body.remove(node)
    return body


PAGE_BLOCKS = etree.XPath("//p | //h2 | //h3 | //li | //blockquote")
CHUNK_BLOCKS = etree.XPath(".//p | .//h2 | .//h3 | .//li | .//blockquote")


def join_body_chunks(body, root):
    """The whole article when the page splits its body into several containers of the same
    class with ads between them (``div.body__inner-container`` x 5) and trafilatura took the
    first only: every container of the class that held the extracted text, in page order.
    Taken only when it keeps nearly all of what trafilatura found and adds to it."""
    extracted = [t for t in (clean_text(n.text_content()) for n in body) if t]
    if not extracted:
        return body
    first = set(extracted[:3])
    container = None
    for node in root.iter("p"):
        if clean_text(node.text_content()) in first:
            container = node.getparent()
            break
    if container is None or not container.get("class"):
        return body
    chunks = root.xpath(f"//{container.tag}[@class=$c]", c=container.get("class"))
    if len(chunks) < 2:
        return body
    div = lxml_html.Element("div")
    seen = set()
    for chunk in chunks:
        for node in CHUNK_BLOCKS(chunk):
            text = clean_text(node.text_content())
            if not text or text in seen or any(a.tag in ("p", "li", "blockquote")
                                               for a in node.iterancestors() if a is not chunk
                                               and chunk in a.iterancestors()):
                continue
            seen.add(text)
            block = lxml_html.Element("h2" if node.tag in ("h2", "h3") else node.tag)
            block.text = text
            div.append(block)
    kept = sum(t in seen for t in extracted)
    added = generic.words(" ".join(seen - set(extracted)))
    return div if kept >= 0.9 * len(extracted) and added >= 20 else body


def recover_from_article_body(body, article_body, root):
    """When trafilatura missed the article (a listing of teasers or a sidebar chosen instead)
    but JSON-LD ``articleBody`` holds a long text, the page's own paragraphs that carry that
    text, in page order: ``articleBody`` decides which blocks are the article, the page
    gives them (so a padded or rewritten ``articleBody`` is never exported as such)."""
    if not article_body or generic.words(article_body) < 100:
        return body
    ld_keys = _shingles(article_body)
    found = _shingles(clean_text(body.text_content()) if body is not None else "")
    if len(found & ld_keys) >= 0.6 * len(ld_keys):
        return body
    div = lxml_html.Element("div")
    covered, seen = set(), set()
    for node in PAGE_BLOCKS(root):
        text = clean_text(node.text_content())
        if not text or text in seen:
            continue
        keys = _shingles(text)
        if keys and len(keys & ld_keys) >= 0.6 * len(keys) and not (
                node.tag == "li" and any(a.tag in ("p", "li") for a in node.iterancestors())):
            seen.add(text)
            covered |= keys & ld_keys
            paragraph = lxml_html.Element("h2" if node.tag in ("h2", "h3") else "p")
            paragraph.text = text
            div.append(paragraph)
    return div if len(covered) >= 0.8 * len(ld_keys) else body


_TOKEN_RE = re.compile(r"\w+")


def _shingles(text, size=4):
    tokens = _TOKEN_RE.findall((text or "").casefold())
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}
