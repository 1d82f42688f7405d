"""How a feed is read: RSS 2.0, RSS 1.0 and Atom through feedparser, into ``Entry`` values.

feedparser copes with the feeds found in the wild (wrong encodings, HTML in titles, namespaces
such as the Japan Times' ``jto:``); a document it cannot read at all (``bozo`` and no entry) is
a broken feed, reported with its URL by the spider. Dates are parsed here with the project's
own parser (``extraction.dates``), not feedparser's, because feedparser drops the offset: the
site's day of publication depends on it. A date that cannot be read is kept as raw text on the
entry and counted by the spider; the entry is still followed, the article's own date decides.
"""

import re
from dataclasses import dataclass, field

import feedparser

from newscrawl.discovery.sources import Entry
from newscrawl.extraction import dates


@dataclass
class FeedRead:
    """What one feed document gave: its entries, and why it gave none when it is broken."""

    entries: list = field(default_factory=list)
    error: str | None = None
    # Entries whose date was present but unreadable (their URLs).
    bad_dates: list = field(default_factory=list)
    title: str = ""


def _text(value):
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _split(value):
    """``"a, b ,c"`` -> ``["a", "b", "c"]`` (the Japan Times' ``jto:tag``)."""
    return [part.strip() for part in _text(value).split(",") if part.strip()]


def entry_link(entry):
    """The article URL of a feed entry: ``link``, else the alternate link, else a permalink
    guid. Atom feeds give several links; the HTML alternate is the article."""
    for link in entry.get("links") or ():
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            if link.get("type", "text/html") in ("text/html", "application/xhtml+xml"):
                return link["href"].strip()
    if entry.get("link"):
        return entry["link"].strip()
    guid = entry.get("id") or ""
    if entry.get("guidislink") and guid.startswith("http"):
        return guid.strip()
    return ""


def entry_metadata(entry, article_id_re=None):
    """Fields a feed entry gives for the article (used where the page lacks them)."""
    meta = {}
    credit = _text(entry.get("jto_credit"))
    if credit:
        meta["credit"] = credit
    authors = [_text(a.get("name")) for a in entry.get("authors") or () if _text(a.get("name"))]
    if not authors:
        authors = [_text(entry.get(key)) for key in ("jto_author", "author")
                   if _text(entry.get(key))]
    if authors:
        meta["authors"] = authors
    tags = _split(entry.get("jto_tag")) or [
        _text(t.get("term")) for t in entry.get("tags") or () if _text(t.get("term"))]
    if tags:
        meta["tags"] = tags
    if article_id_re is not None:
        m = article_id_re.search(entry.get("id") or "")
        if m:
            meta["article_id"] = m.group(1)
    title = _text(entry.get("title"))
    if title:
        meta["headline"] = title
    return meta


def read_feed(body, url, *, timezone="UTC", article_id_re=None,
              content_type="application/xml"):
    """Read an RSS or Atom document (bytes) fetched from ``url``."""
    parsed = feedparser.parse(body, response_headers={"content-location": url,
                                                      "content-type": content_type})
    version = parsed.get("version") or ""
    if not parsed.entries:
        if parsed.get("bozo"):
            error = f"not a readable feed ({_text(parsed.get('bozo_exception'))[:120]})"
        elif not version:
            error = "not an RSS or Atom feed"
        else:
            error = "a feed with no entries"
        return FeedRead(error=error)
    read = FeedRead(title=_text(parsed.feed.get("title")))
    for entry in parsed.entries:
        link = entry_link(entry)
        if not link:
            continue
        # Read from the entry's own keys: feedparser's get("updated") falls back to
        # "published" (with a DeprecationWarning), which would make every date a change.
        own = entry.keys()
        raw_updated = _text(entry["updated"]) if "updated" in own else ""
        raw_published = _text(entry["published"]) if "published" in own else raw_updated
        published = dates.parse_date(raw_published, source="feed", timezone=timezone) \
            if raw_published else None
        updated = dates.parse_date(raw_updated, source="feed", timezone=timezone) \
            if raw_updated else None
        if raw_published and published is None:
            read.bad_dates.append(link)
        metadata = entry_metadata(entry, article_id_re)
        if published is not None:
            metadata["published_at"] = dates.iso(published)
            metadata["published_raw"] = raw_published
        read.entries.append(Entry(
            url=link, published=published, changed=updated or published,
            raw_date=raw_published, metadata=metadata,
        ))
    return read
