"""The crawl report: what a run did, in the log and in a JSON file beside its feed.

At the end of every crawl, a summary goes to the log (INFO) and, unless ``NEWSCRAWL_REPORT`` is
off, ``<feed stem>.report.json`` is written beside the run's feed: the per-run feed
``<NEWSCRAWL_FEED_DIR>/<spider>/<spider>_<run_id>.jsonl`` gives
``<spider>_<run_id>.report.json``; with ``-o``/``-O`` the report goes beside that (first local)
file. The report holds: articles exported (new, updated, repeated), unchanged, requests not sent,
duplicates by key, dropped by reason, stripped blocks by kind, articles flagged (exported but
worth a look, e.g. undecodable text), listing pages per section, HTTP errors by status, field
coverage in percent for every key of the record (a key is covered when its value is neither null
nor an empty list; null for all when nothing was exported), what each discovery source
(listing, feed, sitemap) found and cost, also per section, the requests spent per new or
updated article, and the monitors' verdict.

Coverage is counted as items are exported, in the stats ``newscrawl/coverage/<key>`` and
``newscrawl/coverage/authors_or_credit`` (the byline monitor reads the latter).
"""

import json
import logging
import os
from urllib.parse import unquote, urlparse

from scrapy import signals
from scrapy.extensions.feedexport import FeedExporter

from newscrawl.addon import feed_path
from newscrawl.discovery.sources import STAT_SOURCES, by_section
from newscrawl.export.feeds import run_id
from newscrawl.items import ARTICLE_KEYS
from newscrawl.state.sqlite import is_fresh, site_name

logger = logging.getLogger(__name__)

COVERAGE = "newscrawl/coverage/"
BYLINE = "authors_or_credit"
REPORT_SUFFIX = ".report.json"


def covered(value):
    return value is not None and value != [] and value != ""


def _group(stats, prefix):
    """{rest of the key: value} for the stats under ``prefix``, sorted by key."""
    return {
        key[len(prefix):]: value
        for key, value in sorted(stats.items())
        if key.startswith(prefix) and len(key) > len(prefix)
    }


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if hasattr(value, "isoformat") else value


def report_path_for_feed(feed):
    """``dir/stem.report.json`` for a local feed path or file:// URI; None for other URIs."""
    parsed = urlparse(feed)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
    elif parsed.scheme and len(parsed.scheme) > 1:
        return None  # s3://, ftp://, stdout: ... a report cannot sit beside it
    else:
        path = feed
    stem, ext = os.path.splitext(path)
    if ext in (".gz", ".bz2", ".xz", ".lzma", ".zst"):
        stem = os.path.splitext(stem)[0]
    return stem + REPORT_SUFFIX


def request_counts(stats):
    """Requests spent: on discovery documents (robots.txt, feeds, sitemaps, listing pages) and
    on article pages, and article requests per new or updated article."""
    total = stats.get("downloader/request_count", 0)
    # the spider's own (robots.txt for its Sitemap: lines, feeds, sitemaps, listing pages) and
    # the robots.txt Scrapy fetches to obey it
    documents = (stats.get("newscrawl/discovery/documents", 0)
                 + stats.get("robotstxt/request_count", 0))
    articles = max(total - documents, 0)
    changed = stats.get("newscrawl/exported/new", 0) + stats.get("newscrawl/exported/updated", 0)
    gave = changed + stats.get("newscrawl/exported/repeated", 0) + stats.get(
        "newscrawl/unchanged", 0) + sum(v for k, v in stats.items()
                                        if k.startswith("newscrawl/duplicates/"))
    return {
        "total": total,
        "discovery_documents": documents,
        "article_pages": articles,
        # requests for article pages that gave no article: bot walls, pages that failed or
        # were dropped, and their retries (never recorded, so tried again next run)
        "article_pages_without_article": max(articles - gave, 0),
        "per_new_or_updated_article": round(articles / changed, 2) if changed else None,
    }


def build_report(stats, *, spider, run, feeds=(), report_path=None):
    exported = stats.get("item_scraped_count", 0)
    sources = stats.get(STAT_SOURCES) or {}
    coverage = {
        key: (round(100.0 * stats.get(COVERAGE + key, 0) / exported, 1) if exported else None)
        for key in ARTICLE_KEYS
    }
    failures = stats.get("newscrawl/monitors/failures") or []
    monitors_ran = "newscrawl/monitors/failed" in stats
    http_errors = {
        code: count
        for code, count in _group(stats, "downloader/response_status_count/").items()
        if code.isdigit() and int(code) >= 400
    }
    return {
        "spider": spider.name,
        "site": site_name(spider),
        "run_id": run,
        "fresh": is_fresh(spider),
        "started_at": _iso(stats.get("start_time")),
        "finished_at": _iso(stats.get("finish_time")),
        "finish_reason": stats.get("finish_reason"),
        "feeds": list(feeds),
        "report": report_path,
        "articles": {
            "exported": exported,
            "new": stats.get("newscrawl/exported/new", 0),
            "updated": stats.get("newscrawl/exported/updated", 0),
            "repeated": stats.get("newscrawl/exported/repeated", 0),
            "unchanged": stats.get("newscrawl/unchanged", 0),
            "paywalled": stats.get("newscrawl/paywalled", 0),
        },
        "requests": {
            "skipped_seen": stats.get("newscrawl/requests/skipped_seen", 0),
            "skipped_duplicate": stats.get("newscrawl/requests/skipped_duplicate", 0),
            "recrawl": stats.get("newscrawl/requests/recrawl", 0),
            "changed_signal": stats.get("newscrawl/requests/changed", 0),
            # the most article requests of feeds and sitemaps that waited at once for room in
            # the scheduler (spiders/base.py: NEWSCRAWL_MAX_QUEUED)
            "backlog_max": stats.get("newscrawl/discovery/backlog_max", 0),
            **request_counts(stats),
        },
        # per source ("listing:news/japan", "feed:/feed/", "sitemap:/news-sitemap.xml"):
        # status, links found, kept (asked sections and dates), requests, new, updated, and
        # the same per section
        "sources": sources,
        "sections": by_section(sources),
        "listing_fallbacks": _group(stats, "newscrawl/listings/fallback/"),
        "filled_from_sources": _group(stats, "newscrawl/filled/"),
        "duplicates": _group(stats, "newscrawl/duplicates/"),
        "dropped": {
            "total": stats.get("newscrawl/dropped", 0),
            "by_reason": _group(stats, "newscrawl/dropped/"),
        },
        "stripped": _group(stats, "newscrawl/stripped/"),
        # exported, but worth a look: {"undecodable_text": n}
        "flagged": _group(stats, "newscrawl/flagged/"),
        "pages": {
            "listing": stats.get("newscrawl/pages/listing", 0),
            "article": stats.get("newscrawl/pages/article", 0),
            "botwall": stats.get("newscrawl/pages/botwall", 0),
            "by_section": _group(stats, "newscrawl/pages/listing/"),
        },
        "http_errors": http_errors,
        # requests not sent on purpose (exported before, already requested) are counted
        # under "requests", not as errors
        "download_errors": {k: v for k, v in
                            _group(stats, "downloader/exception_type_count/").items()
                            if not k.endswith(".IgnoreRequest")},
        # pages that could not be fetched after retries: [{url, reason}] (the spider's stats)
        # (at most NEWSCRAWL_REPORT_LIST_CAP of them; how many more in failed_pages_omitted)
        "failed_pages": list(stats.get("newscrawl/failed_pages") or []),
        "failed_pages_omitted": stats.get("newscrawl/failed_pages_omitted", 0),
        "field_coverage": coverage,
        # WARC files this run wrote (NEWSCRAWL_WARC_DIR) and read (scrapy reextract)
        "archive": archive_section(stats),
        "monitors": {
            "ran": monitors_ran,
            "passed": (not failures) if monitors_ran else None,
            "failures": list(failures),
        },
    }


def archive_section(stats):
    written = {
        "files": list(stats.get("newscrawl/warc/file_names") or []),
        "responses": stats.get("newscrawl/warc/responses", 0),
        "bytes": stats.get("newscrawl/warc/bytes", 0),
        "recovered_files": stats.get("newscrawl/warc/recovered_files", 0),
    }
    read = {
        "files": list(stats.get("newscrawl/archive/files") or []),
        "records": _group(stats, "newscrawl/archive/records/"),
        "responses": stats.get("newscrawl/archive/responses", 0),
        "skipped": _group(stats, "newscrawl/archive/skipped/"),
        "truncated": list(stats.get("newscrawl/archive/truncated") or []),
    }
    return {"written": written if written["responses"] else None,
            "read": read if read["files"] else None}


def summary_lines(report):
    a, r = report["articles"], report["requests"]
    lines = [
        f"Crawl report for {report['spider']} run {report['run_id']} "
        f"({report['finish_reason']}):",
        f"  articles exported: {a['exported']} (new {a['new']}, updated {a['updated']}"
        + (f", repeated {a['repeated']}" if a["repeated"] else "")
        + f"); unchanged: {a['unchanged']}; not fetched, exported before: {r['skipped_seen']}",
        f"  pages: {report['pages']['listing']} listing, {report['pages']['article']} article"
        + (f"; by section: {_inline(report['pages']['by_section'])}"
           if report["pages"]["by_section"] else ""),
        f"  duplicates: {_inline(report['duplicates']) or 'none'}; "
        f"dropped: {report['dropped']['total']} {_inline(report['dropped']['by_reason'])}".rstrip(),
    ]
    if r.get("total"):
        per = r.get("per_new_or_updated_article")
        lines.append(f"  requests: {r['total']} (discovery documents {r['discovery_documents']},"
                     f" article pages {r['article_pages']})"
                     + (f"; {per:g} article requests per new or updated article"
                        if per is not None else "; no new or updated article"))
    for line in source_lines(report.get("sources") or {}):
        lines.append("  " + line)
    if report["stripped"]:
        lines.append(f"  stripped blocks: {_inline(report['stripped'])}")
    if report.get("flagged"):
        lines.append(f"  exported but flagged: {_inline(report['flagged'])}")
    if report["http_errors"] or report["download_errors"]:
        lines.append(f"  HTTP errors: {_inline(report['http_errors']) or 'none'}; "
                     f"download errors: {_inline(report['download_errors']) or 'none'}")
    archive = report.get("archive") or {}
    if archive.get("written"):
        w = archive["written"]
        lines.append(f"  WARC written: {w['responses']} responses, {w['bytes']} bytes in "
                     f"{', '.join(w['files'])}")
    if archive.get("read"):
        r_ = archive["read"]
        lines.append(f"  WARC read: {r_['responses']} article responses from "
                     f"{len(r_['files'])} file(s); skipped: {_inline(r_['skipped']) or 'none'}"
                     + (f"; cut: {len(r_['truncated'])}" if r_["truncated"] else ""))
    cov = report["field_coverage"]
    if a["exported"]:
        archiving = archive.get("written") or archive.get("read")
        # a crawl that does not archive has no archive to cover: not worth a mention
        low = {k: v for k, v in cov.items() if v is not None and v < 100
               and (k != "archive" or archiving)}
        lines.append("  field coverage below 100%: "
                     + (", ".join(f"{k} {v:g}%" for k, v in low.items()) or "none"))
    monitors = report["monitors"]
    if monitors["ran"]:
        lines.append("  monitors: " + ("passed" if monitors["passed"]
                                       else f"FAILED ({len(monitors['failures'])})"))
    if report["report"]:
        lines.append(f"  report: {report['report']}")
    return lines


def source_lines(sources):
    """One line per discovery source: what it found and what came of it."""
    lines = []
    for name, s in sorted(sources.items()):
        if s["status"] in ("absent", "skipped", "disallowed"):
            lines.append(f"source {name}: {s['status']}")
            continue
        if s["status"] == "index":
            lines.append(f"source {name}: index of {s.get('children', 0)} sitemaps")
            continue
        text = (f"source {name}: links {s['links']}"
                + (f" (kept {s['kept']})" if s["kept"] != s["links"] else "")
                + f", new {s['new']}, updated {s['updated']}, requests {s['requests']}")
        if s.get("error"):
            text += f" [{s['status']}: {s['error']}]"
        lines.append(text)
    return lines


def _inline(mapping):
    return ", ".join(f"{k}={v}" for k, v in mapping.items())


class CrawlReport:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.write = crawler.settings.getbool("NEWSCRAWL_REPORT", True)

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def spider_opened(self, spider):
        # Connected now, after every extension connected its own handlers in from_crawler:
        # this runs after Spidermon's spider_closed, so the report carries the monitors' verdict.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def item_scraped(self, item, response=None, spider=None):
        for key in ARTICLE_KEYS:
            if covered(item.get(key)):
                self.stats.inc_value(COVERAGE + key)
        if covered(item.get("authors")) or covered(item.get("credit")):
            self.stats.inc_value(COVERAGE + BYLINE)
        if item.get("paywalled"):
            self.stats.inc_value("newscrawl/paywalled")

    def feeds(self):
        """The URIs of this run's feeds, as the feed exporter resolved them."""
        exporter = self.crawler.get_extension(FeedExporter)
        return [slot.uri for slot in getattr(exporter, "slots", [])] if exporter else []

    def report_path(self, spider, feeds):
        for feed in feeds:
            path = report_path_for_feed(feed)
            if path:
                return path
        settings = self.crawler.settings
        pattern = feed_path(settings.get("NEWSCRAWL_FEED_DIR") or "output",
                            settings.get("NEWSCRAWL_FEED_FORMAT", "jsonlines"))
        feed = pattern % {"name": spider.name, "run_id": run_id(spider)}
        return report_path_for_feed(feed)

    def spider_closed(self, spider, reason):
        stats = self.stats.get_stats()
        if stats.get("newscrawl/overlap"):
            return  # a job turned away by the overlap guard did nothing to report
        feeds = self.feeds()
        path = self.report_path(spider, feeds) if self.write else None
        report = build_report(stats, spider=spider, run=run_id(spider), feeds=feeds,
                              report_path=path)
        logger.info("\n".join(summary_lines(report)))
        if path:
            self.write_report(path, report)

    @staticmethod
    def write_report(path, report):
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False, indent=2)
            f.write("\n")
        os.replace(tmp, path)
