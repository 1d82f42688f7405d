"""Retries for a site having a bad day, and UTF-8 pages with a wrong charset label.

``RetryMiddleware`` replaces Scrapy's (same slot, 550) and keeps its settings (``RETRY_TIMES``,
``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, ``max_retry_times``/``dont_retry`` meta), adding:

- **backoff**: the n-th retry of a request waits ``NEWSCRAWL_RETRY_BACKOFF * 2**(n-1)``
  seconds (at most ``NEWSCRAWL_RETRY_BACKOFF_MAX``) before it is handed back to the scheduler;
- **Retry-After**: a 429/503 with ``Retry-After`` (seconds or an HTTP date) waits that long
  instead, at most ``NEWSCRAWL_RETRY_AFTER_MAX`` seconds;
- **truncated bodies**: a 200 HTML answer whose body lacks ``</html>`` (the connection closed
  early, no length to tell) is retried like an error; after the last try it goes to the spider,
  which drops it as ``truncated`` (giving up is logged as a WARNING, not an ERROR);
- **pages above DOWNLOAD_MAXSIZE**: Scrapy cancels them; they are retried (a transient
  oversize answer happens), and after the last try the errback sees ``PageTooLarge``, so the
  report lists the page with the reason ``PageTooLarge``.

Each retry is counted as ``newscrawl/retry/<reason>`` (``http_429``, ``truncated``,
``too_large``, ``DownloadTimeoutError``...) besides Scrapy's ``retry/*`` stats, and the time
spent waiting as ``newscrawl/retry/wait_seconds``. The wait happens in the middleware (an
``async`` ``process_response``): it holds one of ``CONCURRENT_REQUESTS`` while it waits.

``Utf8LabelMiddleware`` (580, after decompression): a response labelled with a single-byte
charset (``iso-8859-1``, ``windows-1252``, ``ascii``) whose body is valid UTF-8 with multi-byte
sequences, and that declares ``<meta charset="utf-8">``, is read as UTF-8: legacy text is
practically never valid UTF-8 by chance, and the label is the server's mistake. Counted as
``newscrawl/charset/relabelled``.
"""

import email.utils
import logging
import re
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware as ScrapyRetryMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message
from twisted.internet.defer import CancelledError

from newscrawl.extraction import pagechecks

logger = logging.getLogger(__name__)

STAT_RETRY = "newscrawl/retry/"
STAT_WAIT = "newscrawl/retry/wait_seconds"
STAT_RELABELLED = "newscrawl/charset/relabelled"


class PageTooLarge(DownloadCancelledError):
    """The page was larger than DOWNLOAD_MAXSIZE on every try."""


def is_truncated(response):
    """A 200 HTML response whose page does not end (``newscrawl.extraction.pagechecks``)."""
    return (response.status == 200 and isinstance(response, HtmlResponse)
            and pagechecks.is_truncated(response))


def retry_after_seconds(value, now=None):
    """Seconds from a Retry-After header value (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _is_oversize(exception):
    # Scrapy cancels a download above DOWNLOAD_MAXSIZE: DownloadCancelledError whether the size
    # was declared (message names the max size) or counted while streaming (Twisted's
    # CancelledError, wrapped with an empty message). Nothing else cancels a download here.
    return isinstance(exception, DownloadCancelledError | CancelledError)


class RetryMiddleware(ScrapyRetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSCRAWL_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("NEWSCRAWL_RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX", 120.0)
        self.retry_truncated = settings.getbool("NEWSCRAWL_RETRY_TRUNCATED", True)

    def _stats(self):
        return self.crawler.stats

    def delay(self, retry, response=None):
        """Seconds to wait before the ``retry``-th retry (1-based)."""
        if response is not None and response.status in (429, 503):
            after = retry_after_seconds(response.headers.get(b"Retry-After"))
            if after is not None:
                return min(after, self.retry_after_max)
        return min(self.backoff * 2 ** (retry - 1), self.backoff_max)

    def _retry_quietly(self, request, reason):
        """Like ``_retry``, but giving up is a WARNING: the spider reports the page itself
        (dropped as ``truncated``, or listed as failed), which is no error of the crawl."""
        return get_retry_request(
            request, spider=self.crawler.spider, reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", logging.WARNING),
        )

    async def _retry_later(self, request, reason, key, response=None, quiet=False):
        new = self._retry_quietly(request, reason) if quiet else self._retry(request, reason)
        if new is None:
            return None
        self._stats().inc_value(STAT_RETRY + key)
        wait = self.delay(new.meta.get("retry_times", 1), response)
        if wait > 0:
            self._stats().inc_value(STAT_WAIT, round(wait, 3))
            logger.debug("Retrying %s (%s) in %.1f s", request.url, key, wait)
            await sleep(wait)
        return new

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False):
            return response
        if response.status in self.retry_http_codes:
            reason = response_status_message(response.status)
            new = await self._retry_later(request, reason, f"http_{response.status}", response,
                                          quiet=True)
            return new or response
        if self.retry_truncated and is_truncated(response):
            new = await self._retry_later(request, "truncated body (no </html>)", "truncated",
                                         quiet=True)
            return new or response
        return response

    async def process_exception(self, request, exception, spider=None):
        if request.meta.get("dont_retry", False):
            return None
        if _is_oversize(exception):
            new = await self._retry_later(request, "page above DOWNLOAD_MAXSIZE", "too_large",
                                         quiet=True)
            if new is None:
                raise PageTooLarge(f"larger than DOWNLOAD_MAXSIZE on every try: {request.url}")
            return new
        if isinstance(exception, self.exceptions_to_retry):
            return await self._retry_later(request, exception, type(exception).__name__,
                                           quiet=True)
        return None


SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "ascii",
               "us-ascii", "iso-8859-15"}
META_UTF8 = re.compile(rb"<meta[^>]+charset=[\"']?utf-?8", re.I)


class Utf8LabelMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse):
            return response
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        match = re.search(r"charset=[\"']?([\w.-]+)", ctype)
        if not match or match.group(1) not in SINGLE_BYTE:
            return response
        body = response.body
        if body.isascii() or not META_UTF8.search(body[:4096]):
            return response
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        self.crawler.stats.inc_value(STAT_RELABELLED)
        logger.info("Read %s as UTF-8: labelled %s, but UTF-8 bytes and <meta charset=utf-8>",
                    response.url, match.group(1))
        return response.replace(encoding="utf-8")
