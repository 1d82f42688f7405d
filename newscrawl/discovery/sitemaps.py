"""How a sitemap is read: indexes, plain urlsets with ``lastmod``, Google News sitemaps with
``news:publication_date``, gzip-compressed files, and ``Sitemap:`` lines of robots.txt.

Parsing is Scrapy's (``scrapy.utils.sitemap``: a streaming, entity-safe lxml parser, the one
``SitemapSpider`` uses) and so is decompression (``scrapy.utils.gz.gunzip``, with the download
size limit). Scrapy's reader keeps only the direct children of ``<url>``, so the ``<news:news>``
block of a Google News sitemap is read here from the same element before it is cleared.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

import lxml.etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from newscrawl.discovery.sources import Entry
from newscrawl.extraction import dates

GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class SitemapRead:
    """What one sitemap document gave: ``kind`` is ``index`` (child sitemaps in ``entries``)
    or ``urlset`` (article entries); ``error`` says why a document gave nothing."""

    kind: str = ""
    entries: list = field(default_factory=list)
    error: str | None = None
    bad_dates: list = field(default_factory=list)
    news: bool = False


class NewsAwareSitemap(Sitemap):
    """Scrapy's ``Sitemap``, keeping ``<news:news>``'s publication date and title."""

    __slots__ = ()

    def _process_sitemap_element(self, elem):
        news = {}
        for child in elem:
            if self._get_tag_name(child) == "news":
                for part in child.iter():
                    name = self._get_tag_name(part)
                    if name in ("publication_date", "title") and part.text:
                        news[name] = part.text.strip()
        d = super()._process_sitemap_element(elem)
        if d is not None and news:
            d["news"] = news
        return d


def body_of(raw, max_size=None):
    """The XML of a sitemap response body: gunzipped when it is gzip (``.xml.gz`` served as
    ``application/x-gzip``); as it is when the HTTP layer already decompressed it."""
    if raw[:2] == GZIP_MAGIC:
        return gunzip(raw, max_size=max_size or 0)
    return raw


def robots_sitemaps(robots_body, base_url):
    """The ``Sitemap:`` URLs of a robots.txt body."""
    return list(dict.fromkeys(sitemap_urls_from_robots(robots_body, base_url=base_url)))


def _date(text, timezone):
    return dates.parse_date(text, source="meta", timezone=timezone) if text else None


def read_sitemap(raw, url, *, timezone="UTC", max_size=None):
    """Read a sitemap document (bytes, maybe gzip) fetched from ``url``."""
    try:
        body = body_of(raw, max_size)
    except (OSError, EOFError, ValueError) as error:
        return SitemapRead(error=f"not a readable gzip file ({error})")
    try:
        sitemap = NewsAwareSitemap(body)
        kind = sitemap.type
        if kind not in ("urlset", "sitemapindex"):
            return SitemapRead(error=f"not a sitemap (its root element is <{kind}>)")
        read = SitemapRead(kind="index" if kind == "sitemapindex" else "urlset")
        for d in sitemap:
            loc = (d.get("loc") or "").strip()
            if not loc:
                continue
            raw_lastmod = d.get("lastmod", "")
            lastmod = _date(raw_lastmod, timezone)
            news = d.get("news") or {}
            raw_published = news.get("publication_date", "")
            published = _date(raw_published, timezone)
            if (raw_lastmod and lastmod is None) or (raw_published and published is None):
                read.bad_dates.append(loc)
            metadata = {}
            if news:
                read.news = True
                if news.get("title"):
                    metadata["headline"] = news["title"]
            if published is not None:
                metadata["published_at"] = dates.iso(published)
                metadata["published_raw"] = raw_published
            read.entries.append(Entry(
                url=loc, published=published,
                changed=_newest(lastmod, published),
                raw_date=raw_published or raw_lastmod, metadata=metadata,
            ))
    except (lxml.etree.XMLSyntaxError, StopIteration) as error:
        return SitemapRead(error=f"not readable XML ({error or 'empty document'})")
    if not read.entries and read.kind == "urlset" and not body.strip():
        read.error = "an empty document"
    return read


def _newest(*values):
    """The latest of dates and datetimes (a bare date counts as its start)."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return max(present, key=lambda v: dates.as_timestamp(v))


def period_of(url, pattern):
    """The first and last day a date-organised sitemap covers, read from its URL with the
    site's ``sitemap_period`` regex (groups ``year``, optional ``month`` and ``day``), or None.
    ``posts-2020-02.xml.gz`` -> (2020-02-01, 2020-02-29)."""
    if not pattern:
        return None
    m = re.search(pattern, url)
    if not m:
        return None
    groups = m.groupdict()
    try:
        year = int(groups["year"])
        month = int(groups["month"]) if groups.get("month") else None
        day = int(groups["day"]) if groups.get("day") else None
        if day and month:
            first = last = date(year, month, day)
        elif month:
            first = date(year, month, 1)
            last = date(year, month, calendar.monthrange(year, month)[1])
        else:
            first, last = date(year, 1, 1), date(year, 12, 31)
    except (KeyError, TypeError, ValueError):
        return None
    return first, last
