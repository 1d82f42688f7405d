"""Read WARC files, ours and others' (Common Crawl's CC-NEWS, wget, Browsertrix, Heritrix).

``scan(paths, site=None)`` goes through every record once (warcio, gzip or plain) and keeps the
``response`` records ``scrapy reextract`` can extract an article from; every other response-like
record is skipped with a reason, counted and logged by the re-extraction:

| reason | what |
|---|---|
| ``revisit`` | a ``revisit`` record (a deduplicated capture: no payload of its own) |
| ``resource`` | a ``resource`` record (wget's log and manifest, Browsertrix's screenshots) |
| ``other_type`` | ``conversion``, ``continuation``, or any type that is not a capture |
| ``not_http`` | a response without an HTTP status line (``dns:`` records, ...) |
| ``truncated`` | a record whose block ends before its ``Content-Length`` (the file was cut) |
| ``redirect`` | a 3xx answer: its target has a record of its own |
| ``not_html`` | the payload is not HTML (image, JSON, PDF, CSS, ...) |
| ``unknown_site`` | the host has no site module (``newscrawl.sites.site_for_url``); with |
|  | ``--generic`` (``scan(generic=True)``) such pages are kept for the generic extractor |
| ``other_site`` | the host is another site's than the one re-extracted |
| ``not_article_url`` | the site's page but not an article URL (listings, feeds, robots.txt) |
| ``superseded`` | a capture of a URL captured again later (retries, recrawls): the latest |
|  | wins, as the crawl kept the last answer |

warcinfo, request and metadata records are context, counted by type (``records``), never
"skipped". A file that ends in the middle of a record is read up to the cut; the cut is
reported (file, offset, error) and the next file is read. A path that is not a file, or a file
whose first record is not a WARC (or ARC) record, raises ``ArchiveError``: nothing is read.

``read_http_response(path, offset)`` gives one response record back as (status, protocol,
headers, body): the body as the site sent it (``Content-Encoding`` kept, so Scrapy's
decompression middleware does what it did in the crawl), with a chunked transfer framing
removed (``Transfer-Encoding`` dropped) and ``Content-Length`` set to the body's length,
whatever the recorded header said.
"""

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader

from newscrawl.archive import parse_warc_date
from newscrawl.sites import site_for_url, site_or_generic
from newscrawl.urls import normalize_url

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
CONTEXT_TYPES = {"warcinfo", "request", "metadata"}
SNIFF_BYTES = 1024


class ArchiveError(Exception):
    """The input is not a WARC file that can be read at all; the message says why."""


@dataclass
class ArchivedResponse:
    path: str          # the file to open
    warc_file: str     # the file as the record's ``archive`` names it
    offset: int
    record_id: str
    url: str
    date: datetime
    status: int
    order: int = 0     # position in the input, to break ties between equal dates
    # What the feed or sitemap that found the article said of it (the crawl's metadata record
    # beside the response): {"newscrawl_discovery": {...}, "newscrawl_source": ...}
    discovery: dict = field(default_factory=dict)

    @property
    def archive(self):
        return {"warc_file": self.warc_file, "record_id": self.record_id,
                "offset": self.offset}


@dataclass
class ArchiveIndex:
    site: object = None
    responses: list = field(default_factory=list)
    records: Counter = field(default_factory=Counter)     # by WARC-Type
    skipped: Counter = field(default_factory=Counter)     # by reason
    truncated: list = field(default_factory=list)         # [{file, offset, error}]
    files: list = field(default_factory=list)
    sites: Counter = field(default_factory=Counter)       # site name -> responses kept


def archive_name(path, warc_dir=None):
    """The file as records name it: relative to the WARC directory when inside it, else the
    path as given."""
    if warc_dir:
        try:
            return str(Path(path).resolve().relative_to(Path(warc_dir).resolve()))
        except ValueError:
            pass
    return str(path)


def content_type(http_headers):
    value = http_headers.get_header("Content-Type") or ""
    return value.split(";", 1)[0].strip().lower()


def looks_like_html(http_headers, head):
    ctype = content_type(http_headers)
    if ctype:
        return ctype in HTML_TYPES
    if http_headers.get_header("Content-Encoding"):
        return False  # cannot sniff a compressed body; nothing says it is HTML
    head = head.lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def is_article_url(site, url):
    parts = urlsplit(url)
    return (parts.scheme in ("http", "https") and site.owns_host(parts.hostname)
            and bool(site.article_path_re.match(parts.path)))


def _classify(record, head, site, generic=False):
    """(reason to skip, site) of a response-like record; reason None to keep it. With
    ``generic``, a host without a module is read as its generic ``Site`` (any page but the
    home page may be an article: the extraction refuses the others with a reason)."""
    kind = record.rec_type
    if kind == "revisit":
        return "revisit", None
    if kind == "resource":
        return "resource", None
    if kind != "response":
        return "other_type", None
    if record.http_headers is None or not record.http_headers.get_statuscode():
        return "not_http", None
    try:
        status = int(record.http_headers.get_statuscode())
    except ValueError:
        return "not_http", None
    if 300 <= status < 400:
        return "redirect", None
    if not looks_like_html(record.http_headers, head):
        return "not_html", None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    owner = site_or_generic(url) if generic else site_for_url(url)
    if owner is None:
        return "unknown_site", None
    if site is not None and owner is not site:
        return "other_site", owner
    if not is_article_url(owner, url):
        return "not_article_url", owner
    return None, owner


def _check_file(path):
    file = Path(path)
    if not file.exists():
        raise ArchiveError(f"{path}: no such file")
    if not file.is_file():
        raise ArchiveError(f"{path}: not a file")


def check_warc(path):
    """Raise ``ArchiveError`` unless ``path`` is a file whose first record is a WARC's."""
    _check_file(path)
    with open(path, "rb") as f:
        try:
            next(iter(ArchiveIterator(f)))
        except StopIteration:
            raise ArchiveError(f"{path}: not a WARC file (no record in it)") from None
        except Exception as error:  # noqa: BLE001
            raise ArchiveError(f"{path}: not a WARC file ({error})".strip()) from None


def scan(paths, site=None, warc_dir=None, generic=False):
    """The ``ArchiveIndex`` of the files: the article responses of ``site`` (of any known
    site when None), the rest counted by reason. Raises ``ArchiveError`` before reading
    anything when a path is missing, and for a file that is not a WARC at all."""
    for path in paths:
        _check_file(path)
    index = ArchiveIndex(site=site)
    order = 0
    discovery = {}  # response record id -> what discovery said of its article
    for path in paths:
        name = archive_name(path, warc_dir)
        index.files.append(name)
        first = True
        with open(path, "rb") as f:
            iterator = ArchiveIterator(f)
            last_end = 0
            try:
                for record in iterator:
                    kind = record.rec_type
                    index.records[kind] += 1
                    if kind == "metadata":
                        read_discovery(record, discovery)
                    if kind in CONTEXT_TYPES:
                        iterator.read_to_end()
                        first = False
                        last_end = sum(iterator.member_info)
                        continue
                    head = record.raw_stream.read(SNIFF_BYTES) if record.raw_stream else b""
                    offset = iterator.get_record_offset()  # reads the record to its end
                    last_end = offset + iterator.get_record_length()
                    first = False
                    order += 1
                    if getattr(record.raw_stream, "limit", 0) > 0:
                        index.skipped["truncated"] += 1
                        index.truncated.append({
                            "file": name, "offset": offset,
                            "error": f"record cut short: {record.raw_stream.limit} of "
                                     f"{record.length} bytes missing"})
                        continue
                    reason, owner = _classify(record, head, site, generic)
                    if reason:
                        index.skipped[reason] += 1
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    index.sites[owner.name] += 1
                    index.responses.append(ArchivedResponse(
                        path=str(path), warc_file=name, offset=offset,
                        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
                        url=url,
                        date=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
                        status=int(record.http_headers.get_statuscode()), order=order))
            except Exception as error:  # noqa: BLE001 (any parse error ends this file)
                if first:
                    raise ArchiveError(f"{path}: not a WARC file ({error})".strip()) from None
                index.truncated.append({"file": name, "offset": last_end,
                                        "error": f"unreadable after this offset: {error}"})
        if first:
            raise ArchiveError(f"{path}: not a WARC file (no record in it)")
    for entry in index.responses:
        entry.discovery = discovery.get(entry.record_id, {})
    index.responses = latest_per_url(index)
    return index


def read_discovery(record, into):
    """A crawl's metadata record of what a feed or sitemap said of an article (JSON,
    ``WARC-Concurrent-To`` its response); other tools' metadata records are left alone."""
    if (record.rec_headers.get_header("Content-Type") or "").split(";")[0] != "application/json":
        return
    target = record.rec_headers.get_header("WARC-Concurrent-To")
    try:
        value = json.loads(record.content_stream().read(1 << 20))
    except (ValueError, UnicodeDecodeError):
        return
    if target and isinstance(value, dict) and "newscrawl_discovery" in value:
        into[target] = value


def _when(entry):
    return (entry.date.timestamp() if entry.date else 0.0, entry.order)


def latest_per_url(index):
    """One response per article URL, the latest capture; the others count as superseded."""
    latest = {}
    for entry in index.responses:
        owner = site_or_generic(entry.url)
        key = normalize_url(entry.url, hosts=owner.hosts, keep_query=True)
        known = latest.get(key)
        if known is None:
            latest[key] = entry
            continue
        index.skipped["superseded"] += 1
        if _when(entry) >= _when(known):
            latest[key] = entry
    return sorted(latest.values(), key=lambda e: e.order)


def _read_all(stream):
    chunks = []
    while chunk := stream.read(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def read_http_response(path, offset):
    """(status, protocol, [(name, value)], body) of the HTTP response record at ``offset``."""
    with open(path, "rb") as f:
        f.seek(offset)
        record = next(iter(ArchiveIterator(f)))
        http = record.http_headers
        body = _read_all(record.raw_stream)
    chunked = "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
    if chunked:
        body = _read_all(ChunkedDataReader(BytesIO(body)))
    headers = [(name, value) for name, value in http.headers
               if name.lower() not in ("transfer-encoding", "content-length")]
    headers.append(("Content-Length", str(len(body))))
    return int(http.get_statuscode()), http.protocol or "HTTP/1.1", headers, body
