"""`make demo`: crawl the offline snapshot of The Japan Times end to end and summarise it,
then one news site without a module (the snapshot's Harbor Gazette) with ``scrapy crawl news``.

Starts the snapshot server on a free loopback port, runs ``scrapy crawl japantimes`` over every
snapshot section through it (``NEWSCRAWL_MIRROR``), exactly as a live crawl runs, writes the
feed under ``NEWSCRAWL_FEED_DIR`` (default ``output/``), prints a summary from the run's report,
and stops the server. Then the same for ``scrapy crawl news -a
site=https://www.harbor-gazette.example/``: a WordPress site found through its feeds, sitemaps
and navigation and read by the generic extraction. The demo keeps its own state
(``output/.demo-state``) and runs with ``fresh=1``, so it exports every article each time and
never touches the state of live crawls.

    python -m newscrawl.demo [--feed-dir DIR] [-- extra scrapy crawl arguments]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from newscrawl.snapshot import SECTIONS
from newscrawl.snapshot.generic import load_generic_expected
from newscrawl.snapshot.server import SnapshotServer

PROJECT_DIR = Path(__file__).resolve().parents[1]
JAPANTIMES_TITLE = "newscrawl demo: The Japan Times, offline snapshot"
# The site without a module the demo crawls with `scrapy crawl news`.
GENERIC_SITE = "harbor-gazette"


def newest(pattern_dir, suffix, before):
    found = set(Path(pattern_dir).rglob(f"*{suffix}")) - before
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def summary(report, feed, title=JAPANTIMES_TITLE):
    a = report["articles"]
    lines = [
        "",
        title,
        f"  feed:                {feed}",
        f"  report:              {report.get('report')}",
        f"  articles exported:   {a['exported']} (paywalled previews: {a.get('paywalled', 0)})",
        f"  listing pages:       {report['pages']['listing']} "
        f"({', '.join(f'{k} {v}' for k, v in report['pages']['by_section'].items())})",
        f"  article pages:       {report['pages']['article']}",
        f"  bot walls:           {report['pages'].get('botwall', 0)} (counted, never exported)",
        f"  dropped:             {report['dropped']['total']} "
        + (", ".join(f"{k}: {v}" for k, v in report['dropped']['by_reason'].items()) or ""),
        "  duplicates:          "
        + (", ".join(f"{k}: {v}" for k, v in report["duplicates"].items()) or "none"),
    ]
    lines += discovery_lines(report)
    failed = report.get("failed_pages") or []
    if report.get("http_errors"):
        lines.append("  HTTP errors:         "
                     + ", ".join(f"{k}: {v}" for k, v in report["http_errors"].items()))
    for page in failed:
        lines.append(f"  failed:              {page['url']} ({page['reason']})")
    lines.append("  stripped blocks:     "
                 + (", ".join(f"{k} {v}" for k, v in report["stripped"].items()) or "none"))
    coverage = report["field_coverage"]
    lines.append("  field coverage (%):  " + ", ".join(
        f"{k} {v:g}" for k, v in coverage.items() if v is not None))
    monitors = report["monitors"]
    lines.append("  monitors:            " + (
        "passed" if monitors.get("passed") else f"FAILED: {'; '.join(monitors['failures'])}"))
    return "\n".join(lines)


def discovery_lines(report):
    """Per source and per section: links found, new and updated articles, requests spent."""
    r = report.get("requests") or {}
    lines = []
    if r.get("total"):
        per = r.get("per_new_or_updated_article")
        lines.append(f"  requests:            {r['total']} (discovery documents "
                     f"{r['discovery_documents']}, article pages {r['article_pages']})"
                     + (f", {per:g} per new or updated article" if per is not None else ""))
    sources = report.get("sources") or {}
    if sources:
        lines.append("  sources:             links / new / updated / requests")
        for name, s in sorted(sources.items()):
            if s["status"] in ("absent", "skipped", "disallowed", "no_articles"):
                state = {"absent": "absent (404)", "skipped": "outside the date range",
                         "disallowed": "forbidden by robots.txt",
                         "no_articles": "lists no article"}[s["status"]]
                lines.append(f"    {name:<40} {state}")
            elif s["status"] == "index":
                lines.append(f"    {name:<40} index of {s.get('children', 0)} sitemaps")
            else:
                text = f"{s['links']} / {s['new']} / {s['updated']} / {s['requests']}"
                if s.get("error"):
                    text += f"  {s['status'].upper()}: {s['error']}"
                lines.append(f"    {name:<40} {text}")
    sections = report.get("sections") or {}
    if sections:
        lines.append("  sections:            links / new / updated / requests")
        for name, s in sections.items():
            lines.append(f"    {name:<40} {s['links']} / {s['new']} / {s['updated']} / "
                         f"{s['requests']}")
    fallbacks = report.get("listing_fallbacks") or {}
    if fallbacks:
        lines.append("  listing fallbacks:   " + ", ".join(
            f"{k} ({v} pages)" for k, v in fallbacks.items()))
    return lines


def run_crawl(server, feed_dir, env, spider_args, extra=()):
    """One `scrapy crawl` through the snapshot server; (exit status, report or None)."""
    before = set(feed_dir.rglob("*.report.json"))
    command = [
        sys.executable, "-m", "scrapy", "crawl", *spider_args, "-a", "fresh=1",
        "-s", f"NEWSCRAWL_MIRROR={server.url}",
        "-s", f"NEWSCRAWL_FEED_DIR={feed_dir}",
        "-s", f"NEWSCRAWL_STATE_DIR={feed_dir / '.demo-state'}",
        "-s", "LOG_LEVEL=WARNING",
        *extra,
    ]
    print("Running: " + " ".join(command[1:]), flush=True)
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env)
    report_path = newest(feed_dir, ".report.json", before)
    if report_path is None:
        return result.returncode, None
    return result.returncode, json.loads(report_path.read_text("utf-8"))


def feed_of(report):
    feeds = report.get("feeds") or []
    return feeds[0].removeprefix("file://") if feeds else "(none)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed-dir", default=os.environ.get("NEWSCRAWL_FEED_DIR", "output"))
    parser.add_argument("--no-generic", action="store_true",
                        help="crawl the Japan Times only, not the site without a module")
    parser.add_argument("extra", nargs="*", help="more `scrapy crawl` arguments, after --")
    args = parser.parse_args(argv)
    feed_dir = Path(args.feed_dir).resolve()
    feed_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR) + os.pathsep
               + os.environ.get("PYTHONPATH", ""))
    with SnapshotServer() as server:
        print(f"Snapshot server: {server.url}", flush=True)
        status, report = run_crawl(server, feed_dir, env, [
            "japantimes", "-a", "sections=" + ",".join(SECTIONS)], args.extra)
    if report is None:
        print("newscrawl demo: the crawl wrote no report", file=sys.stderr)
        return status or 1
    print(summary(report, feed_of(report)))
    if args.no_generic:
        return status
    site = load_generic_expected(GENERIC_SITE)["site"]
    with SnapshotServer(site=GENERIC_SITE) as server:
        print(f"\nSnapshot server ({site['host']}): {server.url}", flush=True)
        generic_status, report = run_crawl(server, feed_dir, env, [
            "news", "-a", f"site={site['origin']}/"], args.extra)
    if report is None:
        print("newscrawl demo: the news crawl wrote no report", file=sys.stderr)
        return status or generic_status or 1
    print(summary(report, feed_of(report), title=(
        f"newscrawl demo: any news site, {site['host']} (no site module: generic "
        "discovery and extraction), offline snapshot")))
    return status or generic_status


if __name__ == "__main__":
    sys.exit(main())
