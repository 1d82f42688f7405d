"""``scrapy reextract``: today's extraction over archived pages, with no network.

    scrapy reextract warc/japantimes_20261202T152413Z-10837-00000.warc.gz
    scrapy reextract warc/*.warc.gz -o again.jsonl --fresh
    scrapy reextract CC-NEWS-20261201120000-00042.warc.gz --spider japantimes

Reads WARC files (ours, Common Crawl's CC-NEWS, wget's, Browsertrix's; see
``newscrawl.archive.reader``), keeps the article responses of hosts that have a site module (with
``--generic``, of every host: pages of hosts without a module are read by the generic
extractor, and the state of such runs is the one named ``generic``), and runs them through
the crawl's own spider callback, item pipelines (cleaning, validation, duplicates, state), feed,
report and monitors (``newscrawl.archive.spider``). The feed is the crawl's: same keys, same
dedup, a per-run file under ``NEWSCRAWL_FEED_DIR`` unless ``-o``/``-O`` says otherwise;
``crawled_at`` is the record's ``WARC-Date`` and ``archive`` names the record read.

The state makes it exactly once across runs, as for crawls: an article exported before with the
same content is not exported again (``unchanged``), one whose extraction changed is exported as
``updated``. ``--fresh`` exports everything (the state still records it).

What was not re-extracted is counted by reason (``newscrawl/archive/skipped/<reason>``), logged,
and written in the report's ``archive`` section, with any file cut in the middle of a record.

Exit status: 0; 1 with one ``ERROR:`` line for a missing or unreadable file, or an archive with
nothing to re-extract; 1 when a monitor failed (as ``scrapy crawl``); 2 for
usage errors.
"""

import sys

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from newscrawl.archive.reader import ArchiveError, check_warc, scan
from newscrawl.archive.spider import GenericArchiveSpider, reextract_spider
from newscrawl.monitors import STAT_FAILED, STAT_FAILURES
from newscrawl.sites import get_site

ERROR_EXIT = 1


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self):
        return "[options] FILE.warc.gz [FILE ...]"

    def short_desc(self):
        return "Extract articles again from WARC files (ours or others'), with no network"

    def long_desc(self):
        return __doc__.split("\n\n", 1)[1]

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--spider", metavar="NAME",
                            help="the site's spider (default: the one site the archive holds)")
        parser.add_argument("--fresh", action="store_true",
                            help="ignore the state: export every article found")
        parser.add_argument("--generic", action="store_true",
                            help="also pages of hosts without a site module, read by the "
                                 "generic extractor (state: 'generic')")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        # Before Scrapy's start-up lines: bad input gets one ERROR line and nothing else.
        if opts.generic and opts.spider:
            self.exit_with("--generic reads every host; --spider picks one site: give one")
        for path in args:
            try:
                check_warc(path)
            except ArchiveError as error:
                self.exit_with(str(error))

    @staticmethod
    def exit_with(message):
        print(f"ERROR: {message}", file=sys.stderr)
        raise SystemExit(ERROR_EXIT)

    def fail(self, message):
        print(f"ERROR: {message}", file=sys.stderr)
        self.exitcode = ERROR_EXIT

    def spider_of_site(self, site):
        loader = self.crawler_process.spider_loader
        for name in loader.list():
            spidercls = loader.load(name)
            if getattr(spidercls, "site", None) is site:
                return spidercls
        return None

    def choose(self, spider_name):
        if not spider_name:
            return None
        try:
            spidercls = self.crawler_process.spider_loader.load(spider_name)
        except KeyError:
            raise UsageError(f"no spider named {spider_name!r}; known: "
                             f"{', '.join(self.crawler_process.spider_loader.list())}") from None
        if getattr(spidercls, "site", None) is None:
            raise UsageError(f"spider {spider_name!r} has no site to extract with")
        return spidercls

    def run(self, args, opts):
        if not args:
            raise UsageError("give one or more WARC files")
        spidercls = self.choose(opts.spider)
        site = spidercls.site if spidercls else None
        try:
            index = scan(args, site=site, warc_dir=self.settings.get("NEWSCRAWL_WARC_DIR"),
                         generic=opts.generic)
        except ArchiveError as error:
            self.fail(str(error))
            return
        if opts.generic:
            if not index.responses:
                skipped = ", ".join(f"{k} {v}" for k, v in sorted(index.skipped.items()))
                self.fail(f"no HTML page to re-extract in {', '.join(args)} "
                          f"(skipped: {skipped or 'nothing'})")
                return
            spidercls = GenericArchiveSpider
        elif spidercls is None:
            if len(index.sites) > 1:
                self.fail(f"the archive holds articles of several sites "
                          f"({', '.join(sorted(index.sites))}); choose one with --spider")
                return
            if not index.sites:
                skipped = ", ".join(f"{k} {v}" for k, v in sorted(index.skipped.items()))
                self.fail(f"no article page of a known site in {', '.join(args)} "
                          f"(skipped: {skipped or 'nothing'})")
                return
            spidercls = self.spider_of_site(get_site(next(iter(index.sites))))
        crawler = self._create_crawler(reextract_spider(spidercls))
        spargs = dict(opts.spargs)
        if opts.fresh:
            spargs["fresh"] = "1"
        self.crawler_process.crawl(crawler, archive_index=index, **spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = ERROR_EXIT
            return
        stats = crawler.stats
        if stats is not None and (stats.get_value(STAT_FAILED) or 0) > 0:
            failures = stats.get_value(STAT_FAILURES) or [STAT_FAILED]
            self.exitcode = ERROR_EXIT
            print(f"newscrawl: {len(failures)} monitor(s) failed, exit status "
                  f"{self.exitcode}:\n  " + "\n  ".join(failures), file=sys.stderr)
