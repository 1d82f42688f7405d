"""WARC archives: what a crawl fetched, kept (``writer``), read back (``reader``) for
``scrapy reextract``, and served again on loopback (``replay``). See docs/warc.md.

Two request meta keys carry an archived response to the spider, whichever way it came (a
crawl that archives, or a re-extraction reading an archive):

- ``ARCHIVE_META``: the record the response is kept in, the article record's ``archive``
  value: ``{"warc_file", "record_id", "offset"}``;
- ``FETCHED_AT_META``: the record's ``WARC-Date`` (an aware datetime), the ``crawled_at``.
"""

from datetime import UTC, datetime

ARCHIVE_META = "newscrawl_archive"
FETCHED_AT_META = "newscrawl_fetched_at"


def parse_warc_date(text):
    """An aware UTC datetime from a WARC-Date (``2026-12-02T15:30:00Z``, fractions allowed)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def warc_date(moment):
    """The WARC-Date of a datetime: UTC, microseconds (WARC 1.1 allows fractions)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def archived(response):
    """(archive value, fetched-at datetime) of a response, (None, None) when it was not
    archived. Tolerates responses made without a request (tests, ``scrapy extract``)."""
    try:
        meta = response.meta
    except AttributeError:
        return None, None
    return meta.get(ARCHIVE_META), meta.get(FETCHED_AT_META)
