"""``newscrawl.extract(html, url)``: one page in, the record the crawl would export out.

The page goes through what the crawl runs for one article: ``extract_article`` (the site
module's selectors when the URL's host has one, the generic layer for everything else), then
the pipelines that apply to one item, cleaning and validation. The duplicates and state
pipelines need a whole run and are not run. See docs/extract.md.
"""

import re
from collections import Counter
from datetime import UTC, datetime

from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse

from newscrawl.extraction.article import extract_article
from newscrawl.extraction.errors import NotAnArticle
from newscrawl.pipelines.cleaning import CleaningPipeline
from newscrawl.pipelines.validation import ValidationPipeline, record

_DROP_REASON_RE = re.compile(r"invalid article \(([^)]+)\)")


class _Stats:
    """What the pipelines count, kept for the last call (``newscrawl.api.last_stats``)."""

    def __init__(self):
        self.values = Counter()

    def inc_value(self, key, count=1, start=0):
        self.values[key] += count


class _OneItemCrawler:
    """The part of a crawler the cleaning and validation pipelines use: its stats."""

    def __init__(self):
        self.stats = _Stats()


_CRAWLER = _OneItemCrawler()
_PIPELINES = []


def _pipelines():
    if not _PIPELINES:
        _PIPELINES.extend(cls.from_crawler(_CRAWLER)
                          for cls in (CleaningPipeline, ValidationPipeline))
    return _PIPELINES


def response_for(html, url, status=200, headers=None):
    """An ``HtmlResponse`` for a page given as text or bytes. Bytes are decoded as Scrapy
    decodes a response (Content-Type header if given, BOM, ``<meta charset>``, detection);
    text is taken as it is."""
    if isinstance(html, str):
        return HtmlResponse(url=url, body=html.encode("utf-8"), encoding="utf-8",
                            status=status, headers=headers)
    if isinstance(html, bytes | bytearray | memoryview):
        return HtmlResponse(url=url, body=bytes(html), status=status, headers=headers)
    raise TypeError(f"html must be str or bytes, not {type(html).__name__}")


def extract(html, url, *, site=None, fetched_at=None):
    """The record (a dict with the schema's keys, in order) the crawl would export for this
    page, or ``NotAnArticle`` with a ``reason``: ``listing``, ``search_page``,
    ``error_page``, ``gallery``, ``no_text``, ``botwall``, ``truncated``, ``empty``,
    ``not_html``, ``not_article``, or the validation's (``missing_headline``, ``schema``...).

    ``url`` is the page's address (it chooses the site module by host, and is the record's
    ``url``); ``site`` forces a ``newscrawl.sites.base.Site``; ``fetched_at`` (an aware
    datetime) is the record's ``crawled_at`` and the base of relative dates."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"url must be an absolute http(s) URL, not {url!r}")
    response = response_for(html, url)
    item = extract_article(response, site, fetched_at=fetched_at or datetime.now(UTC))
    _CRAWLER.stats.values.clear()
    for pipeline in _pipelines():
        try:
            item = pipeline.process_item(item)
        except DropItem as error:
            m = _DROP_REASON_RE.search(str(error))
            raise NotAnArticle(m[1] if m else "dropped", str(error)) from None
    return record(item)


def last_stats():
    """What the pipelines counted for the last page (stripped blocks, validation)."""
    return dict(_CRAWLER.stats.values)


__all__ = ["NotAnArticle", "extract", "response_for"]
