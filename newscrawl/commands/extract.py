"""``scrapy extract``: one page in, its article record out, exactly as the crawl makes it.

    scrapy extract saved-page.html --url https://www.japantimes.co.jp/news/2020/02/18/...
    scrapy extract saved-page.html                  # URL from <link rel=canonical> / og:url
    scrapy extract saved-page.html --spider japantimes
    scrapy extract https://www.japantimes.co.jp/news/2023/11/24/japan/politics/...

The page goes through ``newscrawl.extraction.extract_article`` (what the crawl's
``parse_article`` calls) and the pipelines that apply to one item (cleaning, then validation;
not duplicates nor state), and the record is printed to stdout as one JSON line: UTF-8, every
key of the schema in its order. Logs go to stderr (WARNING and above unless ``-L`` says
otherwise).

A URL is fetched with Scrapy itself: a one-request crawl with the project's settings
(robots.txt, User-Agent, retries, ``NEWSCRAWL_MIRROR``) but without feeds, state, monitors or
the report. Any http(s) URL is fetched; a host with a site module is read with it, any other
with the generic layer (``"extraction": "generic"`` in the record).

Exit status: 0 and the record; 1 and the reason on stderr when the page gives no article (bot
wall, truncated, not an article, HTTP error, fetch failure, dropped by validation); 2 for usage
errors (no such file, no URL for a saved page, a scheme other than http(s), a URL off the
``--spider``'s site).
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import DropItem, UsageError
from scrapy.http import HtmlResponse
from scrapy.utils.datatypes import SequenceExclude
from scrapy.utils.misc import build_from_crawler

from newscrawl.extraction.article import NotAnArticle, extract_article
from newscrawl.pipelines.cleaning import CleaningPipeline
from newscrawl.pipelines.validation import ValidationPipeline, record
from newscrawl.sites import site_or_generic

# The pipelines that make sense for one item, in the crawl's order. Duplicates and state need
# a whole run (and the state would remember the article): never run here.
SINGLE_ITEM_PIPELINES = (CleaningPipeline, ValidationPipeline)
NO_ARTICLE_EXIT = 1
CMDLINE_PRIORITY = 40  # scrapy.settings.SETTINGS_PRIORITIES["cmdline"]
INCREMENTAL = "newscrawl.middlewares.incremental.IncrementalMiddleware"


class ExtractFailed(Exception):
    """The page gives no article: the message is the reason, for stderr."""


class ExtractSpider(scrapy.Spider):
    """Fetches one URL and keeps the response; extraction happens after the crawl."""

    name = "newscrawl-extract"

    def __init__(self, *args, url=None, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = url
        self.site = site
        self.allowed_domains = list(site.hosts) if site else []
        self.response = None
        self.failure = None

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        # One request, nothing kept: no feed file, no report, no monitors, no lock, no state.
        settings.set("EXTENSIONS", {"scrapy.extensions.feedexport.FeedExporter": None},
                     priority="spider")
        settings.set("ITEM_PIPELINES", {}, priority="spider")
        settings.set("SPIDERMON_ENABLED", False, priority="spider")
        middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        middlewares[INCREMENTAL] = None  # it would skip an article the state has exported
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    async def start(self):
        yield scrapy.Request(
            self.url, callback=self.keep, errback=self.failed, dont_filter=True,
            # every status reaches extract_article (bot walls, errors), redirects are followed
            meta={"handle_httpstatus_list": SequenceExclude(range(300, 400))},
        )

    def keep(self, response):
        self.response = response

    def failed(self, failure):
        self.failure = failure


def page_url(body):
    """The URL a saved page names for itself: canonical link, else og:url, else None."""
    sel = Selector(text=body.decode("utf-8", "replace"))
    for spec in ("link[rel=canonical]::attr(href)", "meta[property='og:url']::attr(content)"):
        value = (sel.css(spec).get() or "").strip()
        if urlsplit(value).scheme in ("http", "https"):
            return value
    return None


def single_item_crawler(crawler):
    """The crawler, configured (stats, settings) without crawling: the pipelines need one."""
    crawler._apply_settings()  # what scrapy.utils.test.get_crawler does; no-op once frozen
    return crawler


def process(response, site, crawler, fetched_at=None):
    """The exported record of one page, or ExtractFailed with the reason."""
    try:
        item = extract_article(response, site, fetched_at=fetched_at or datetime.now(UTC))
    except NotAnArticle as error:
        raise ExtractFailed(f"no article ({error.reason}): {response.url}"
                            + (f": {error.detail}" if error.detail else "")) from None
    for pipeline_class in SINGLE_ITEM_PIPELINES:
        pipeline = build_from_crawler(pipeline_class, crawler)
        try:
            item = pipeline.process_item(item)
        except DropItem as error:
            raise ExtractFailed(f"dropped: {error}") from None
    return record(item)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "[options] PATH_OR_URL"

    def short_desc(self):
        return "Extract one saved page or URL as the crawl would; print its record as JSON"

    def long_desc(self):
        return __doc__.split("\n\n", 1)[1]

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--url", metavar="URL",
                            help="the saved page's original URL (chooses the site by host)")
        parser.add_argument("--spider", metavar="NAME",
                            help="choose the site by spider name")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        # Logs go to stderr anyway; keep them to what matters unless -L/--nolog chose.
        if (self.settings.getpriority("LOG_LEVEL") or 0) < CMDLINE_PRIORITY:
            self.settings.set("LOG_LEVEL", "WARNING", priority=CMDLINE_PRIORITY - 1)

    # --- choosing the site and the URL -------------------------------------------------------
    def spider_site(self, name):
        try:
            spidercls = self.crawler_process.spider_loader.load(name)
        except KeyError:
            raise UsageError(f"no spider named {name!r}; known: "
                             f"{', '.join(self.crawler_process.spider_loader.list())}") from None
        site = getattr(spidercls, "site", None)
        if site is None:
            raise UsageError(f"spider {name!r} has no site to extract with")
        return site

    @staticmethod
    def site_of(url, site=None, what="URL"):
        """The site module that owns the URL's host (or the one ``--spider`` named, which
        must own it), else the generic site of that host: any news site is extracted."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{what} {url!r}: only http(s) URLs are fetched or extracted")
        if site is not None and not site.owns_host(parts.hostname):
            raise UsageError(f"{what} {url!r} is not on {site.label} ({', '.join(site.hosts)})")
        return site or site_or_generic(url)

    # --- running -----------------------------------------------------------------------------
    def run(self, args, opts):
        if len(args) != 1:
            raise UsageError("give one saved page (PATH) or one URL")
        target = args[0]
        site = self.spider_site(opts.spider) if opts.spider else None
        scheme = urlsplit(target).scheme.lower()
        try:
            if scheme in ("http", "https"):
                if opts.url:
                    raise UsageError("--url is for a saved page; a URL argument is its own URL")
                result = self.fetch(target, self.site_of(target, site))
            elif scheme and len(scheme) > 1:  # file://, ftp://, ... (not C:\ paths)
                raise UsageError(f"{target!r}: {scheme}:// URLs are refused; give a saved "
                                 "page's path, or an http(s) URL")
            else:
                result = self.from_file(target, opts.url, site)
        except ExtractFailed as error:
            self.exitcode = NO_ARTICLE_EXIT
            print(f"scrapy extract: {error}", file=sys.stderr)
            return
        line = json.dumps(result, ensure_ascii=False) + "\n"
        sys.stdout.flush()
        sys.stdout.buffer.write(line.encode("utf-8"))
        sys.stdout.buffer.flush()

    def from_file(self, path, url, site):
        file = Path(path)
        if not file.is_file():
            raise UsageError(f"{path}: no such file")
        body = file.read_bytes()
        if url:
            site = self.site_of(url, site, what="--url")
        else:
            url = page_url(body)
            if url is None:
                raise UsageError(f"{path}: the page names no URL of its own (no canonical link "
                                 "nor og:url); give --url")
            site = self.site_of(url, site, what="the page's canonical URL")
        response = HtmlResponse(url=url, body=body)
        crawler = single_item_crawler(self.crawler_process.create_crawler(ExtractSpider))
        return process(response, site, crawler)

    def fetch(self, url, site):
        crawler = self.crawler_process.create_crawler(ExtractSpider)
        self.crawler_process.crawl(crawler, url=url, site=site)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            raise ExtractFailed(f"the crawl to fetch {url} did not start (see the log above)")
        spider = crawler.spider
        if spider.response is None:
            failure = spider.failure
            reason = (failure.getErrorMessage() or failure.type.__name__) if failure \
                else "no response"
            raise ExtractFailed(f"could not fetch {url}: {reason}")
        return process(spider.response, site, crawler)
