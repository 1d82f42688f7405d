"""Fetch a site from a mirror (the offline snapshot server) while everything else sees the
site's real URLs.

``-s NEWSCRAWL_MIRROR=http://127.0.0.1:8000`` (or the environment variable) turns it on; the
add-on (``newscrawl.addon``) then installs two parts:

- ``MirrorMiddleware`` (a downloader middleware, last before the downloader): puts requests for
  a site's hosts in the ``newscrawl-mirror`` download slot (see ``DOWNLOAD_SLOTS`` in
  settings: loopback needs no politeness delay) and keeps AutoThrottle off it;
- ``MirrorDownloadHandler`` (the http/https download handler): sends such a request to the
  mirror (same path and query) and hands back the response under the real URL, with
  ``Location`` headers mapped back to the real origin.

Spiders, extraction, dupefilter, robots.txt, redirects, retries and feeds never see the
mirror's address: a snapshot crawl takes the same code path as a live crawl. The hosts
mirrored are those of the site modules and the crawled site's (``spider.site``: any host the
``news`` spider was given, and its ``www.``/bare twin); the mirror learns the real host from
``X-Forwarded-Host``. Requests for other hosts are downloaded as usual.
"""

from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.sites import site_for_url

MIRROR_SLOT = "newscrawl-mirror"


def is_mirrored(url, crawler):
    """Whether the URL is on a site module's host or on the crawled site's."""
    if site_for_url(url) is not None:
        return True
    site = getattr(getattr(crawler, "spider", None), "site", None)
    owns_host = getattr(site, "owns_host", None)
    return bool(owns_host and owns_host(urlsplit(url).hostname))


def mirror_origin(settings):
    origin = (settings.get("NEWSCRAWL_MIRROR") or "").strip().rstrip("/")
    if origin and urlsplit(origin).scheme not in ("http", "https"):
        raise ValueError(f"NEWSCRAWL_MIRROR must be an http(s) origin, got {origin!r}")
    return origin


def to_mirror(url, origin):
    parts = urlsplit(url)
    mirror = urlsplit(origin)
    return urlunsplit((mirror.scheme, mirror.netloc, parts.path or "/", parts.query, ""))


def from_mirror(url, origin, real_url):
    """Map a URL on the mirror (a redirect target) back to the real site's origin."""
    if not url.startswith(origin):
        return url
    real = urlsplit(real_url)
    parts = urlsplit(url)
    return urlunsplit((real.scheme, real.netloc, parts.path, parts.query, parts.fragment))


class MirrorMiddleware:
    def __init__(self, origin, crawler=None):
        self.origin = origin
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        origin = mirror_origin(crawler.settings)
        if not origin:
            raise NotConfigured("NEWSCRAWL_MIRROR is not set")
        return cls(origin, crawler)

    def process_request(self, request, spider=None):
        if is_mirrored(request.url, self.crawler):
            request.meta["download_slot"] = MIRROR_SLOT
            request.meta["autothrottle_dont_adjust_delay"] = True
        return None


class MirrorDownloadHandler:
    lazy = False

    def __init__(self, crawler):
        self.crawler = crawler
        self.origin = mirror_origin(crawler.settings)
        base = crawler.settings.getdict("DOWNLOAD_HANDLERS_BASE")
        self.inner = build_from_crawler(load_object(base["https"]), crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def download_request(self, request):
        if not self.origin or not is_mirrored(request.url, self.crawler):
            return await self.inner.download_request(request)
        headers = request.headers.copy()
        headers[b"X-Forwarded-Host"] = urlsplit(request.url).netloc
        mirrored = request.replace(url=to_mirror(request.url, self.origin), headers=headers)
        response = await self.inner.download_request(mirrored)
        headers = response.headers.copy()
        if b"Location" in headers:
            location = headers[b"Location"].decode("latin-1")
            headers[b"Location"] = from_mirror(location, self.origin, request.url)
        return response.replace(url=request.url, request=request, headers=headers)

    async def close(self):
        await self.inner.close()
