"""Benchmark: what extraction costs, per article and in a crawl. Figures, not a test.

Over the snapshot's good article pages (``expected.json``'s ``articles``), in one run:

1. median CPU time per article (``time.process_time``; each page timed in every round, median
   per page over the rounds, then median over the pages; one warm-up round first, not counted,
   so the first load of dateparser, the schema and the selectors' caches is not what is timed):
   a. a bare ``lxml.html.fromstring(body)``: the floor;
   b. the whole extraction as the issue defines it (parse, loader, cleaning), as the crawl
      does it: ``HtmlResponse`` + ``extract_article`` + ``CleaningPipeline`` (built once from
      a crawler with the project's settings);
   b+. the same followed by ``ValidationPipeline`` (the JSON Schema check every exported
      record gets), printed for information: it is not part of extraction, so not of the
      targets;
   c. ``trafilatura.extract(html)`` (a dev dependency; skipped with a note when missing);
   with the ratios extraction / bare parse (target <= 2x since issue #13, was 3x) and
   trafilatura / extraction (target >= 3x, i.e. ours at least 3x faster).
2. crawl throughput: ``japantimes`` over the snapshot's four sections through a loopback
   snapshot server, against ``bench/linkonly.py`` (same listings, pagination and article
   downloads, no extraction), same settings, alternated, each run in a fresh process with its
   own temporary feed and state directories and ``fresh=1``. The time is the crawl's own
   ``elapsed_time_seconds`` stat (interpreter start-up and imports excluded). A crawl of the
   snapshot lasts about 0.2 s, so one crawl's figure swings on this shared machine: the
   verdict is the median of the ratios of each alternated pair (the two crawls of a pair ran
   under the same load), over 7 pairs by default. Both runs set ``NEWSCRAWL_RETRY_BACKOFF=0``:
   otherwise the backoff sleeps of the snapshot's HTTP 500 page (1 + 2 s) dominate both crawls.
   For information since issue #13 withdrew its target (>= 80% of the link-only throughput;
   ``bench/scale.py`` judges crawl costs now), with the server answering at loopback
   speed, where both crawls are CPU-bound: the strictest setting. The bench prints what each
   spider spends per page and how much the target leaves for parse, extraction and pipelines.
   Then, for information (no target), the same pairs with the server waiting ``--latency`` ms
   (default 50) before each answer, as a site nearby would: there the site sets the pace.

    python bench/extraction.py              # 7 rounds, 7 crawls of each spider
    python bench/extraction.py --rounds 15
    python bench/extraction.py --quick      # 2 rounds, 1 crawl each (the smoke test)

Exits 0 whatever the figures; PASS/FAIL is printed per target. The machine is shared: medians.
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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECTIONS = "news/national,news/asia-pacific,news/japan,business"
TARGET_PARSE_RATIO = 2.0     # extraction / bare parse, at most (issue #13; was 3.0)
TARGET_TRAFILATURA = 3.0     # trafilatura / extraction, at least
# crawl / link-only: the 80% target is withdrawn (issue #13); the figure is kept for
# information, with what 80% would leave per article
REFERENCE_THROUGHPUT = 0.80


def verdict(ok):
    return "PASS" if ok else "FAIL"


# --- 1. CPU time per article ---------------------------------------------------------------
def load_pages():
    from newscrawl.snapshot import SNAPSHOT_DIR, load_expected, load_manifest

    manifest = load_manifest()
    pages = []
    for article in load_expected()["articles"]:
        entry = manifest[urlsplit(article["url"]).path]
        if entry["status"] != 200:
            continue
        body = (SNAPSHOT_DIR / "site" / entry["file"]).read_bytes()
        pages.append((article["url"], body, entry["content_type"]))
    return pages


def project_crawler():
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.japantimes import JapanTimesSpider

    old = os.getcwd()
    os.chdir(ROOT)
    try:
        settings = get_project_settings().copy_to_dict()
    finally:
        os.chdir(old)
    # get_crawler chooses the reactor settings for a crawler that will not crawl
    for key in ("TWISTED_REACTOR", "TWISTED_REACTOR_ENABLED", "ASYNCIO_EVENT_LOOP"):
        settings.pop(key, None)
    settings["TELNETCONSOLE_ENABLED"] = False
    return get_crawler(JapanTimesSpider, settings_dict=settings)


def make_extraction(validate=False):
    from scrapy.http import HtmlResponse

    from newscrawl.extraction.article import extract_article
    from newscrawl.pipelines.cleaning import CleaningPipeline
    from newscrawl.pipelines.validation import ValidationPipeline
    from newscrawl.sites import get_site

    crawler = project_crawler()
    cleaning = CleaningPipeline.from_crawler(crawler)
    validation = ValidationPipeline.from_crawler(crawler)
    site = get_site("japantimes")

    def extraction(url, body, content_type):
        response = HtmlResponse(url=url, body=body, headers={"Content-Type": content_type})
        item = cleaning.process_item(extract_article(response, site))
        return validation.process_item(item) if validate else item

    return extraction


def make_bare_parse():
    import lxml.html

    def bare_parse(url, body, content_type):
        return lxml.html.fromstring(body)

    return bare_parse


def make_trafilatura():
    try:
        import trafilatura
    except ImportError as error:
        return None, f"not installed ({error}); pip install -r requirements-dev.txt"

    def run(url, body, content_type):
        return trafilatura.extract(body.decode("utf-8"), url=url)

    return run, None


def cpu_per_page(func, pages, rounds):
    """Median over pages of the median CPU time (s) of func per page over rounds, after a
    warm-up round; and the warm-up round's median (the cold figure)."""
    per_page = [[] for _ in pages]
    cold = []
    for round_ in range(rounds + 1):
        for i, (url, body, content_type) in enumerate(pages):
            t0 = time.process_time()
            func(url, body, content_type)
            spent = time.process_time() - t0
            (cold.append(spent) if round_ == 0 else per_page[i].append(spent))
    return statistics.median(statistics.median(t) for t in per_page), statistics.median(cold)


def bench_cpu(rounds):
    pages = load_pages()
    print(f"CPU time per article: {len(pages)} snapshot article pages, median of {rounds} "
          f"rounds per page then median over pages (warm-up round excluded)", flush=True)
    results = {}
    t0 = time.process_time()
    extraction = make_extraction()  # imports, crawler, schema: once per crawl, not per page
    setup = time.process_time() - t0
    for name, func in (("bare lxml parse", make_bare_parse()), ("extraction", extraction),
                       ("extraction + validation", make_extraction(validate=True))):
        results[name] = cpu_per_page(func, pages, rounds)
    traf, missing = make_trafilatura()
    if traf is not None:
        results["trafilatura"] = cpu_per_page(traf, pages, rounds)
    parse, extract_ = results["bare lxml parse"][0], results["extraction"][0]
    print(f"  (a) bare lxml parse        {parse * 1e3:8.2f} ms   lxml.html.fromstring(body)")
    cold = results["extraction"][1]
    print(f"  (b) extraction             {extract_ * 1e3:8.2f} ms   HtmlResponse + "
          f"extract_article + cleaning (warm-up round {cold * 1e3:.2f} ms; "
          f"one-off setup {setup * 1e3:.0f} ms)")
    validated = results["extraction + validation"][0]
    print(f"  (b+) with validation       {validated * 1e3:8.2f} ms   (b) + ValidationPipeline "
          f"(not extraction; for information: {validated / parse:.2f}x the bare parse)")
    if traf is not None:
        print(f"  (c) trafilatura.extract    {results['trafilatura'][0] * 1e3:8.2f} ms")
    else:
        print(f"  (c) trafilatura.extract         n/a   {missing}")
    ratio = extract_ / parse
    print(f"  extraction / bare parse    {ratio:8.2f}x   target <= {TARGET_PARSE_RATIO:g}x   "
          f"{verdict(ratio <= TARGET_PARSE_RATIO)}")
    if traf is not None:
        speedup = results["trafilatura"][0] / extract_
        print(f"  trafilatura / extraction   {speedup:8.2f}x   target >= {TARGET_TRAFILATURA:g}x"
              f"   {verdict(speedup >= TARGET_TRAFILATURA)}")
    else:
        print("  trafilatura / extraction        n/a   trafilatura missing")
    return results


# --- 2. crawl throughput -------------------------------------------------------------------
def crawl_child(spider, mirror, workdir):
    """In a fresh process: one crawl, print its figures as JSON."""
    os.chdir(ROOT)
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    if spider == "linkonly":
        sys.path.insert(0, str(ROOT / "bench"))
        from linkonly import LinkOnlySpider as spidercls
    else:
        from newscrawl.spiders.japantimes import JapanTimesSpider as spidercls

    settings = get_project_settings()
    settings.setdict({
        "NEWSCRAWL_MIRROR": mirror,
        "NEWSCRAWL_FEED_DIR": os.path.join(workdir, "output"),
        "NEWSCRAWL_STATE_DIR": os.path.join(workdir, "state"),
        "NEWSCRAWL_RETRY_BACKOFF": 0,
        "LOG_LEVEL": "ERROR",
    }, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spidercls)
    process.crawl(crawler, sections=SECTIONS, fresh="1")
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "elapsed": stats.get("elapsed_time_seconds"),
        "article_pages": stats.get("newscrawl/pages/article", 0),
        "items": stats.get("item_scraped_count", 0),
        "responses": stats.get("downloader/response_count", 0),
    }))


def run_crawl(spider, mirror):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    with tempfile.TemporaryDirectory(prefix=f"bench-{spider}-") as workdir:
        proc = subprocess.run(
            [sys.executable, __file__, "--crawl-child", spider, mirror, workdir],
            capture_output=True, text=True, env=env, timeout=300,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"{spider} crawl failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def crawl_pairs(runs, latency):
    """``runs`` alternated crawls of each spider against one snapshot server."""
    from newscrawl.snapshot.server import SnapshotServer

    results = {"japantimes": [], "linkonly": []}
    with SnapshotServer(latency=latency) as server:
        for _ in range(runs):
            for spider in results:
                results[spider].append(run_crawl(spider, server.url))
    return results


def report_pairs(results, verdict_target=None):
    """Print both spiders' rates and the median paired ratio; returns {spider: median
    elapsed seconds}."""
    elapsed = {}
    for spider, label in (("japantimes", "japantimes (extracts)"),
                          ("linkonly", "link-only (no extraction)")):
        runs_ = results[spider]
        pages = runs_[0]["article_pages"]
        elapsed[spider] = statistics.median(r["elapsed"] for r in runs_)
        rate = statistics.median(r["article_pages"] / r["elapsed"] for r in runs_)
        print(f"  {label:27s} {rate:7.1f} articles/s   ({pages} article pages, "
              f"{runs_[0]['responses']} responses, {runs_[0]['items']} items, "
              f"{elapsed[spider]:.3f} s)")
    pairs = [ours["elapsed"] and theirs["elapsed"] / ours["elapsed"]
             for ours, theirs in zip(results["japantimes"], results["linkonly"], strict=True)]
    ratio = statistics.median(pairs)
    judged = (f"target >= {verdict_target * 100:.0f}%   {verdict(ratio >= verdict_target)}"
              if verdict_target else "(information, no target)")
    print(f"  crawl / link-only          {ratio * 100:7.1f} %   {judged}   (median of "
          f"{len(pairs)} pairs: {', '.join(f'{p * 100:.0f}' for p in sorted(pairs))})")
    return elapsed


def bench_crawl(runs, latency_ms, parse_seconds=None):
    print(f"\nCrawl throughput of the snapshot ({SECTIONS}), {runs} alternated run(s) of each "
          f"spider; the crawl's elapsed_time_seconds:", flush=True)
    print("  at loopback speed (the server answers in under 1 ms: both crawls are CPU-bound)",
          flush=True)
    results = crawl_pairs(runs, 0.0)
    elapsed = report_pairs(results)
    # Why the ratio is what it is: what each spider spends per page, and what the target leaves.
    ours, theirs = elapsed["japantimes"], elapsed["linkonly"]
    first = results["linkonly"][0]
    pages, responses = first["article_pages"], first["responses"]
    allowed = (theirs / REFERENCE_THROUGHPUT - theirs) / pages
    print(f"  link-only spends {theirs / responses * 1e3:.2f} ms per response; extraction and "
          f"the pipelines add {(ours - theirs) / pages * 1e3:.2f} ms per article page.\n"
          f"  {REFERENCE_THROUGHPUT * 100:.0f}% (the withdrawn target) would leave them "
          f"{allowed * 1e3:.2f} ms per article"
          + (f"; the bare parse alone takes {parse_seconds * 1e3:.2f} ms" if parse_seconds
             else ""))
    if latency_ms:
        print(f"  with {latency_ms:g} ms per answer (a site nearby; every answer waits that long "
              f"before its first byte)", flush=True)
        report_pairs(crawl_pairs(runs, latency_ms / 1000))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--crawls", type=int, default=7,
                        help="crawls of each spider (default 7)")
    parser.add_argument("--quick", action="store_true",
                        help="2 rounds, 1 crawl of each spider: a smoke run")
    parser.add_argument("--no-crawl", action="store_true", help="CPU figures only")
    parser.add_argument("--latency", type=float, default=50, metavar="MS",
                        help="also crawl with the server answering after MS ms, for "
                             "information (default 50; 0 skips)")
    parser.add_argument("--crawl-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.crawl_child:
        crawl_child(*args.crawl_child)
        return
    rounds, crawls = (2, 1) if args.quick else (max(1, args.rounds), max(1, args.crawls))
    cpu = bench_cpu(rounds)
    if not args.no_crawl:
        bench_crawl(crawls, max(0.0, args.latency), cpu["bare lxml parse"][0])


if __name__ == "__main__":
    main()
