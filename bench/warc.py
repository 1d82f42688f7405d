"""What keeping WARC archives costs, and how fast re-extraction is: a table.

    .venv/bin/python bench/warc.py             # 5 rounds
    .venv/bin/python bench/warc.py --rounds 9

Each round runs, against one snapshot server on loopback (no latency: CPU-bound crawls), in
alternating order: a crawl of the snapshot's four sections without ``NEWSCRAWL_WARC_DIR``, one
with it, and ``scrapy reextract --fresh`` over the archive the second wrote. Each is a real
``scrapy crawl``/``scrapy reextract`` subprocess with its own feed and state directories and
``fresh=1``. Figures:

- archive size per 1,000 exported articles (the .warc.gz files: article pages, listings,
  robots.txt, the retried errors, with their requests), and per response;
- extra CPU per article for writing it: the child's user+sys CPU time (``getrusage``) with
  minus without, per article page, median of the rounds' paired differences (process start-up
  is in both and cancels out);
- the writer alone, in this process: ``WarcWriterMiddleware.process_response`` over every
  snapshot article page (response and request records, gzip, write, flush), CPU time
  (``process_time``) per page, median of the rounds: the same cost without a crawl's noise;
- articles per second: article pages / the run's own elapsed time (its report's started_at to
  finished_at), median over rounds, for the crawl and the re-extraction.

The machine is shared: medians of alternated runs, and still only indicative.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newscrawl.snapshot import SECTIONS  # noqa: E402
from newscrawl.snapshot.server import SnapshotServer  # noqa: E402


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args, workdir):
    """Run ``scrapy ARGS`` in a child; (CPU seconds it used, its report)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    before = child_cpu()
    proc = subprocess.run([sys.executable, "-m", "scrapy", *args,
                           "-s", f"NEWSCRAWL_FEED_DIR={workdir / 'output'}",
                           "-s", f"NEWSCRAWL_STATE_DIR={workdir / 'state'}",
                           "-s", "NEWSCRAWL_RETRY_BACKOFF=0", "-L", "ERROR"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    cpu = child_cpu() - before
    if proc.returncode != 0:
        raise RuntimeError(f"scrapy {args[0]} failed: {proc.stderr[-2000:]}")
    reports = sorted((workdir / "output").rglob("*.report.json"), key=os.path.getmtime)
    return cpu, json.loads(reports[-1].read_text())


def elapsed(report):
    start, end = (datetime.fromisoformat(report[k].replace("Z", "+00:00"))
                  for k in ("started_at", "finished_at"))
    return (end - start).total_seconds()


def writer_cpu_per_page(rounds):
    """Median over rounds of the writer's CPU time per snapshot article page (s)."""
    import time

    from scrapy import Spider
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from newscrawl.archive.writer import WarcWriterMiddleware
    from newscrawl.snapshot import load_expected
    from newscrawl.snapshot.server import Snapshot

    snapshot = Snapshot()
    pages = []
    for article in load_expected()["articles"]:
        _, entry = snapshot.resolve(article["url"])
        pages.append((article["url"], snapshot.read(entry)))
    spider = Spider(name="bench")
    spider.newscrawl_run_id = "bench"
    per_page = []
    with tempfile.TemporaryDirectory(prefix="bench-warc-writer-") as tmp:
        for n in range(rounds + 1):  # the first round warms up, not counted
            crawler = get_crawler(Spider, {"NEWSCRAWL_WARC_DIR": f"{tmp}/{n}"})
            mw = WarcWriterMiddleware.from_crawler(crawler)
            mw.spider_opened(spider)
            responses = []
            for url, body in pages:
                request = Request(url, headers={"User-Agent": "bench"})
                responses.append((request, HtmlResponse(
                    url, body=body, request=request, protocol="HTTP/1.1",
                    headers={"Content-Type": "text/html; charset=utf-8",
                             "Content-Length": str(len(body))})))
            start = time.process_time()
            for request, response in responses:
                mw.process_response(request, response)
            spent = time.process_time() - start
            mw.spider_closed(spider, "finished")
            if n:
                per_page.append(spent / len(pages))
    return statistics.median(per_page)


def one_round(server_url, tmp, n, warc_first):
    crawl = ["crawl", "japantimes", "-a", "sections=" + ",".join(SECTIONS), "-a", "fresh=1",
             "-s", f"NEWSCRAWL_MIRROR={server_url}"]
    plain_dir, warc_dir, re_dir = (tmp / f"{n}-plain", tmp / f"{n}-warc", tmp / f"{n}-re")
    archive = warc_dir / "warc"
    jobs = [("plain", crawl, plain_dir),
            ("warc", [*crawl, "-s", f"NEWSCRAWL_WARC_DIR={archive}"], warc_dir)]
    if warc_first:
        jobs.reverse()
    out = {}
    for name, args, workdir in jobs:
        out[name] = run(args, workdir)
    files = sorted(str(p) for p in archive.iterdir())
    out["reextract"] = run(["reextract", *files, "--fresh"], re_dir)
    out["warc_bytes"] = sum(os.path.getsize(f) for f in files)
    out["files"] = len(files)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()
    writer = writer_cpu_per_page(args.rounds)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="bench-warc-") as tmp, SnapshotServer() as server:
        for n in range(args.rounds):
            rounds.append(one_round(server.url, Path(tmp), n, warc_first=n % 2 == 1))
    first = rounds[0]
    report = first["warc"][1]
    items = report["articles"]["exported"]
    pages = report["pages"]["article"]
    responses = report["archive"]["written"]["responses"]
    size = statistics.median(r["warc_bytes"] for r in rounds)
    extra = statistics.median((r["warc"][0] - r["plain"][0]) / r["warc"][1]["pages"]["article"]
                              for r in rounds)

    def med(key, figure):
        return statistics.median(figure(r[key]) for r in rounds)

    cpu = {k: med(k, lambda x: x[0]) for k in ("plain", "warc", "reextract")}
    rate = {k: med(k, lambda x: x[1]["pages"]["article"] / elapsed(x[1]))
            for k in ("plain", "warc", "reextract")}
    print(f"WARC archives of the snapshot crawl ({', '.join(SECTIONS)}): {args.rounds} "
          f"round(s), medians; {items} articles exported from {pages} article pages, "
          f"{responses} responses archived in {first['files']} file(s).")
    print("The CPU is shared with other work: figures are indicative.\n")
    print(f"| {'figure':44s} | {'value':>14s} |")
    print(f"|{'-' * 46}|{'-' * 16}|")
    rows = [
        ("archive size per 1,000 articles", f"{size / items * 1000 / 2**20:9.1f} MiB"),
        ("archive size per response archived", f"{size / responses / 1024:9.1f} KiB"),
        ("CPU of a crawl without WARC (user+sys)", f"{cpu['plain']:9.3f} s"),
        ("CPU of a crawl with WARC (user+sys)", f"{cpu['warc']:9.3f} s"),
        ("extra CPU per article page for writing WARC", f"{extra * 1000:9.2f} ms"),
        ("  the writer alone, per article page", f"{writer * 1000:9.2f} ms"),
        ("crawl without WARC", f"{rate['plain']:9.1f} art/s"),
        ("crawl with WARC", f"{rate['warc']:9.1f} art/s"),
        ("re-extraction from the WARC (--fresh)", f"{rate['reextract']:9.1f} art/s"),
        ("re-extraction / crawl without WARC", f"{rate['reextract'] / rate['plain']:9.2f}x"),
        ("CPU of the re-extraction (user+sys)", f"{cpu['reextract']:9.3f} s"),
    ]
    for label, value in rows:
        print(f"| {label:44s} | {value:>14s} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
