"""``scrapy state``: what the incremental state holds, and a way to start over.

    scrapy state                  # every site: articles recorded, last run
    scrapy state japantimes       # one site
    scrapy state --json           # the same as JSON
    scrapy state --reset japantimes   # forget one site (the next run exports everything again)
    scrapy state --reset          # forget every site

The state lives in ``NEWSCRAWL_STATE_DIR`` (one SQLite file per site). A reset refuses to run
while a crawl of that site holds the site's lock.
"""

import json
import os

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.extensions.overlap_guard import SiteLock, lock_path
from newscrawl.state.sqlite import StateStore, list_sites, remove_state, state_path


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self):
        return "[options] [SITE]"

    def short_desc(self):
        return "Show the incremental state (articles and last run per site), or reset it"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--reset", action="store_true",
                            help="forget what SITE (or every site) exported")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def run(self, args, opts):
        if len(args) > 1:
            raise UsageError("at most one SITE")
        state_dir = self.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl"
        sites = args or list_sites(state_dir)
        if opts.reset:
            self.reset(state_dir, sites)
        else:
            self.show(state_dir, sites, as_json=opts.json)

    def show(self, state_dir, sites, *, as_json=False):
        summaries = {}
        for site in sites:
            if not os.path.exists(state_path(state_dir, site)):
                summaries[site] = None
                continue
            with StateStore.for_site(state_dir, site) as store:
                summaries[site] = store.summary()
        if as_json:
            print(json.dumps({"state_dir": state_dir, "sites": summaries}, indent=2))
            return
        print(f"State directory: {os.path.abspath(state_dir)}")
        if not summaries:
            print("  no state yet: the next crawl of any site exports everything it finds")
        for site, summary in summaries.items():
            if summary is None:
                print(f"  {site}: no state")
                continue
            print(f"  {site}: {summary['articles']} articles recorded, {summary['runs']} runs "
                  f"({summary['path']})")
            run = summary["last_run"]
            if run:
                counts = run["counts"]
                print(f"    last run {run['run_id']}: {run['started_at']} .. "
                      f"{run['finished_at']} ({run['finish_reason']}"
                      + (", fresh" if run["fresh"] else "") + ")")
                print("    exported {exported} (new {new}, updated {updated}), unchanged "
                      "{unchanged}, not fetched {skipped_seen}, dropped {dropped}, duplicates "
                      "{duplicates}".format(**{k: counts.get(k, 0) for k in (
                          "exported", "new", "updated", "unchanged", "skipped_seen",
                          "dropped", "duplicates")}))
            if summary["uncommitted"]:
                print(f"    {summary['uncommitted']} exports of interrupted runs not recorded "
                      "(those articles are exported again)")

    def reset(self, state_dir, sites):
        if not sites:
            print("Nothing to reset.")
            return
        for site in sites:
            lock = SiteLock(lock_path(state_dir, site))
            if not lock.acquire({"job": "scrapy state --reset", "pid": os.getpid()}):
                self.exitcode = 1
                print(f"{site}: a crawl of this site is running; not reset")
                continue
            try:
                removed = remove_state(state_dir, site)
            finally:
                lock.release()
            print(f"{site}: state {'removed' if removed else 'was empty'}")
