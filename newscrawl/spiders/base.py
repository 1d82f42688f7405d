"""The section spider: section pages -> teasers -> article pages -> items. Site-agnostic.

A site's spider is a subclass naming its ``Site`` (``newscrawl.sites``); everything it knows
about the site comes from there. Arguments (``-a``, or Scrapyd's ``-d``):

- ``sections``: comma-separated section paths of the site (``news/asia-pacific,business``);
  default: the site's main news sections. An unknown section stops the crawl at once.
- ``max_pages``: listing pages per section (default: until the section has no next page).
- ``since``: ``YYYY-MM-DD``; stop paginating a section once its teasers are older, and skip
  older articles.
- ``fresh``: ``1`` ignores the incremental state for one run (``newscrawl.state.sqlite``).

Other keyword arguments (Scrapyd's ``_job``, ...) are accepted and ignored.
"""

import logging
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.archive import archived
from newscrawl.extraction import dates
from newscrawl.extraction.article import NotAnArticle, extract_article
from newscrawl.extraction.pagechecks import is_botwall, is_truncated
from newscrawl.extraction.specs import compile_site
from newscrawl.urls import normalize_url

logger = logging.getLogger(__name__)

STAT_LISTING = "newscrawl/pages/listing"
STAT_ARTICLE = "newscrawl/pages/article"
STAT_BOTWALL = "newscrawl/pages/botwall"
STAT_DROPPED = "newscrawl/dropped"
STAT_FAILED = "newscrawl/failed"
STAT_FAILED_PAGES = "newscrawl/failed_pages"
STAT_TEASERS_OLD = "newscrawl/teasers/older_than_since"
STAT_LINKS_IGNORED = "newscrawl/links/ignored"


class SectionSpider(scrapy.Spider):
    site = None  # a newscrawl.sites.base.Site, set by each site's spider

    def __init__(self, *args, sections=None, max_pages=None, since=None, fresh=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        compile_site(self.site)  # a bad selector stops the crawl before it starts
        self.sections = self.parse_sections(sections)
        self.max_pages = self.parse_max_pages(max_pages)
        self.since = self.parse_since(since)
        self.fresh = fresh

    # --- arguments -------------------------------------------------------------------------
    def parse_sections(self, value):
        if value is None or not str(value).strip():
            return list(self.site.default_sections)
        wanted = [s.strip().strip("/") for s in str(value).split(",") if s.strip().strip("/")]
        unknown = [s for s in wanted if s not in self.site.sections]
        if unknown or not wanted:
            message = (f"Unknown section(s) of {self.site.label}: {', '.join(unknown) or value!r}."
                       f" Known sections: {', '.join(self.site.sections)}")
            logger.error(message)
            raise ValueError(message)
        return list(dict.fromkeys(wanted))

    @staticmethod
    def parse_max_pages(value):
        if value in (None, ""):
            return None
        try:
            pages = int(value)
        except (TypeError, ValueError):
            pages = 0
        if pages < 1:
            message = f"max_pages must be a whole number of pages >= 1, got {value!r}"
            logger.error(message)
            raise ValueError(message)
        return pages

    @staticmethod
    def parse_since(value):
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            message = f"since must be a date YYYY-MM-DD, got {value!r}"
            logger.error(message)
            raise ValueError(message) from None

    # --- crawling --------------------------------------------------------------------------
    async def start(self):
        for section in self.sections:
            yield self.listing_request(self.site.section_url(section), section, 1)

    def listing_request(self, url, section, page):
        return scrapy.Request(
            url, callback=self.parse_listing, errback=self.page_failed,
            meta={"newscrawl_listing": True, "newscrawl_section": section,
                  "newscrawl_page": page},
        )

    def is_article_url(self, url):
        parts = urlsplit(url)
        return (parts.scheme in ("http", "https") and self.site.owns_host(parts.hostname)
                and bool(self.site.article_path_re.match(parts.path)))

    def teasers(self, response):
        """(article URL, teaser date or None) for each teaser of a listing page, and the
        listing layout that found them."""
        for listing in self.site.listings:
            blocks = response.css(listing.teaser)
            if not blocks:
                continue
            found = []
            for block in blocks:
                href = block.css(listing.teaser_link).get()
                if not href:
                    continue
                printed = block.css(listing.teaser_date).get() if listing.teaser_date else None
                found.append((urljoin(response.url, href.strip()), printed))
            if found:
                return found, listing
        return [], None

    def teaser_day(self, url, printed):
        value = None
        if printed:
            value = dates.parse_text(printed, language=self.site.language,
                                     timezone=self.site.timezone)
        value = value or dates.date_from_url(url)
        return dates.day_in_zone(value, self.site.timezone) if value else None

    def parse_listing(self, response):
        section = response.meta["newscrawl_section"]
        page = response.meta.get("newscrawl_page", 1)
        stats = self.crawler.stats
        if is_botwall(response, self.site):
            self.botwall(response, "listing page")
            return
        if response.status != 200:
            self.failed(response.url, f"http_{response.status}")
            return
        stats.inc_value(STAT_LISTING)
        stats.inc_value(f"{STAT_LISTING}/{section}")
        if is_truncated(response):
            # Still cut after the retries: its teasers are used, but the page is listed as
            # failed (teasers or the next-page link may be missing) and tried again next run.
            self.failed(response.url, "truncated_listing")
        teasers, listing = self.teasers(response)
        older = False
        for href, printed in teasers:
            # Checked before normalising too: normalize_url makes every scheme https.
            url = normalize_url(href, hosts=self.site.hosts, keep_query=True)
            if not (self.is_article_url(href) and self.is_article_url(url)):
                stats.inc_value(STAT_LINKS_IGNORED)
                logger.debug("Not an article link of %s: %s", self.site.name, href)
                continue
            if self.since:
                day = self.teaser_day(url, printed)
                if day is not None and day < self.since:
                    older = True
                    stats.inc_value(STAT_TEASERS_OLD)
                    continue
            yield scrapy.Request(url, callback=self.parse_article, errback=self.page_failed,
                                 meta={"newscrawl_section": section})
        if older:
            logger.info("Section %s: teasers older than %s on page %d, not paginating further",
                        section, self.since, page)
            return
        if self.max_pages and page >= self.max_pages:
            return
        next_href = response.css(listing.next_page).get() if listing and listing.next_page \
            else None
        if next_href:
            next_url = urljoin(response.url, next_href.strip())
            if self.site.owns_host(urlsplit(next_url).hostname):
                yield self.listing_request(next_url, section, page + 1)

    def botwall(self, response, what):
        # A wall is told by its page ("Just a moment...", extraction.pagechecks), not by its
        # status: a plain 503 or 429 left after the retries is a failed page instead.
        self.crawler.stats.inc_value(STAT_BOTWALL)
        logger.warning("Bot wall (HTTP %d) instead of the %s %s: not an article, not "
                       "exported, not retried", response.status, what, response.url)

    def parse_article(self, response):
        stats = self.crawler.stats
        stats.inc_value(STAT_ARTICLE)
        # Archived (a crawl writing WARC, or a re-extraction reading it): the record it is kept
        # in, and its WARC-Date as the fetch time.
        archive, fetched_at = archived(response)
        try:
            item = extract_article(response, self.site, fetched_at=fetched_at or datetime.now(UTC))
        except NotAnArticle as reason:
            if reason.reason == "botwall":
                self.botwall(response, "article page")
            elif reason.reason == "http_error":
                self.failed(response.url, f"http_{response.status}")
            else:
                self.drop(response.url, reason.reason, reason.detail)
            return
        if self.since and item.get("published_at"):
            published = dates.parse_iso(item["published_at"], self.site.timezone)
            day = dates.day_in_zone(published, self.site.timezone) if published else None
            if day is not None and day < self.since:
                self.drop(response.url, "older_than_since", f"published {day}", level=logging.INFO)
                return
        item["archive"] = archive
        yield item

    # --- what did not become an item -------------------------------------------------------
    def drop(self, url, reason, detail="", level=logging.WARNING):
        stats = self.crawler.stats
        stats.inc_value(STAT_DROPPED)
        stats.inc_value(f"{STAT_DROPPED}/{reason}")
        logger.log(level, "Dropped %s (%s%s)", url, reason, f": {detail}" if detail else "")

    def failed(self, url, reason):
        """A page that could not be fetched (after retries): listed in the report by URL."""
        stats = self.crawler.stats
        stats.inc_value(STAT_FAILED)
        stats.inc_value(f"{STAT_FAILED}/{reason}")
        pages = stats.get_value(STAT_FAILED_PAGES) or []
        pages.append({"url": url, "reason": reason})
        stats.set_value(STAT_FAILED_PAGES, pages)
        logger.warning("Failed to fetch %s (%s): listed in the crawl report, tried again next "
                       "run", url, reason)

    def page_failed(self, failure):
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # not sent on purpose (already exported, already requested): no failure
        request = failure.request
        if failure.check(HttpError):
            response = failure.value.response
            if is_botwall(response, self.site):
                self.botwall(response, "page")
                return
            reason = f"http_{response.status}"
        else:
            reason = failure.type.__name__ if failure.type else "error"
        self.failed(request.url, reason)
