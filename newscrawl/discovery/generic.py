"""How a site without a module is found: what its links look like, where its feeds and sections
are. Pure functions of URLs and pages, used by the ``news`` spider (``spiders/news.py``).

- ``looks_like_article(path)``: the URL shapes news articles have (a date in the path, a long
  slug, a numeric id), and not those of a site's other pages (tags, authors, sections, search,
  pagination, files);
- ``feed_links(response)``: the feeds a page announces (``<link rel=alternate>`` of an RSS or
  Atom type); ``COMMON_FEED_PATHS``: where feeds usually are when nothing announces them;
- ``section_links(response, owns_host)``: a home page's navigation links to its sections;
- ``section_of_path(path)``: the section an article URL names by its first path segment.

A link that looks like an article and is not one (a photo gallery, an error page served with
200, a topic hub with a long slug) is requested and refused by the generic extraction
(``extraction/generic_article.py``) with its reason; the heuristics only keep the obvious
non-articles from costing a request.
"""

import re
from urllib.parse import urljoin, urlsplit

# Where a site's feeds usually are (WordPress, Ghost, Hugo, Jekyll, Drupal and most CMSs).
# Each is only a guess: a 404, or a page that is no feed, is "absent", never an error.
COMMON_FEED_PATHS = ("/feed/", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml")

# First path segments of a site's pages that are not articles: lists of articles (tags,
# topics, authors, sections, archives, pagination), the site's own pages, machinery.
NOT_ARTICLE_SEGMENTS = frozenset("""
    tag tags topic topics author authors category categories section sections archive archives
    page search feed feeds rss about about-us contact contact-us privacy privacy-policy terms
    terms-of-service terms-of-use cookies cookie-policy login logout signin sign-in register
    account accounts my-account subscribe subscription subscriptions newsletter newsletters
    advertise advertising careers jobs help faq donate shop store cart wp-admin wp-content
    wp-includes wp-json wp-login.php xmlrpc.php cdn-cgi static assets _next amp-stories
    people staff masthead corrections
""".split())
# Not pages at all.
FILE_EXTENSIONS_RE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|ico|pdf|xml|rss|atom|json|css|js|txt|zip|gz|mp3|mp4|"
    r"m4a|webm|mov|csv|xlsx?|docx?|pptx?)$", re.IGNORECASE)
# /2026/11/24/slug, /2026/11/slug, /news/2026-11-24/slug: a date, then something after it.
DATED_PATH_RE = re.compile(
    r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/[^/]+"
    r"|/(?:19|20)\d\d-[01]\d-[0-3]\d/[^/]+|[/-](?:19|20)\d\d[01]\d[0-3]\d[-/][a-z]",
    re.IGNORECASE)
# A numeric id: a segment of digits, or digits ending (or starting) a slug; five or more.
NUMERIC_ID_RE = re.compile(r"(?:^|[-_/])\d{5,}(?:\.s?html?)?$|^\d{5,}[-_]")
PAGINATION_RE = re.compile(r"/page/\d+/?$")
SLUG_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# A slug of this many words or more is a headline.
MIN_SLUG_WORDS = 4
MIN_SLUG_LENGTH = 20

# Where a page keeps its navigation, and what in it is no section.
NAV_XPATH = ("//nav//a[@href] | //*[@role='navigation']//a[@href] | //header//a[@href]")
NOT_SECTION_SEGMENTS = NOT_ARTICLE_SEGMENTS - {"category", "categories", "section", "sections",
                                               "topic", "topics"}
MAX_NAV_SECTIONS = 30
HOME_SECTION = "/"


def _segments(path):
    return [s for s in (path or "").split("/") if s]


def looks_like_article(path):
    """Whether a URL path has the shape of a news article's address."""
    segments = _segments(path)
    if not segments or FILE_EXTENSIONS_RE.search(segments[-1]) and not re.search(
            r"\.s?html?$", segments[-1], re.IGNORECASE):
        return False
    if segments[0].lower() in NOT_ARTICLE_SEGMENTS or PAGINATION_RE.search(path):
        return False
    if DATED_PATH_RE.search(path):
        return True
    last = re.sub(r"\.s?html?$", "", segments[-1], flags=re.IGNORECASE)
    if last in ("index", "amp") and len(segments) > 1:
        last = segments[-2]
    if NUMERIC_ID_RE.search(last) or (len(segments) > 1 and segments[-1].isdigit()
                                      and len(segments[-1]) >= 5):
        return True
    words = SLUG_WORD_RE.findall(last)
    return len(words) >= MIN_SLUG_WORDS and len(last) >= MIN_SLUG_LENGTH and (
        "-" in last or "_" in last)


def feed_links(response):
    """Absolute URLs of the feeds the page announces, in page order, each once."""
    found = []
    for link in response.xpath("//link[@href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES[:3]:
            url = urljoin(response.url, link.attrib["href"].strip())
            if urlsplit(url).scheme in ("http", "https") and url not in found:
                found.append(url)
    return found


def section_path(path):
    """``/category/business/`` -> ``category/business``; ``/`` -> None."""
    return "/".join(_segments(path)) or None


def section_links(response, owns_host):
    """{section path: URL} of the navigation links to the site's sections, in page order: on
    one of the site's hosts, one or two path segments, neither an article nor a page of the
    site's own (about, contact, subscribe, login, ...), without a query."""
    found = {}
    for href in response.xpath(NAV_XPATH).xpath("@href").getall():
        url = urljoin(response.url, href.strip())
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not owns_host(parts.hostname):
            continue
        segments = _segments(parts.path)
        if parts.query or not 1 <= len(segments) <= 2 or looks_like_article(parts.path):
            continue
        if segments[0].lower() in NOT_SECTION_SEGMENTS or FILE_EXTENSIONS_RE.search(
                segments[-1]) or segments[0].lower() in ("tag", "tags", "author", "authors"):
            continue
        if segments[0].lower() in ("category", "categories", "section", "sections",
                                   "topic", "topics") and len(segments) < 2:
            continue
        name = section_path(parts.path)
        if name not in found:
            found[name] = url.split("#")[0]
        if len(found) >= MAX_NAV_SECTIONS:
            break
    return found


def section_of_path(path, named=()):
    """The section an article URL path belongs to: the longest of the ``named`` sections that
    starts it, else its first segment when more follow and it is no date, else the site's
    root (``/``): ``/business/markets/slug`` -> ``business``, ``/2026/11/24/slug/`` -> ``/``."""
    for section in sorted(named, key=len, reverse=True):
        if path.startswith(f"/{section.strip('/')}/") or path.rstrip("/") == f"/{section}":
            return section
    segments = _segments(path)
    if len(segments) > 1 and not segments[0].isdigit() and \
            segments[0].lower() not in NOT_ARTICLE_SEGMENTS:
        return segments[0]
    return HOME_SECTION
