"""``scrapy crawl news -a site=https://www.example-news.com/``: any news site, by its address.

A host with a site module (``newscrawl/sites/``) is crawled with it, exactly as its own spider
does (``-a site=https://www.japantimes.co.jp/`` is the Japan Times crawl). Any other host gets
a generic ``Site`` (``sites.base.generic_site``: named by its registrable host, every field
read by the generic extraction) and is found through what every news site has
(``discovery/generic.py``, docs/discovery.md):

- its **feeds**: those its home page announces (``<link rel=alternate>``), plus the usual paths
  (``/feed/``, ``/rss``, ``/rss.xml``, ...), where a 404 or a page that is no feed is absent;
- its **sitemaps**: the ``Sitemap:`` lines of its robots.txt;
- its **home and section pages**: the links of their main content that look like articles
  (a date in the path, a long slug, a numeric id); the sections are the home page's navigation
  links on the site's hosts, or ``-a sections=world,business``.

Arguments besides ``site``: those of every site spider (``sections``, ``discover``,
``max_pages``, ``since``, ``until``, ``fresh``: ``spiders/base.py``) and ``max_articles``, which
closes the spider once that many articles were exported (a try-out run). Only the site's host
and its ``www.``/bare twin are fetched.
"""

import logging
import re
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.utils.defer import _schedule_coro

from newscrawl.discovery import generic as heuristics
from newscrawl.discovery import listings as listing_pages
from newscrawl.discovery.sources import label, set_status, tallies
from newscrawl.extraction.pagechecks import is_botwall
from newscrawl.sites import site_for_url
from newscrawl.sites.base import generic_site
from newscrawl.spiders.base import STAT_DOCUMENTS, BadArgument, SectionSpider

logger = logging.getLogger(__name__)

SECTION_RE = re.compile(r"^[\w.~%-]+(?:/[\w.~%-]+)*$")
# Refusals of pages that only looked like articles by their URL: the heuristics' misses, not
# broken pages, so the dropped-pages monitor does not count them (the report lists them).
# A photo or video post with a line of text (``no_text``) is one of them; a real article
# whose body the extraction missed would be too, but the coverage monitor judges bodies.
GENERIC_REFUSALS = ("listing", "search_page", "gallery", "error_page", "no_text")


def site_of_argument(value):
    """The ``Site`` to crawl for ``-a site=URL``: the module of its host, else a generic one."""
    text = str(value or "").strip()
    if not text:
        raise BadArgument("site is required: give the site's address, e.g. "
                          "-a site=https://www.example-news.com/")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise BadArgument(f"site must be an http(s) address, got {text!r}: e.g. "
                          "-a site=https://www.example-news.com/")
    if not parts.hostname:
        raise BadArgument(f"site has no host: {text!r}; e.g. -a site=https://www.example-news.com/")
    return site_for_url(text) or generic_site(parts.hostname)


class NewsSpider(SectionSpider):
    name = "news"

    def __init__(self, *args, site=None, max_articles=None, sections=None, **kwargs):
        self.site = site_of_argument(site)
        self.generic = self.site.generic
        self.allowed_domains = [self.site.hosts[0].removeprefix("www.")]
        self.max_articles = self.parse_max_articles(max_articles)
        self.exported = 0
        self.in_pipelines = 0  # items yielded, not yet exported nor dropped
        self.nav_sections = {}  # section path -> URL, from the home page's navigation
        self.home_response = None
        if self.generic:
            self.dropped_ignore_reasons = GENERIC_REFUSALS
        super().__init__(*args, sections=sections, **kwargs)
        self.named_sections = sections not in (None, "") and bool(self.sections)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_let_go, signal=signals.item_dropped)
        crawler.signals.connect(spider.item_let_go, signal=signals.item_error)
        return spider

    @staticmethod
    def parse_max_articles(value):
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise BadArgument(f"max_articles must be a whole number >= 1, got {value!r}")
        return number

    def parse_sections(self, value):
        if not self.generic:
            return super().parse_sections(value)
        if value is None or not str(value).strip():
            return []  # every section: the home page's navigation decides the listings
        wanted = [s.strip().strip("/") for s in str(value).split(",") if s.strip().strip("/")]
        bad = [s for s in wanted if not SECTION_RE.match(s)]
        if bad or not wanted:
            raise BadArgument(f"Bad section path(s): {', '.join(bad) or repr(value)}. Give "
                              "section paths as in the site's URLs: world,business,news/local")
        return list(dict.fromkeys(wanted))

    # --- a try-out run: at most max_articles exported ----------------------------------------
    # Items go through the pipelines concurrently: one is yielded only while those exported and
    # those still in the pipelines are fewer than max_articles, so the feed never gets more. An
    # item held back is not recorded in the state: the next run exports it.
    def item_scraped(self, item, response=None, spider=None):
        self.exported += 1
        self.in_pipelines = max(0, self.in_pipelines - 1)
        if self.max_articles and self.exported == self.max_articles:
            logger.info("max_articles=%d exported: closing the spider", self.max_articles)
            # As Scrapy's CLOSESPIDER_ITEMCOUNT does; pages in flight still arrive, and
            # parse_article keeps their items from the feed.
            _schedule_coro(self.crawler.engine.close_spider_async(reason="max_articles"))

    def item_let_go(self, item, response=None, spider=None, exception=None, failure=None):
        self.in_pipelines = max(0, self.in_pipelines - 1)

    def parse_article(self, response):
        for item in super().parse_article(response):
            if self.max_articles and self.exported + self.in_pipelines >= self.max_articles:
                logger.debug("max_articles reached: %s not exported", response.url)
                return
            self.in_pipelines += 1
            yield item

    # --- what is an article, a section -------------------------------------------------------
    def is_article_url(self, url):
        if not self.generic:
            return super().is_article_url(url)
        parts = urlsplit(url)
        return (parts.scheme in ("http", "https") and self.site.owns_host(parts.hostname)
                and heuristics.looks_like_article(parts.path))

    def section_of(self, path):
        if not self.generic:
            return super().section_of(path)
        return heuristics.section_of_path(path, self.sections)

    def wants_section(self, section):
        if not self.generic:
            return super().wants_section(section)
        return not self.named_sections or section in self.sections

    def teasers(self, response):
        if not self.generic:
            return super().teasers(response)
        # No teaser selectors to know: the links of the page's main content are its teasers
        # (never its header, navigation, sidebars or footer).
        return [(url, None) for url in
                listing_pages.main_content_links(response, lambda url: True)], None

    # --- start: the home page (feeds it announces, its sections), feeds, robots.txt ----------
    async def start(self):
        if not self.generic:
            async for request in super().start():
                yield request
            return
        if "feeds" in self.discover or "listings" in self.discover:
            yield self.home_request()
        for request in self.document_requests():
            yield request

    def home_request(self):
        meta = {"newscrawl_listing": True, "newscrawl_home": True}
        if self.lists_home():
            source = label("listing", heuristics.HOME_SECTION)
            meta.update(newscrawl_section=heuristics.HOME_SECTION, newscrawl_page=1,
                        newscrawl_source=source)
        return scrapy.Request(self.site.base_url + "/", callback=self.parse_home,
                              errback=self.page_failed, meta=meta, priority=10)

    def lists_home(self):
        """The home page is a listing of this crawl unless sections were named."""
        return "listings" in self.discover and not self.named_sections

    def document_requests(self):
        if not self.generic:
            yield from super().document_requests()
            return
        if "feeds" in self.discover:
            for path in heuristics.COMMON_FEED_PATHS:
                for request in self.document_request(self.site.absolute(path), "feed",
                                                     self.parse_feed):
                    request.meta["newscrawl_guessed"] = True
                    yield request
        if "sitemaps" in self.discover:
            yield from self.document_request(self.site.absolute("/robots.txt"), "robots",
                                             self.parse_robots)

    def parse_home(self, response):
        """Feeds the home page announces, its navigation's sections; read as a listing once
        the feeds and sitemaps are done (``start_listings``)."""
        if not self.lists_home():
            self.crawler.stats.inc_value(STAT_DOCUMENTS)
        if response.status != 200 or not hasattr(response, "xpath"):
            if self.lists_home():
                self.home_response = response  # parse_listing accounts for it
            elif is_botwall(response, self.site):
                self.botwall(response, "home page")
            else:
                self.failed(response.url, f"http_{response.status}")
            return
        if "feeds" in self.discover:
            announced = heuristics.feed_links(response)
            logger.info("%s announces %d feed(s): %s", response.url, len(announced),
                        ", ".join(announced) or "none")
            for url in announced:
                if self.site.owns_host(urlsplit(url).hostname):
                    yield from self.document_request(url, "feed", self.parse_feed)
                else:
                    logger.info("Feed on another host, not fetched: %s", url)
        if "listings" in self.discover:
            self.nav_sections = heuristics.section_links(response, self.site.owns_host)
            logger.info("%s: sections in the navigation: %s", self.site.label,
                        ", ".join(self.nav_sections) or "none")
        if self.lists_home():
            self.home_response = response

    def start_listings(self):
        if not self.generic:
            return super().start_listings()
        self.listings_started = True
        if "listings" not in self.discover:
            return []
        requests = []
        if self.home_response is not None:
            requests += list(self.parse_listing(self.home_response))
            self.home_response = None
        sections = self.sections if self.named_sections else list(self.nav_sections)
        for section in sections:
            url = self.nav_sections.get(section) or self.site.section_url(section)
            requests.append(self.listing_request(url, section, 1))
        return requests

    def drop(self, url, reason, detail="", level=logging.WARNING):
        # A page that only looked like an article is an expected outcome of the URL
        # heuristics: logged at INFO, counted and listed in the report by reason.
        if self.generic and reason in GENERIC_REFUSALS:
            level = min(level, logging.INFO)
        super().drop(url, reason, detail, level=level)

    # --- sitemaps of a site's other pages ---------------------------------------------------
    def parse_sitemap(self, response):
        """A generic site's sitemap may list only pages that are not articles (WordPress's
        pages, categories, users sitemaps): status ``no_articles``, not a broken source."""
        yield from super().parse_sitemap(response)
        if not self.generic:
            return
        source = response.meta.get("newscrawl_source")
        entry = tallies(self.crawler.stats).get(source)
        if entry and entry["status"] == "fetched" and entry["links"] == 0 and \
                entry.get("entries"):
            set_status(self.crawler.stats, source, "no_articles")
            logger.info("Sitemap %s lists %d pages, none of them articles: not judged",
                        response.url, entry["entries"])

    def check_documents_found(self):
        """As for a site module, with the guessed feed paths that were absent not counting as
        feeds found: ``-a discover=feeds`` on a site with no feed at all is an ERROR."""
        if not self.generic:
            return super().check_documents_found()
        sources = tallies(self.crawler.stats)
        for kind, prefix in (("feeds", "feed:"), ("sitemaps", "sitemap:")):
            if kind not in self.discover or any(
                    name.startswith(prefix) and entry["status"] not in ("absent", "disallowed")
                    for name, entry in sources.items()):
                continue
            if self.discover_named:
                logger.error("discover=%s: %s has no %s (none announced, none at the usual "
                             "paths, none in robots.txt)", kind, self.site.label, kind)
                set_status(self.crawler.stats, label(prefix[:-1], "(none found)"), "error",
                           f"{self.site.label} has no {kind}")
            else:
                logger.info("%s has no %s that newscrawl could find", self.site.label, kind)

    # --- guessed feed paths: a page that is no feed is absent, not broken ------------------
    def broken_document(self, response, kind, error):
        if response.meta.get("newscrawl_guessed"):
            set_status(self.crawler.stats, response.meta["newscrawl_source"], "absent")
            logger.info("No feed at %s (a guessed path; %s): absent, the crawl goes on",
                        response.url, error)
            return
        yield from super().broken_document(response, kind, error)
