"""How a section page is read: its teasers through the site's selectors, else the article links
of its main content; its next page through the site's selector, else ``rel=next``, else a link
to this page's number plus one.

The fallbacks exist because a listing's markup is the part of a news site that changes most
and that a site module can only guess (the Japan Times' current class names are not
attested): a redesign must cost a WARNING, not a section's articles.
"""

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Where a page keeps its own content, most specific first. A page with none of them is read
# whole, less the parts below.
MAIN_CONTENT = ("//main", "//*[@role='main']", "//*[@id='main-content']", "//*[@id='main']",
                "//*[@id='content']", "//body")
# Never the main content: the site's chrome, where links to other sections' articles live
# ("Most read", "Latest news", the navigation). A <header> or <footer> inside an <article>
# is that teaser's own (its headline link, its "Leave a comment" link), not the page's.
CHROME = ("header", "nav", "aside", "footer")
CHROME_ROLES = ("banner", "navigation", "complementary", "contentinfo")
_NOT_IN_CHROME = (
    "[not(ancestor-or-self::*[self::nav or self::aside or "
    "((self::header or self::footer) and not(ancestor::article)) or "
    + " or ".join(f"@role='{r}'" for r in CHROME_ROLES) + "])]"
)
# Query parameters and path forms that number a listing's pages.
PAGE_PARAMS = ("pgno", "page", "paged", "p", "pg")
PAGE_PATH_RE = re.compile(r"/page/(\d+)/?$")


def release(response):
    """Let a listing page's parsed tree go with its response once it has been read.

    ``response.css`` caches a selector on the response that refers back to it: a reference
    cycle, so the page's tree (about a megabyte of libxml2 nodes for a 100 KB page) waited for
    Python's cyclic garbage collector, which runs ever more rarely as a crawl's heap grows.
    Over the 5,000 listing pages of a 100,000-article crawl the heap grew by 60 MiB this way.
    Dropping the cached selector breaks the cycle; reference counting frees the tree at once."""
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None


def teasers(response, listings):
    """(article href, teaser date text or None) for each teaser of a listing page, and the
    site's ``Listing`` whose selectors found them (None when none matched)."""
    for listing in listings:
        blocks = response.css(listing.teaser)
        if not blocks:
            continue
        found = []
        for block in blocks:
            href = block.css(listing.teaser_link).get()
            if not href:
                continue
            printed = block.css(listing.teaser_date).get() if listing.teaser_date else None
            found.append((urljoin(response.url, href.strip()), printed))
        if found:
            return found, listing
    return [], None


def main_content_links(response, is_article_url):
    """Absolute URLs of the links in the page's main content (never in its header, nav,
    aside or footer) that ``is_article_url`` accepts, in page order, each once."""
    for path in MAIN_CONTENT:
        roots = response.xpath(path)
        if roots:
            break
    else:
        return []
    seen, found = set(), []
    for root in roots:
        for href in root.xpath(f".//a{_NOT_IN_CHROME}/@href").getall():
            url = urljoin(response.url, href.strip())
            if url not in seen and is_article_url(url):
                seen.add(url)
                found.append(url)
    return found


def _with_page(url, number):
    """The URLs page ``number`` of the listing at ``url`` may have: ``?pgno=N`` (or another
    page parameter it already carries) and ``/page/N/``."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    candidates = []
    params = [k for k, _ in query if k in PAGE_PARAMS] or list(PAGE_PARAMS)
    for param in params:
        q = [(k, v) for k, v in query if k != param] + [(param, str(number))]
        candidates.append(urlunsplit(parts._replace(query=urlencode(q), fragment="")))
    path = parts.path
    m = PAGE_PATH_RE.search(path)
    base = path[:m.start()] if m else path.rstrip("/")
    candidates.append(urlunsplit(parts._replace(path=f"{base}/page/{number}/", fragment="")))
    return candidates


def _same(a, b):
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.path.rstrip("/") == pb.path.rstrip("/")
            and sorted(parse_qsl(pa.query)) == sorted(parse_qsl(pb.query)))


def next_page(response, listing, page, listings=()):
    """The URL of the listing's next page and how it was found (``selector``, ``rel_next``,
    ``page_number``), or (None, None). ``listing``: the site's layout that read the teasers;
    when none did (``None``), the next-page selectors of all the site's ``listings``, since a
    redesign may keep the pager."""
    for candidate in [listing] if listing is not None else listings:
        if candidate.next_page:
            href = response.css(candidate.next_page).get()
            if href:
                return urljoin(response.url, href.strip()), "selector"
    href = response.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href").get()
    if href:
        return urljoin(response.url, href.strip()), "rel_next"
    # Pagers often sit in a <nav>: any link of the page counts here, since only this very
    # listing with the next number is accepted.
    wanted = _with_page(response.url, page + 1)
    for href in response.xpath("//a/@href").getall():
        url = urljoin(response.url, href.strip())
        if any(_same(url, candidate) for candidate in wanted):
            return url, "page_number"
    return None, None
