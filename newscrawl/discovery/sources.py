"""What every source hands the spider, and the per-source, per-section bookkeeping.

A source (a section listing, a feed, a sitemap) yields ``Entry`` values. The spider decides
whether each entry is an article of an asked section in the asked date range, requests each
URL once, and tallies here what each source found and cost. The tallies live in one stats
value, ``newscrawl/sources`` (``{label: {...}}``), that the report, the demo summary and the
"Discovery sources" monitor read.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

STAT_SOURCES = "newscrawl/sources"

KINDS = ("listings", "feeds", "sitemaps")
# The kind of each source, as it appears in a label ("feed:/feed/").
KIND_OF_LABEL = {"listing": "listings", "feed": "feeds", "sitemap": "sitemaps"}


@dataclass
class Entry:
    """An article URL as a source gives it, with what the source says about the article."""

    url: str
    # The article's publication date or time per the source (feed pubDate, news sitemap
    # publication date, listing teaser date): filters -a since / -a until.
    published: datetime | date | None = None
    # The source's newest-change signal (sitemap lastmod, feed updated/pubDate): an article
    # exported before is fetched again when this is newer than what the state knows.
    changed: datetime | date | None = None
    # The raw date text, for logs (garbage dates are counted, not guessed).
    raw_date: str = ""
    # Fields the source gives (credit, authors, tags, article_id, published_at): used only
    # where the article page lacks them.
    metadata: dict = field(default_factory=dict)


def label(kind, name):
    """``listing:news/japan``, ``feed:/feed/``, ``sitemap:/news-sitemap.xml``."""
    return f"{kind}:{name}"


def new_tally():
    return {"links": 0, "kept": 0, "requests": 0, "new": 0, "updated": 0, "pages": 0,
            "status": "asked", "error": None, "sections": {}}


def new_section_tally():
    return {"links": 0, "requests": 0, "new": 0, "updated": 0}


def tallies(stats):
    """The ``newscrawl/sources`` stats value, created on first use (one dict, mutated)."""
    value = stats.get_value(STAT_SOURCES)
    if value is None:
        value = {}
        stats.set_value(STAT_SOURCES, value)
    return value


def tally(stats, source):
    return tallies(stats).setdefault(source, new_tally())


def section_tally(stats, source, section):
    return tally(stats, source)["sections"].setdefault(section, new_section_tally())


def count(stats, source, key, section=None, n=1):
    """Add ``n`` to a source's counter (and to its section's, when given and tallied there)."""
    entry = tally(stats, source)
    entry[key] = entry.get(key, 0) + n
    if section is not None and key in ("links", "requests", "new", "updated"):
        section_tally(stats, source, section)[key] += n


def set_status(stats, source, status, error=None):
    entry = tally(stats, source)
    entry["status"] = status
    if error:
        entry["error"] = error


def count_export(stats, meta, kind):
    """An exported article (``kind``: new or updated) credited to the source that found it."""
    source = (meta or {}).get("newscrawl_source")
    if source and kind in ("new", "updated"):
        count(stats, source, kind, section=meta.get("newscrawl_section"))


def by_section(sources):
    """{section: {links, requests, new, updated}} summed over every source."""
    totals = {}
    for entry in sources.values():
        for section, counts in entry.get("sections", {}).items():
            total = totals.setdefault(section, new_section_tally())
            for key, value in counts.items():
                total[key] += value
    return dict(sorted(totals.items()))


def silent_sources(sources):
    """Sources that were asked and fetched but gave no article link: labels with a reason.

    Absent sources (404) and sources skipped for the date range are not judged: they were
    never there to give anything; nor a generic site's sitemaps that list only its other
    pages (``no_articles``: WordPress's pages, categories and users sitemaps). A malformed
    document is judged: it gave nothing.
    """
    silent = []
    for name, entry in sorted(sources.items()):
        if entry["status"] in ("absent", "skipped", "asked", "disallowed",
                               "no_articles"):
            continue
        if entry["status"] == "index":
            if entry.get("children", 0) == 0:
                silent.append(f"{name}: a sitemap index listing no sitemap")
            continue
        if entry["links"] == 0:
            why = entry.get("error") or "no article link of the site"
            silent.append(f"{name}: {why}")
    return silent


# Fields a source may give for an article, filled only where the page gave nothing.
FILLABLE = ("credit", "authors", "tags", "article_id")


def fill_missing(item, metadata, site, source_kind):
    """Fill the item's empty fields from what the source said of the article; the page's
    values always win. Returns the names of the fields filled. A date taken from the source
    sets ``date_source`` to the source's kind (``feed`` or ``sitemap``)."""
    if not metadata:
        return []
    # The loader's processors normalise source values exactly as page values (names, credits,
    # placeholders such as "Staff writer", tag splitting): imported here to keep discovery
    # light for the modules that only read documents.
    from newscrawl.extraction.loaders import ArticleLoader
    from newscrawl.items import ArticleItem

    loader = ArticleLoader(item=ArticleItem(), site=site)
    for key in FILLABLE:
        if metadata.get(key):
            loader.add_value(key, metadata[key])
    given = loader.load_item()
    filled = []
    for key in FILLABLE:
        if given.get(key) and not item.get(key):
            item[key] = given[key]
            filled.append(key)
    if metadata.get("published_at") and not item.get("published_at"):
        item["published_at"] = metadata["published_at"]
        item["published_raw"] = metadata.get("published_raw") or metadata["published_at"]
        item["date_source"] = "sitemap" if source_kind == "sitemaps" else "feed"
        filled.append("published_at")
    return filled
