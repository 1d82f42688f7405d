"""``scrapy crawl`` that exits non-zero when the crawl's monitors failed.

Spidermon logs failed monitors but leaves the exit status alone; cron, systemd and CI only see
the exit status. The monitor suite (``newscrawl.monitors``) sets the stat
``newscrawl/monitors/failed``; this command exits with status 1 when it is above zero, as Scrapy
already does when a crawler fails to start.

A bad spider argument (``-a sections=nope``, ``-a since=yesterday``...) is refused before the
crawl starts: one ``ERROR:`` line on stderr saying what is wrong and what is accepted, exit
status 1, no traceback (the spider raises ``newscrawl.spiders.base.BadArgument``).
"""

import logging
import os
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newscrawl.distributed import preflight
from newscrawl.monitors import STAT_FAILED, STAT_FAILURES
from newscrawl.spiders.base import BadArgument

logger = logging.getLogger(__name__)

MONITORS_FAILED_EXIT = 1


class Command(ScrapyCrawlCommand):
    def short_desc(self):
        return "Run a spider of the current project; exit 1 when a monitor failed"

    def _create_crawler(self, spidercls):
        crawler = super()._create_crawler(spidercls)
        # CrawlerProcess forgets a crawler once it is done: keep it to read its stats after.
        self.started_crawlers.append(crawler)
        return crawler

    def bad_argument(self, args, opts):
        """The message of a bad spider argument, or None. The spider checks its arguments in
        ``__init__``; building one here, before any crawler, costs nothing and keeps the
        traceback Scrapy would print off the terminal."""
        if len(args) != 1:
            return None
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            return None  # Scrapy says so itself
        try:
            spidercls(**opts.spargs)
        except BadArgument as error:
            return str(error)
        return None

    def setting(self, name):
        """A setting as the crawl will see it: -s, else the environment, else the default."""
        if (self.settings.getpriority(name) or 0) >= 40:  # cmdline
            return self.settings.get(name)
        return os.environ.get(name) or self.settings.get(name)

    def run(self, args, opts):
        self.started_crawlers = []
        message = self.bad_argument(args, opts)
        if message:
            print(f"ERROR: {message}", file=sys.stderr)
            self.exitcode = 1
            return
        # A distributed crawl whose Redis or PostgreSQL cannot be reached: one line, exit 1.
        error = preflight(self.setting)
        if error:
            logger.error("%s", error)
            self.exitcode = 1
            return
        super().run(args, opts)
        failures = []
        for crawler in self.started_crawlers:
            try:
                stats = crawler.stats
            except RuntimeError:  # the crawler never started (e.g. a bad spider argument)
                continue
            if stats is not None and (stats.get_value(STAT_FAILED) or 0) > 0:
                failures += stats.get_value(STAT_FAILURES) or [f"{STAT_FAILED}"]
        if failures:
            self.exitcode = max(self.exitcode or 0, MONITORS_FAILED_EXIT)
            print(
                f"newscrawl: {len(failures)} monitor(s) failed, exit status {self.exitcode}:\n  "
                + "\n  ".join(failures),
                file=sys.stderr,
            )
