"""An offline snapshot of The Japan Times, served from loopback.

Everything the crawler and its tests need to run without the internet: listing pages of four
sections in both site layouts, article pages, the special cases a crawler must survive (bot
wall, truncated page, server error, tracking link, paywalled previews, an article listed
twice), ``/robots.txt``, feeds and sitemaps.

- ``manifest.json`` maps each served path (with its query string when it has one) to
  ``{"file", "status", "content_type"}``; ``file`` is relative to ``site/``.
- ``expected.json`` is the ground truth: one record per good article, plus ``special``
  (the URLs of the special cases) and ``listings`` (the listing pages of each section).

Discovery (docs/snapshot.md): ``/feed/`` (generated in the real 2023 feed's format), section
feeds, a sitemap index with plain and gzip-compressed urlsets and a news sitemap, a section in
markup no listing selector knows (``news/world``), an empty one (``opinion``), articles only one
source reaches, and variants (``variants.json``, ``site-variants/``): second states of the site
the server serves when asked (``SnapshotServer(variants=("updated",))``).
``expected.json`` -> ``discovery`` describes them; ``expected_articles()`` answers which good
articles a crawl of some sections through some sources should export.

All pages except the real 2020 article are synthetic; see docs/snapshot.md.
``python -m newscrawl.snapshot build`` regenerates them from the data in this package.
"""

import copy
import json
import re
from pathlib import Path

SNAPSHOT_DIR = Path(__file__).resolve().parent
SITE_HOST = "www.japantimes.co.jp"
SITE_ORIGIN = f"https://{SITE_HOST}"

# Every site of the snapshot, by name: the Japan Times (this directory) and the generic sites,
# news sites without a site module in two markups (``generic/``, docs/snapshot.md).
GENERIC_DIR = SNAPSHOT_DIR / "generic"
SNAPSHOT_SITES = {
    "japantimes": SNAPSHOT_DIR,
    "harbor-gazette": GENERIC_DIR / "harbor-gazette",
    "northfield-tribune": GENERIC_DIR / "northfield-tribune",
}
GENERIC_SITES = ("harbor-gazette", "northfield-tribune")


def snapshot_root(site):
    """The directory of a snapshot site by name (``generic``: the first generic site)."""
    name = GENERIC_SITES[0] if site == "generic" else site
    try:
        return SNAPSHOT_SITES[name]
    except KeyError:
        raise ValueError(f"unknown snapshot site {site!r}; known: "
                         f"{', '.join(SNAPSHOT_SITES)}, generic") from None


# The section listing paths the snapshot holds, in crawl order.
SECTIONS = ("news/national", "news/asia-pacific", "news/japan", "business")


def _root(root=None):
    return Path(root) if root is not None else SNAPSHOT_DIR


def load_manifest(root=None):
    """The manifest of the snapshot at ``root`` (default: the packaged one)."""
    return json.loads((_root(root) / "manifest.json").read_text(encoding="utf-8"))


def load_expected(root=None):
    """The ground truth of the snapshot at ``root`` (default: the packaged one)."""
    return json.loads((_root(root) / "expected.json").read_text(encoding="utf-8"))


# What a crawl covers when no sections are named (the site module's default_sections).
DEFAULT_SECTIONS = ("news/japan", "news/asia-pacific", "news/national", "business")
DISCOVERY_SOURCES = ("listings", "feeds", "sitemaps")

_SECTION_RE = re.compile(r"^/(?:news/\d{4}/\d\d/\d\d/(?P<sub>[a-z0-9-]+)"
                         r"|(?P<top>[a-z0-9-]+)/\d{4}/\d\d/\d\d)/")


def section_of(url):
    """The section an article belongs to by its URL path: ``/news/2023/11/24/japan/...`` ->
    ``news/japan``, ``/business/2023/11/24/...`` -> ``business``; None for other paths."""
    path = re.sub(r"^https?://[^/]+", "", url)
    m = _SECTION_RE.match(path)
    if not m:
        return None
    return f"news/{m['sub']}" if m["sub"] else m["top"]


def expected_articles(root=None, sections=None, sources=None, variants=()):
    """The good (exported) article records a crawl should find: those reachable from the
    section paths ``sections`` (default ``DEFAULT_SECTIONS``) through ``sources`` (a subset of
    ``("listings", "feeds", "sitemaps")``, default all), as the snapshot served with
    ``variants`` has them.

    Through listings an article is reachable from the sections whose listing pages link it
    (the business listing links a news/japan article); through feeds and sitemaps, which are
    site-wide, from the section its URL belongs to (``section_of``). With the ``updated``
    variant the updated article has its new ``modified_at`` and its correction paragraph; with
    ``broken`` the malformed documents give nothing. Records are copies, in ``expected.json``
    order (the listing-reachable ``articles`` first, then ``discovery.articles``)."""
    truth = load_expected(root)
    if isinstance(sections, str) or isinstance(sources, str):
        raise TypeError("sections and sources are collections of names, not one string")
    sections = set(DEFAULT_SECTIONS if sections is None else sections)
    sources = tuple(DISCOVERY_SOURCES if sources is None else sources)
    unknown = set(sources) - set(DISCOVERY_SOURCES)
    if unknown:
        raise ValueError(f"unknown sources {sorted(unknown)}; known: {DISCOVERY_SOURCES}")
    variants = tuple(variants or ())
    discovery = truth["discovery"]
    known = set(discovery["variants"])
    if set(variants) - known:
        raise ValueError(f"unknown variants {sorted(set(variants) - known)}; "
                         f"known: {sorted(known)}")
    cases = discovery["cases"]
    dead = set(cases["malformed"]["paths"]) if "broken" in variants else set()
    out = []
    for record in truth["articles"] + discovery["articles"]:
        found = record["sources"]
        reachable = False
        if "listings" in sources:
            reachable |= bool(sections & set(found["listings"]))
        if section_of(record["url"]) in sections:
            for kind in ("feeds", "sitemaps"):
                if kind in sources and set(found[kind]) - dead:
                    reachable = True
        if not reachable:
            continue
        record = copy.deepcopy(record)
        if "updated" in variants and record["url"] == cases["updated"]["url"]:
            record["modified_at"] = cases["updated"]["new_modified_at"]
            record["paragraphs"].append(cases["updated"]["new_paragraph"])
        out.append(record)
    return out
