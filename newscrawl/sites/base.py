"""What a site is, as data: hosts, sections, URL patterns, selectors, boilerplate, time zone.

The machinery (spider, loader, pipelines) is shared; adding a site means adding one module
with a ``Site`` in ``newscrawl/sites/`` and registering it in ``newscrawl/sites/__init__.py``.

Selectors are CSS (parsel) searched inside the page's article block (``article_block``),
``page:`` + CSS over the whole page, ``xpath:`` + XPath with the article block as context, or
``meta:`` + a ``<meta>`` name (``extraction.specs`` reads them all). Field selectors are tried
in order and the first that gives a value wins; machine-readable sources (JSON-LD, meta) are
read by the shared extraction before the site's visible-text selectors.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache


@dataclass(frozen=True)
class Listing:
    """How a section page lists its articles. One ``Listing`` per layout of the site."""

    # A teaser: the block that links one article from a section page.
    teaser: str
    # Inside a teaser: its link to the article, and the date it prints (optional).
    teaser_link: str
    teaser_date: str = ""
    # The link to the next page of the section.
    next_page: str = ""


@dataclass(frozen=True)
class Site:
    name: str
    label: str
    # The site's hosts, preferred (canonical) first.
    hosts: tuple
    language: str
    timezone: str
    # Section path on the site (no slashes around) -> label.
    sections: dict
    default_sections: tuple
    # An article URL's path: must match for a teaser link to be followed.
    article_path: str
    listings: tuple
    # The element that holds an article page's fields and body (not the site's navigation,
    # sidebars or footer): field selectors search inside it. The first spec that matches
    # wins; a page with none of them is searched whole, so this is never a reason to miss.
    article_block: tuple
    # Article fields -> selectors in priority order (visible markup; JSON-LD and meta are read
    # first by the shared extraction where they exist).
    selectors: dict
    # Boilerplate blocks inside the article body, kind -> CSS selectors: removed before the
    # paragraphs are read, counted as ``newscrawl/stripped/<kind>``.
    boilerplate_blocks: dict
    # Boilerplate paragraphs, kind -> regex matched against a whole paragraph's text (for
    # promos that come as plain text, without markup of their own).
    boilerplate_text: dict
    # Suffixes the site appends to titles (" | The Japan Times").
    headline_suffixes: tuple = ()
    # Byline values that are not people: "No Author", the paper's name, roles.
    author_placeholders: tuple = ()
    # Bot-wall pages: title or body markers ("Just a moment...").
    botwall_markers: tuple = ()
    # Elements whose presence means the page served a preview only.
    paywall_markers: tuple = ()
    # Monitors: the lowest acceptable share of articles with authors or a credit, in percent.
    min_byline_coverage: float = 60
    # --- discovery (newscrawl.discovery) ---------------------------------------------------
    # The site's RSS/Atom feeds (paths or URLs), and per-section feed URL templates with
    # "{section}" for the section path. A feed that answers 404 is logged as absent.
    feeds: tuple = ()
    section_feeds: tuple = ()
    # Sitemaps besides the ``Sitemap:`` lines of robots.txt (paths or URLs).
    sitemaps: tuple = ()
    # A date-organised sitemap's period, from its URL: a regex with groups ``year`` and
    # optional ``month``/``day`` (lets a date-range backfill skip the sitemaps outside it).
    sitemap_period: str = ""
    # The section an article URL belongs to: (regex on the URL path, "template" filled from
    # its named groups), first match wins. Feeds and sitemaps are filtered by sections this way.
    url_sections: tuple = ()
    # The article id in a feed entry's guid (group 1), e.g. r"/article/(\d+)/".
    feed_article_id: str = ""
    extra: dict = field(default_factory=dict)
    # True for the stand-in of a site without a module (``generic_site``): every field is
    # read by the generic layer (``newscrawl.extraction.generic``).
    generic: bool = False

    @property
    def base_url(self):
        return f"https://{self.hosts[0]}"

    def section_url(self, path):
        return f"{self.base_url}/{path.strip('/')}/"

    @cached_property
    def article_path_re(self):
        return re.compile(self.article_path)

    @cached_property
    def boilerplate_text_re(self):
        """One regex for every boilerplate text pattern, a named group per kind, in the
        order given: ``fullmatch(text).lastgroup`` is the kind of the first pattern that
        matches the whole text. One match per paragraph instead of one per kind."""
        return re.compile("|".join(f"(?P<{kind}>{pattern})"
                                   for kind, pattern in self.boilerplate_text.items()),
                          re.IGNORECASE | re.DOTALL)

    def absolute(self, path_or_url):
        """A declared feed or sitemap location as a URL on the site's preferred host."""
        return path_or_url if "://" in path_or_url else self.base_url + path_or_url

    @cached_property
    def url_sections_re(self):
        return tuple((re.compile(pattern), template) for pattern, template in self.url_sections)

    def section_of(self, path):
        """The section path an article URL path belongs to (``/news/2023/11/24/japan/x/`` ->
        ``news/japan``), or None."""
        for pattern, template in self.url_sections_re:
            m = pattern.match(path)
            if m:
                return template.format(**m.groupdict())
        return None

    @cached_property
    def feed_article_id_re(self):
        return re.compile(self.feed_article_id) if self.feed_article_id else None

    def owns_host(self, host):
        host = (host or "").lower()
        bare = host.removeprefix("www.")
        return any(bare == h.removeprefix("www.") for h in self.hosts)


# Bot walls any site may put up: Cloudflare's, DataDome's, PerimeterX's, Akamai's, Imperva's.
# Phrases of the challenge pages themselves, not the scripts these services add to ordinary
# pages ("challenge-platform" is in many normal Cloudflare pages), so an article is never
# mistaken for a wall.
GENERIC_BOTWALL_MARKERS = (
    "<title>Just a moment...</title>", "Checking your browser before accessing",
    "Attention Required! | Cloudflare", "Please verify you are a human",
    "captcha-delivery.com", "Access to this page has been denied", "Pardon Our Interruption",
    "Please enable JS and disable any ad blocker", "Are you a robot?",
    "Request unsuccessful. Incapsula incident",
)


def registrable_name(host):
    """The registrable part of a host, the name a site without a module is known by:
    "www.example-news.com" -> "example-news.com", "news.bbc.co.uk" -> "bbc.co.uk". Uses the
    public suffix list bundled with tldextract (never fetched); an IP address or a name
    without a known suffix is kept whole."""
    host = (host or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    parts = _suffix_extractor()(host)
    name = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix \
        else host.removeprefix("www.")
    # What the schema allows a site name to be: letters, digits, dots and dashes.
    return re.sub(r"[^a-z0-9.-]+", "-", name).strip(".-") or "unknown"


_EXTRACTOR = []


def _suffix_extractor():
    if not _EXTRACTOR:
        import tldextract

        # suffix_list_urls=(): the bundled snapshot only, no network, no cache files.
        _EXTRACTOR.append(tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None))
    return _EXTRACTOR[0]


@lru_cache(maxsize=1024)
def generic_site(host):
    """A ``Site`` for a host without a module: no selectors, so every field is read by the
    generic layer; named by the host's registrable name. The cleaning and validation
    pipelines take it as they take a site module."""
    host = (host or "").lower()
    return Site(
        name=registrable_name(host), label=host, hosts=(host,), language="",
        timezone="UTC", sections={}, default_sections=(), article_path=r"^/.+",
        listings=(), article_block=(), selectors={}, boilerplate_blocks={},
        boilerplate_text={"ad": r"advertisement"},
        botwall_markers=GENERIC_BOTWALL_MARKERS, min_byline_coverage=50, generic=True,
    )
