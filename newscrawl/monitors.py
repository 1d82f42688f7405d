"""Spidermon monitors: a run that went wrong is marked failed, loudly.

``CrawlMonitorSuite`` runs when the spider closes (``SPIDERMON_SPIDER_CLOSE_MONITORS``) and reads
the crawl's stats (docs/ARCHITECTURE.md). A monitor fails when:

- **Articles exported**: listing pages were parsed but no article came of them: none exported,
  none unchanged, none skipped as already exported (the teaser-link selectors found nothing);
- **Discovery sources**: an asked-for section, feed or sitemap gave no article link (broken,
  malformed, a redesign no fallback could read); absent (404) sources are not judged;
- **Field coverage**: ``headline``, ``published_at`` or ``body`` is missing from more than
  ``100 - NEWSCRAWL_MIN_COVERAGE`` percent of the articles checked by the validation pipeline;
- **Byline coverage**: fewer than the site's threshold of exported articles have ``authors`` or
  a ``credit`` (``site.min_byline_coverage``, else ``NEWSCRAWL_MIN_BYLINE_COVERAGE``: a number,
  or a mapping of site name to number with a ``default``);
- **Dropped pages**: more than ``NEWSCRAWL_MAX_DROPPED_PERCENT`` of the article pages parsed were
  dropped (``newscrawl/dropped``, less the reasons in ``NEWSCRAWL_DROPPED_IGNORE_REASONS``, which
  are the user's choice, such as ``older_than_since``). Duplicates and unchanged articles are
  not dropped pages.

Coverage is only judged with at least ``NEWSCRAWL_MONITOR_MIN_ITEMS`` articles: an hourly run
with two new articles, one an unsigned editorial, is not a broken selector.

On failure the suite logs one ERROR line per failed monitor (``Monitor failed: <name>: <why>``)
and sets the stats ``newscrawl/monitors/failed`` (the number failed; 0 when all passed) and
``newscrawl/monitors/failures`` (the lines). ``scrapy crawl`` (``newscrawl/commands/crawl.py``)
then exits with status 1.
"""

import json
import logging
import warnings

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, MonitorSuite, monitors

from newscrawl.discovery.sources import STAT_SOURCES, silent_sources
from newscrawl.state.sqlite import site_name

logger = logging.getLogger(__name__)

# Spidermon's runner still calls Spider.log(), deprecated by Scrapy: a warning in every crawl's
# log that users can do nothing about.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated",
                        category=ScrapyDeprecationWarning)

STAT_FAILED = "newscrawl/monitors/failed"
STAT_FAILURES = "newscrawl/monitors/failures"
COVERAGE_FIELDS = ("headline", "published_at", "body")

# Byline coverage floor by site when neither the site module nor the setting says otherwise.
# The Japan Times prints no byline on editorials and some briefs.
DEFAULT_MIN_BYLINE_COVERAGE = {"japantimes": 60, "default": 50}


def min_byline_coverage(settings, spider):
    """The byline (authors or credit) coverage floor, in percent, for the spider's site."""
    site = getattr(spider, "site", None)
    value = getattr(site, "min_byline_coverage", None)
    if value is not None:
        return float(value)
    name = site_name(spider)
    raw = settings.get("NEWSCRAWL_MIN_BYLINE_COVERAGE", DEFAULT_MIN_BYLINE_COVERAGE)
    if isinstance(raw, str):
        raw = raw.strip()
        try:
            raw = json.loads(raw) if raw.startswith("{") else float(raw)
        except ValueError as exc:
            raise ValueError(f"NEWSCRAWL_MIN_BYLINE_COVERAGE: not a number or mapping: {raw!r}") \
                from exc
    if isinstance(raw, int | float):
        return float(raw)
    raw = dict(raw)
    if name in raw:
        return float(raw[name])
    return float(raw.get("default", DEFAULT_MIN_BYLINE_COVERAGE["default"]))


class NewscrawlMonitor(Monitor):
    longMessage = False

    @property
    def stats(self):
        return self.data.stats

    @property
    def settings(self):
        return self.data.crawler.settings

    def count(self, key):
        value = self.stats.get(key, 0)
        return value if isinstance(value, int | float) else 0

    def min_items(self):
        return self.settings.getint("NEWSCRAWL_MONITOR_MIN_ITEMS", 3)

    def ignored_drops(self):
        reasons = self.settings.getlist("NEWSCRAWL_DROPPED_IGNORE_REASONS",
                                        ["older_than_since", "newer_than_until"])
        # A generic crawl's refusals of pages that only looked like articles by their URL
        # (the news spider's ``dropped_ignore_reasons``): listed in the report, not failures.
        spider = getattr(self.data, "spider", None)
        reasons = list(reasons) + list(getattr(spider, "dropped_ignore_reasons", ()))
        return sum(self.count(f"newscrawl/dropped/{reason}") for reason in reasons)


@monitors.name("Articles exported")
class ArticlesExportedMonitor(NewscrawlMonitor):
    """Listing pages were found, so articles must come of them."""

    @monitors.name("articles from listing pages")
    def test_articles_from_listing_pages(self):
        listing = self.count("newscrawl/pages/listing")
        if not listing:
            self.skipTest("no listing page parsed")
        distributed = self.settings.get("NEWSCRAWL_REDIS_URL") and self.settings.get(
            "NEWSCRAWL_CRAWL_ID")
        if distributed and not self.count("newscrawl/pages/article"):
            # A worker's listing pages feed the crawl's shared queue: other workers may have
            # fetched every article they led to.
            self.skipTest("distributed worker without article pages of its own")
        accounted = {
            "exported": self.count("item_scraped_count"),
            "unchanged": self.count("newscrawl/unchanged"),
            "skipped as exported before": self.count("newscrawl/requests/skipped_seen"),
            "dropped by choice": self.ignored_drops(),
            "exported by another worker of the crawl": self.count("newscrawl/duplicates/claimed"),
        }
        if not sum(accounted.values()):
            self.fail(
                f"no article exported from {listing} listing pages "
                f"({self.count('newscrawl/pages/article')} article pages parsed, "
                f"{self.count('newscrawl/dropped')} dropped): the teaser or article selectors "
                "may be broken"
            )


@monitors.name("Discovery sources")
class DiscoverySourcesMonitor(NewscrawlMonitor):
    """Every asked-for way in gives article links: a section's listing pages, each feed, each
    sitemap. A source that answered 404 is absent, not silent; an hourly run that finds links
    but nothing new is healthy."""

    @monitors.name("every source gives article links")
    def test_every_source_gives_links(self):
        sources = self.stats.get(STAT_SOURCES) or {}
        if not sources:
            self.skipTest("no discovery source was asked")
        silent = silent_sources(sources)
        if silent:
            self.fail(f"{len(silent)} source(s) gave no article link: " + "; ".join(silent))


@monitors.name("Field coverage")
class FieldCoverageMonitor(NewscrawlMonitor):
    """headline, published_at and body on (nearly) every article checked."""

    def check(self, field):
        checked = self.count("newscrawl/validated")
        if checked < self.min_items():
            self.skipTest(f"{checked} articles checked, fewer than {self.min_items()}")
        missing = self.count(f"newscrawl/missing/{field}")
        coverage = 100.0 * (checked - missing) / checked
        floor = self.settings.getfloat("NEWSCRAWL_MIN_COVERAGE", 95)
        if coverage < floor:
            self.fail(
                f"{field} on {coverage:.1f}% of {checked} articles (minimum {floor:g}%): "
                f"missing on {missing}"
            )

    @monitors.name("headline")
    def test_headline(self):
        self.check("headline")

    @monitors.name("published_at")
    def test_published_at(self):
        self.check("published_at")

    @monitors.name("body")
    def test_body(self):
        self.check("body")


@monitors.name("Byline coverage")
class BylineCoverageMonitor(NewscrawlMonitor):
    """authors or credit on the site's usual share of exported articles."""

    @monitors.name("authors or credit")
    def test_authors_or_credit(self):
        exported = self.count("item_scraped_count")
        if exported < self.min_items():
            self.skipTest(f"{exported} articles exported, fewer than {self.min_items()}")
        covered = self.count("newscrawl/coverage/authors_or_credit")
        coverage = 100.0 * covered / exported
        floor = min_byline_coverage(self.settings, self.data.spider)
        if coverage < floor:
            self.fail(
                f"authors or credit on {coverage:.1f}% of {exported} exported articles "
                f"(minimum {floor:g}% for {site_name(self.data.spider)}): the byline selectors "
                "may be broken"
            )


@monitors.name("Dropped pages")
class DroppedPagesMonitor(NewscrawlMonitor):
    """Few article pages end without a record."""

    @monitors.name("article pages dropped")
    def test_article_pages_dropped(self):
        pages = self.count("newscrawl/pages/article") or self.count("newscrawl/validated")
        if not pages:
            self.skipTest("no article page parsed")
        # An hourly incremental run fetches few pages (new ones, the recrawl window, and the
        # broken pages that are tried every run): a share of two or three pages is noise.
        min_pages = self.settings.getint("NEWSCRAWL_MONITOR_MIN_PAGES", 10)
        if pages < min_pages:
            self.skipTest(f"{pages} article pages parsed, fewer than {min_pages}")
        dropped = max(0, self.count("newscrawl/dropped") - self.ignored_drops())
        percent = 100.0 * dropped / pages
        ceiling = self.settings.getfloat("NEWSCRAWL_MAX_DROPPED_PERCENT", 5)
        if percent > ceiling:
            # "reason: count" without braces: Scrapyd's log formatter chokes on "{...}".
            reasons = ", ".join(
                f"{key.removeprefix('newscrawl/dropped/')}: {value}"
                for key, value in sorted(self.stats.items())
                if key.startswith("newscrawl/dropped/") and value
            )
            self.fail(
                f"{dropped} of {pages} article pages dropped ({percent:.1f}%, maximum "
                f"{ceiling:g}%): {reasons}"
            )


class CrawlMonitorSuite(MonitorSuite):
    monitors = [
        ArticlesExportedMonitor,
        DiscoverySourcesMonitor,
        FieldCoverageMonitor,
        BylineCoverageMonitor,
        DroppedPagesMonitor,
    ]

    def _crawler_of(self, result):
        if self._crawler is not None:
            return self._crawler
        for item in result.monitor_results:
            data = getattr(item.item, "data", None)
            if data is not None and "crawler" in data:
                return data["crawler"]
        return None

    def on_monitors_finished(self, result):
        crawler = self._crawler_of(result)
        if crawler is not None:
            crawler.stats.set_value(STAT_FAILED, len(result.monitors_failed_results))

    def on_monitors_failed(self, result):
        lines = []
        for failed in result.monitors_failed_results:
            monitor = failed.item
            why = failed.reason or (failed.error or "").strip().splitlines()[-1:] or ["error"]
            if isinstance(why, list):
                why = why[0]
            name = f"{monitor.monitor_name}/{monitor.method_name}"
            line = f"Monitor failed: {name}: {why}"
            lines.append(line)
            logger.error(line)
        crawler = self._crawler_of(result)
        if crawler is not None:
            crawler.stats.set_value(STAT_FAILED, len(lines))
            crawler.stats.set_value(STAT_FAILURES, lines)
