"""Discovery figures on the offline snapshot: what each way in finds, what an hourly run costs,
what a date-range backfill costs.

Runs real `scrapy crawl japantimes` processes against the snapshot server on loopback:

1. each source alone (`-a discover=listings|feeds|sitemaps`) and all three: articles exported,
   requests made;
2. a first crawl, then the same crawl again with the state it left (an hourly run against an
   unchanged site), then again against the site with one article updated: requests, discovery
   documents, article pages, new and updated articles, requests per new or updated article;
3. a backfill (`-a since=2020-02-01 -a until=2020-02-29` on two sections): articles, requests,
   wall time (median of ``--rounds``).

    python bench/discovery.py [--rounds 3] [--json]

Figures are counts from the crawl reports, except the backfill's time (seconds, median).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newscrawl.snapshot.server import SnapshotServer  # noqa: E402

BACKFILL = ("-a", "sections=news/national,news/asia-pacific",
            "-a", "since=2020-02-01", "-a", "until=2020-02-29")


def crawl(tmp, name, *args, state="state", variants=()):
    out = Path(tmp) / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    with SnapshotServer(variants=variants) as server:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "japantimes", *args,
             "-s", f"NEWSCRAWL_MIRROR={server.url}", "-s", f"NEWSCRAWL_FEED_DIR={out}",
             "-s", f"NEWSCRAWL_STATE_DIR={Path(tmp) / state}", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        seconds = time.monotonic() - started
    reports = list(out.rglob("*.report.json"))
    if len(reports) != 1:
        sys.exit(f"{name}: no crawl report (exit {proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads(reports[0].read_text("utf-8"))
    r, a = report["requests"], report["articles"]
    return {
        "run": name, "exit": proc.returncode, "seconds": round(seconds, 2),
        "exported": a["exported"], "new": a["new"], "updated": a["updated"],
        "requests": r["total"], "documents": r["discovery_documents"],
        "article_pages": r["article_pages"],
        "no_article": r["article_pages_without_article"],
        "per_new_or_updated": r["per_new_or_updated_article"],
        "failed_pages": len(report["failed_pages"]), "botwalls": report["pages"]["botwall"],
        "dropped": report["dropped"]["total"],
    }


def table(rows, keys):
    widths = {k: max(len(k), *(len(str(row[k])) for row in rows)) for k in keys}
    lines = ["  ".join(k.ljust(widths[k]) for k in keys)]
    lines += ["  ".join(str(row[k]).ljust(widths[k]) for k in keys) for row in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="backfill crawls (median)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-discovery-") as tmp:
        per_source = [crawl(tmp, f"only-{s}", "-a", f"discover={s}", state=f"state-{s}")
                      for s in ("listings", "feeds", "sitemaps")]
        per_source.append(crawl(tmp, "all-three", state="state-all"))
        hourly = [crawl(tmp, "first", state="hourly"),
                  crawl(tmp, "hourly-unchanged", state="hourly"),
                  crawl(tmp, "hourly-one-updated", state="hourly", variants=("updated",))]
        backfills = [crawl(tmp, f"backfill-{i}", *BACKFILL, state=f"backfill-{i}")
                     for i in range(args.rounds)]
    backfill = dict(backfills[len(backfills) // 2])
    backfill["seconds"] = round(statistics.median(b["seconds"] for b in backfills), 2)
    backfill["run"] = f"backfill (median of {len(backfills)})"
    figures = {"per_source": per_source, "hourly": hourly, "backfill": backfill}
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    keys = ("run", "exit", "exported", "new", "updated", "requests", "documents",
            "article_pages", "no_article", "per_new_or_updated", "failed_pages", "botwalls",
            "dropped")
    print("Articles found per way in (snapshot, the four default sections):")
    print(table(per_source, keys))
    print("\nAn hourly run: first crawl, the same site again, then one article updated:")
    print(table(hourly, keys))
    print("\nA date-range backfill (" + " ".join(BACKFILL[1::2]) + "):")
    print(table([backfill], keys + ("seconds",)))
    print("\nno_article: requests for article pages that gave no article (the snapshot's bot "
          "wall, cut page and HTTP 500, with their retries); never recorded, so tried again "
          "every run. per_new_or_updated counts them too.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
