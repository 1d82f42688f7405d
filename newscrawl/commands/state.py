"""``scrapy state``: what the incremental state holds, and a way to start over.

    scrapy state                  # every site: articles recorded, last run
    scrapy state japantimes       # one site
    scrapy state --json           # the same as JSON
    scrapy state --reset japantimes   # forget one site (the next run exports everything again)
    scrapy state --reset          # forget every site
    scrapy state --crawl ID       # one distributed crawl across its workers (PostgreSQL state)

The state lives in ``NEWSCRAWL_STATE_DIR`` (one SQLite file per site), or in PostgreSQL when
``NEWSCRAWL_STATE_URL`` is set (``-s`` or the environment). A reset refuses to run while a
crawl of that site holds the site's lock.
"""

import json
import os
import sys

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
        parser.add_argument("--crawl", metavar="ID",
                            help="report one distributed crawl: articles per worker, totals, "
                                 "failed pages, feeds")

    def setting(self, name):
        if (self.settings.getpriority(name) or 0) >= 40:  # -s wins over the environment
            return self.settings.get(name)
        return os.environ.get(name) or self.settings.get(name)

    def run(self, args, opts):
        if len(args) > 1:
            raise UsageError("at most one SITE")
        url = (self.setting("NEWSCRAWL_STATE_URL") or "").strip()
        if url:
            self.run_postgres(url, args, opts)
            return
        if opts.crawl:
            raise UsageError("--crawl needs the shared state: set NEWSCRAWL_STATE_URL")
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

    # --- PostgreSQL (the shared state of distributed crawls) ---------------------------------

    def run_postgres(self, url, args, opts):
        import psycopg

        from newscrawl.state import postgres

        schema = self.setting("NEWSCRAWL_STATE_SCHEMA") or postgres.DEFAULT_SCHEMA
        try:
            sites = args or postgres.list_sites(url, schema)
            if opts.crawl:
                self.show_crawl(url, schema, sites, opts.crawl, as_json=opts.json)
            elif opts.reset:
                for site in sites:
                    with postgres.PostgresStateStore(url, site, schema=schema) as store:
                        holders = store.lock_holders()
                    if holders:
                        self.exitcode = 1
                        print(f"{site}: a crawl of this site is running ({holders[0]}); "
                              "not reset")
                        continue
                    removed = postgres.remove_state(url, site, schema)
                    print(f"{site}: state {'removed' if removed else 'was empty'}")
            else:
                summaries = {}
                for site in sites:
                    with postgres.PostgresStateStore(url, site, schema=schema) as store:
                        summaries[site] = store.summary()
                if opts.json:
                    print(json.dumps({"state_url": postgres.redact(url), "schema": schema,
                                      "sites": summaries}, indent=2, default=str))
                    return
                print(f"State: {postgres.redact(url)} (schema {schema})")
                for site, summary in summaries.items():
                    print(f"  {site}: {summary['articles']} articles recorded, "
                          f"{summary['runs']} runs")
        except psycopg.Error as exc:
            self.exitcode = 1
            print(f"PostgreSQL at {postgres.redact(url)}: {exc}".strip(), file=sys.stderr)

    def show_crawl(self, url, schema, sites, crawl, *, as_json=False):
        from newscrawl.state import postgres

        crawls = {}
        for site in sites:
            with postgres.PostgresStateStore(url, site, schema=schema) as store:
                runs = store.crawl_runs(crawl)
                pending = store.pending_of_crawl(crawl)
            if not runs and not pending:
                continue
            workers = []
            failed_pages = []
            for run in runs:
                counts = run["counts"]
                failed_pages += counts.get("failed_pages") or []
                workers.append({
                    "run_id": run["run_id"], "exported": run["exported"],
                    "started_at": run["started_at"], "finished_at": run["finished_at"],
                    "finish_reason": run["finish_reason"],
                    "listing_pages": counts.get("listing_pages", 0),
                    "article_pages": counts.get("article_pages", 0),
                    "failed": counts.get("failed", 0), "feeds": counts.get("feeds") or [],
                })
            crawls[site] = {
                "articles": sum(w["exported"] for w in workers),
                "workers": workers,
                "failed": sum(w["failed"] for w in workers),
                "failed_pages": failed_pages,
                # staged by workers that are running, or died before their feed was stored
                "uncommitted": pending,
            }
        if as_json:
            print(json.dumps({"crawl": crawl, "crawls": crawls}, indent=2, default=str))
            return
        if not crawls:
            print(f"Crawl {crawl}: nothing recorded (yet)")
            self.exitcode = 1
            return
        for site, report in crawls.items():
            print(f"Crawl {crawl}, {site}: {report['articles']} articles exported by "
                  f"{len(report['workers'])} workers, {report['failed']} pages failed")
            for w in report["workers"]:
                print(f"  {w['run_id']}: {w['exported']} articles, {w['listing_pages']} listing "
                      f"+ {w['article_pages']} article pages, {w['failed']} failed "
                      f"({w['finish_reason']})")
                for feed in w["feeds"]:
                    print(f"    feed: {feed}")
            for page in report["failed_pages"]:
                print(f"  failed: {page.get('url')} ({page.get('reason')})")
            for run, count in report["uncommitted"].items():
                print(f"  {run}: {count} exports not recorded yet (running, or died before "
                      "its feed was stored)")
