"""Benchmark: what a crawl costs as the site grows, and where the time goes. Figures, not a test.

Crawls of the generated scale site (``newscrawl.snapshot.scale``, served on loopback from this
process: its CPU is not the crawl's) of N = 1,000, 10,000 and 100,000 articles, each crawl a
fresh ``scrapy`` process with its own feed and state directories:

- ``japantimes``: the project's crawl (feeds, sitemaps, listings; extraction, pipelines, feed);
- ``linkonly``: ``bench/linkonly.py``, the same requests without extraction (the floor);
- ``parseexport``: ``bench/parseexport.py``, the same requests, each article page parsed and a
  ready-made record exported, no extraction and no pipelines: what any crawl that exports a
  record per article spends (its CPU minus ``linkonly``'s is the floor of the own CPU);
- ``trafilatura``: a plain Scrapy ``SitemapSpider`` whose callback calls ``trafilatura.extract``
  (JSON with metadata) and exports JSON Lines (``bench/trafilatura_spider.py``), with the same
  concurrency and the same mirror download handler; only at the N in ``--peer-sizes``
  (default 1,000 and 10,000: at ~40 articles/s, 100,000 would take 40 minutes; said so).

Per crawl: articles per second (article pages / the crawl's ``elapsed_time_seconds``), CPU ms
per article, of the whole child process (``resource.getrusage(RUSAGE_CHILDREN)``, start-up and
imports included) and of the crawl alone (the child's own CPU from ``spider_opened`` to the
end: the per-article figure the targets use), peak RSS (the child's ``ru_maxrss``), state
database and feed sizes, and each figure's ratio to N = 1,000. Then an incremental second crawl
of the largest site after 1% of its articles were added or updated (``scale_changed=1``):
requests, discovery documents, article pages, new and updated exported, article requests per
new or updated article.

Targets (printed with the arithmetic, PASS/FAIL): throughput at 100,000 within 10% of 1,000;
peak RSS at 100,000 at most 1.25x that at 10,000; the project's own CPU per article (crawl CPU
per article minus the link-only crawl's, same N) at most 2x the bare ``lxml.html.fromstring``
of the same pages; at least 4x the trafilatura spider's throughput at 10,000; the incremental
crawl at most 1.1 article requests per new or updated article (discovery documents apart).

    python bench/scale.py                       # 1k, 10k, 100k (about 40 minutes on 2 cores)
    python bench/scale.py --repeat 3            # 3 alternated crawls below 50,000: medians
    python bench/scale.py --sizes 1000,10000    # what fits
    python bench/scale.py --quick               # N=300: the smoke test
    python bench/scale.py --json FILE           # the figures as JSON too
    python bench/scale.py --profile [--profile-size 2000]   # CPU per article by stage

One crawl per spider and size by default; ``--repeat R`` crawls each spider R times below
``--repeat-below`` (50,000), the spiders alternated round by round, and reports the median of
each figure: on these shared cores two identical 10,000-article crawls have differed by 10% in
CPU per article. A 100,000-article crawl takes a quarter of an hour and averages over itself;
the trafilatura peer runs once (it is judged on a 4x margin). Exits 0 whatever the figures.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 1
TARGET_SCALE_THROUGHPUT = 0.90   # articles/s at 100k / at 1k, at least
TARGET_RSS_GROWTH = 1.25         # peak RSS at 100k / at 10k, at most
TARGET_OWN_CPU = 2.0             # (crawl - link-only) CPU per article / bare parse, at most
TARGET_TRAFILATURA = 4.0         # our articles/s / trafilatura spider's at 10k, at least
TARGET_INCREMENTAL = 1.1         # article requests per new or updated article, at most


def verdict(ok):
    return "PASS" if ok else "FAIL"


# --- the crawl, in a child process ---------------------------------------------------------
def crawl_child(spider, mirror, workdir, profile=None):
    """One crawl in this (fresh) process; prints its figures as JSON on the last line."""
    os.chdir(ROOT)
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    sys.path.insert(0, str(ROOT / "bench"))
    kwargs = {}
    if spider == "trafilatura":
        from trafilatura_spider import TrafilaturaSpider as spidercls
        from trafilatura_spider import plain_settings

        settings = plain_settings(mirror, os.path.join(workdir, "output", "trafilatura.jsonl"))
    else:
        if spider == "linkonly":
            from linkonly import LinkOnlySpider as spidercls
        elif spider == "parseexport":
            from parseexport import ParseExportSpider as spidercls
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
    cpu = {}

    def opened(spider):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu["opened"] = usage.ru_utime + usage.ru_stime

    crawler.signals.connect(opened, signal=signals.spider_opened)
    process.crawl(crawler, **kwargs)
    profiler = None
    if profile:
        import cProfile

        # CPU time, not wall time: the event loop's waits in epoll are no stage's cost
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    process.start()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "elapsed": stats.get("elapsed_time_seconds"),
        "crawl_cpu": usage.ru_utime + usage.ru_stime - cpu.get("opened", 0.0),
        "peak_rss_kib": usage.ru_maxrss,
        "article_pages": stats.get("newscrawl/pages/article",
                                   stats.get("bench/article_pages", 0)),
        "items": stats.get("item_scraped_count", 0),
        # parseexport.STAT_PARSE_CPU, not imported: the other children stay without it
        "parse_cpu": stats.get("bench/parse_cpu_s", 0.0),
        "responses": stats.get("downloader/response_count", 0),
        "requests": stats.get("downloader/request_count", 0),
        "documents": stats.get("newscrawl/discovery/documents", 0)
        + stats.get("robotstxt/request_count", 0),
        "new": stats.get("newscrawl/exported/new", 0),
        "updated": stats.get("newscrawl/exported/updated", 0),
    }))


def dir_size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def run_crawl(spider, n, workdir, changed=0.0, profile=None):
    """One crawl of the scale site of ``n`` articles in a child process; its figures."""
    from newscrawl.snapshot.server import SnapshotServer

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    args = [sys.executable, __file__, "--crawl-child", spider, "", str(workdir)]
    if profile:
        args += ["--profile-out", str(profile)]
    with SnapshotServer(scale=n, seed=SEED, scale_changed=changed) as server:
        args[4] = server.url
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=4 * 3600)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{spider} crawl of {n} failed: {proc.stderr[-3000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures.update(
        spider=spider, n=n, wall=wall,
        process_cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        state_bytes=dir_size(Path(workdir) / "state") if (Path(workdir) / "state").exists()
        else 0,
        feed_bytes=sum(f.stat().st_size for f in (Path(workdir) / "output").rglob("*.jsonl")),
    )
    pages = max(figures["article_pages"], 1)
    figures["articles_per_s"] = figures["article_pages"] / figures["elapsed"]
    figures["process_cpu_ms"] = figures["process_cpu"] / pages * 1e3
    figures["crawl_cpu_ms"] = figures["crawl_cpu"] / pages * 1e3
    figures["parse_cpu_ms"] = figures["parse_cpu"] / pages * 1e3
    return figures


# --- the bare parse of the same pages ------------------------------------------------------
def bare_parse_ms(n, sample=300):
    """Median CPU ms of ``lxml.html.fromstring`` over a sample of the site's article pages
    (median per page of 5 rounds, then over pages)."""
    import lxml.html

    from newscrawl.snapshot.scale import ScaleSite

    site = ScaleSite(n, seed=SEED)
    step = max(1, n // sample)
    pages = [site.answer(site.path(i))[2] for i in range(0, n, step)
             if not site.is_botwall(i)][:sample]
    per_page = []
    for body in pages:
        times = []
        for _ in range(5):
            t0 = time.process_time()
            lxml.html.fromstring(body)
            times.append(time.process_time() - t0)
        per_page.append(statistics.median(times))
    return statistics.median(per_page) * 1e3


# --- the table -----------------------------------------------------------------------------
def mib(kib):
    return kib / 1024


def print_table(rows, base):
    print(f"  {'spider':12s} {'N':>7s} {'art/s':>7s} {'x1k':>5s} {'CPU ms/art':>10s} "
          f"{'(process)':>9s} {'x1k':>5s} {'peak RSS':>9s} {'x1k':>5s} {'state':>8s} "
          f"{'feed':>8s} {'wall s':>7s}")
    for r in rows:
        b = base.get(r["spider"])
        def ratio(key, r=r, b=b):
            return f"{r[key] / b[key]:5.2f}" if b and b[key] else "    -"
        print(f"  {r['spider']:12s} {r['n']:7d} {r['articles_per_s']:7.1f} "
              f"{ratio('articles_per_s')} {r['crawl_cpu_ms']:10.2f} {r['process_cpu_ms']:9.2f} "
              f"{ratio('crawl_cpu_ms')} {mib(r['peak_rss_kib']):6.0f} MiB {ratio('peak_rss_kib')}"
              f" {r['state_bytes'] / 2**20:5.1f} MB {r['feed_bytes'] / 2**20:5.1f} MB "
              f"{r['wall']:7.1f}", flush=True)


def judge(rows, incremental, parse_ms, sizes):
    """Print each target with its measurement and arithmetic; a list of dicts for --json."""
    by = {(r["spider"], r["n"]): r for r in rows}
    out = []

    def line(name, value, target, ok, arithmetic):
        state = "n/a " if ok is None else verdict(ok)
        print(f"  {name:44s} {value:>12s}  target {target:10s} {state}   {arithmetic}")
        out.append({"target": name, "value": value, "limit": target,
                    "met": ok, "arithmetic": arithmetic})

    small, mid, large = 1000, 10000, 100000
    ours = lambda n: by.get(("japantimes", n))  # noqa: E731
    if ours(small) and ours(large):
        a, b = ours(large)["articles_per_s"], ours(small)["articles_per_s"]
        line("throughput 100k / 1k", f"{a / b:.2f}", f">= {TARGET_SCALE_THROUGHPUT:g}",
             a / b >= TARGET_SCALE_THROUGHPUT, f"{a:.1f} / {b:.1f} articles/s")
    else:
        line("throughput 100k / 1k", "not run", f">= {TARGET_SCALE_THROUGHPUT:g}", None,
             f"sizes run: {sizes}")
    if ours(mid) and ours(large):
        a, b = ours(large)["peak_rss_kib"], ours(mid)["peak_rss_kib"]
        line("peak RSS 100k / 10k", f"{a / b:.2f}", f"<= {TARGET_RSS_GROWTH:g}",
             a / b <= TARGET_RSS_GROWTH, f"{mib(a):.0f} / {mib(b):.0f} MiB")
    else:
        line("peak RSS 100k / 10k", "not run", f"<= {TARGET_RSS_GROWTH:g}", None,
             f"sizes run: {sizes}")
    for n in sizes:
        mine, linkonly = ours(n), by.get(("linkonly", n))
        if mine and linkonly:
            own = mine["crawl_cpu_ms"] - linkonly["crawl_cpu_ms"]
            line(f"own CPU per article / bare parse (N={n})", f"{own / parse_ms:.2f}x",
                 f"<= {TARGET_OWN_CPU:g}x", own / parse_ms <= TARGET_OWN_CPU,
                 f"({mine['crawl_cpu_ms']:.2f} - {linkonly['crawl_cpu_ms']:.2f} link-only) = "
                 f"{own:.2f} ms / {parse_ms:.2f} ms parse")
    for n in sizes:
        # The floor of the own CPU: a parse and a record through Scrapy and the feed export.
        mine, linkonly, floor = ours(n), by.get(("linkonly", n)), by.get(("parseexport", n))
        if floor and linkonly:
            spent = floor["crawl_cpu_ms"] - linkonly["crawl_cpu_ms"]
            parse = floor["parse_cpu_ms"]
            left = TARGET_OWN_CPU * parse_ms - spent
            extra = (f"; the project's extraction and pipelines take "
                     f"{mine['crawl_cpu_ms'] - floor['crawl_cpu_ms']:.2f} ms" if mine else "")
            line(f"floor: parse + export / bare parse (N={n})", f"{spent / parse_ms:.2f}x",
                 "(info)", None,
                 f"({floor['crawl_cpu_ms']:.2f} - {linkonly['crawl_cpu_ms']:.2f} link-only) = "
                 f"{spent:.2f} ms ({parse:.2f} parse in the crawl, {spent - parse:.2f} "
                 f"Scrapy's item path and feed export): {left:.2f} ms of the "
                 f"{TARGET_OWN_CPU:g}x budget left for extraction and pipelines{extra}")
    judged_at = mid if by.get(("trafilatura", mid)) and ours(mid) else None
    if judged_at is None:
        common = [n for n in sizes if by.get(("trafilatura", n)) and ours(n)]
        judged_at = common[-1] if common else None
    if judged_at:
        a, b = ours(judged_at)["articles_per_s"], by[("trafilatura", judged_at)]["articles_per_s"]
        line(f"throughput / Scrapy+trafilatura (N={judged_at})", f"{a / b:.2f}x",
             f">= {TARGET_TRAFILATURA:g}x",
             a / b >= TARGET_TRAFILATURA if judged_at == mid else None,
             f"{a:.1f} / {b:.1f} articles/s"
             + ("" if judged_at == mid else " (target is judged at 10,000)"))
    if incremental:
        r = incremental
        changed = r["new"] + r["updated"]
        article_requests = r["requests"] - r["documents"]
        per = article_requests / changed if changed else float("inf")
        line(f"incremental: requests per changed (N={r['n']})", f"{per:.3f}",
             f"<= {TARGET_INCREMENTAL:g}", per <= TARGET_INCREMENTAL,
             f"({r['requests']} requests - {r['documents']} discovery documents) / "
             f"({r['new']} new + {r['updated']} updated)")
    return out


def median_figures(runs):
    """One row from repeated crawls of one spider and size: the median of each figure."""
    row = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, float):
            row[key] = statistics.median(r[key] for r in runs)
        elif isinstance(value, int) and not isinstance(value, bool):  # counts stay whole
            row[key] = statistics.median_low(r[key] for r in runs)
    row["runs"] = len(runs)
    return row


def crawl_and_say(spider, n, workdir):
    """One crawl in a new work directory, its line printed as it ends; its figures."""
    workdir.mkdir()
    figures = run_crawl(spider, n, workdir)
    print(f"  ran {spider} N={n}: {figures['articles_per_s']:.1f} articles/s, "
          f"{figures['crawl_cpu_ms']:.2f} ms CPU/article, "
          f"{mib(figures['peak_rss_kib']):.0f} MiB", flush=True)
    return figures


def incremental_crawl(n, workdir):
    """The second japantimes crawl over the first one's state, 1% of the site changed."""
    second = dict(run_crawl("japantimes", n, workdir, changed=1.0), n=n)
    print(f"  ran the incremental crawl N={n}: {second['requests']} requests, "
          f"{second['new']} new, {second['updated']} updated", flush=True)
    return second


def bench(sizes, peer_sizes, incremental_size, json_path=None,
          spiders=("japantimes", "linkonly", "parseexport"), repeat=1, repeat_below=50_000):
    print(f"Scale benchmark: the generated site (seed {SEED}) on loopback; sizes {sizes}, "
          f"peers at {peer_sizes}; {repeat} alternated crawl(s) per spider and size below "
          f"{repeat_below:,} (medians), one above", flush=True)
    parse_ms = bare_parse_ms(max(sizes))
    print(f"  bare lxml.html.fromstring of the site's article pages: {parse_ms:.2f} ms CPU "
          "(median of a sample)", flush=True)
    rows = []
    incremental = None
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in sizes:
            if n not in peer_sizes:
                print(f"  N={n}: the trafilatura spider is not run at this size (too slow; "
                      "it is judged at 10,000)", flush=True)
            rounds = repeat if n < repeat_below else 1
            runs = {}
            for round_ in range(rounds):
                # The trafilatura peer runs once: it is judged on a 4x margin, and is slow.
                run = list(spiders) + (["trafilatura"] if n in peer_sizes and round_ == 0
                                       else [])
                for spider in run:
                    workdir = Path(tmp) / f"{spider}-{n}-{round_}"
                    runs.setdefault(spider, []).append(crawl_and_say(spider, n, workdir))
                    if spider == "japantimes" and n == incremental_size and round_ == 0:
                        incremental = incremental_crawl(n, workdir)
            rows.extend(median_figures(r) for r in runs.values())
    base = {}
    for r in rows:
        if r["n"] == min(sizes):
            base[r["spider"]] = r
    print(f"\nCrawls (ratios x1k: to the same spider at N={min(sizes)}; CPU: of the crawl "
          "alone, per article page; (process): the whole child process, from getrusage("
          "RUSAGE_CHILDREN), start-up included):")
    print_table(rows, base)
    if incremental:
        r = incremental
        changed = r["new"] + r["updated"]
        print(f"\nIncremental second crawl of N={r['n']} after 1% added or updated: "
              f"{r['requests']} requests ({r['documents']} discovery documents, "
              f"{r['article_pages']} article pages), {r['new']} new + {r['updated']} updated "
              f"exported, {(r['requests'] - r['documents']) / max(changed, 1):.3f} article "
              f"requests per new or updated article, {r['wall']:.1f} s")
    print("\nTargets:")
    targets = judge(rows, incremental, parse_ms, sizes)
    if json_path:
        Path(json_path).write_text(json.dumps({
            "seed": SEED, "sizes": sizes, "peer_sizes": peer_sizes, "bare_parse_ms": parse_ms,
            "crawls": rows, "incremental": incremental, "targets": targets,
        }, indent=1) + "\n", encoding="utf-8")
        print(f"\nJSON: {json_path}")


# --- where the time goes -------------------------------------------------------------------
STAGES = (
    # (stage, substrings of a function's file path, in order: the first that matches wins)
    ("parse (lxml/parsel)", ("parsel/", "lxml/html/", "lxml/etree", "cssselect/")),
    ("ItemLoader", ("itemloaders/", "newscrawl/extraction/loaders.py",
                    "newscrawl/extraction/processors.py")),
    ("extraction (site rules, dates, specs)", ("newscrawl/extraction/", "dateparser/",
                                               "htmldate/", "trafilatura/", "justext/")),
    ("pipeline: cleaning", ("newscrawl/pipelines/cleaning.py",)),
    ("pipeline: validation", ("newscrawl/pipelines/validation.py", "jsonschema",
                              "referencing/", "rpds", "attrs/", "attr/")),
    ("pipeline: duplicates", ("newscrawl/pipelines/duplicates.py",)),
    ("pipeline: state", ("newscrawl/pipelines/state.py", "newscrawl/state/")),
    ("feed export", ("scrapy/extensions/feedexport.py", "scrapy/exporters.py",
                     "newscrawl/export/", "json/encoder.py")),
    ("discovery (spider, sources, URLs)", ("newscrawl/spiders/", "newscrawl/discovery/",
                                           "newscrawl/urls.py", "feedparser/",
                                           "scrapy/utils/sitemap.py", "w3lib/")),
    ("project middlewares, extensions", ("newscrawl/middlewares/", "newscrawl/extensions/",
                                         "newscrawl/dupefilter.py", "spidermon/")),
    ("Scrapy stats (collector; pprint dump at close)", ("scrapy/statscollectors.py",
                                                       "pprint.py")),
    ("Scrapy callback checks (once per callback)", ("ast.py", "inspect.py", "tokenize.py",
                                                    "scrapy/utils/misc.py")),
    ("logging", ("logging/",)),
    ("Scrapy item machinery, signals", ("scrapy/core/scraper.py", "scrapy/signalmanager.py",
                                        "scrapy/utils/decorators.py",
                                        "pydispatch/", "scrapy/utils/signal.py",
                                        "itemadapter/", "scrapy/item.py",
                                        "scrapy/core/spidermw.py", "scrapy/spidermiddlewares/",
                                        "scrapy/utils/defer.py", "scrapy/utils/python.py")),
    ("Scrapy download handling", ("scrapy/core/downloader/", "scrapy/downloadermiddlewares/",
                                  "scrapy/core/http2/", "scrapy/http/", "twisted/",
                                  "scrapy/core/engine.py", "scrapy/core/scheduler.py",
                                  "scrapy/pqueues.py", "queuelib/", "scrapy/squeues.py",
                                  "scrapy/utils/request.py", "scrapy/dupefilters.py",
                                  "scrapy/utils/httpobj.py", "scrapy/utils/url.py",
                                  "asyncio/", "selectors.py", "socket.py", "ssl.py",
                                  "http/client.py", "email/", "urllib/", "idna/",
                                  "ipaddress.py", "scrapy/utils/asyncio.py", "weakref",
                                  "scrapy/utils/asyncgen.py", "zope/")),
)
PARSE_BUILTINS = ("fromstring", "HTMLParser", "document_fromstring", "_parse",
                  "create_root_node", "feed", "close")


def stage_of_file(path):
    for stage, parts in STAGES:
        if any(part in path for part in parts):
            return stage
    return None


def stage_times(profile_path):
    """{stage: self seconds} from a cProfile dump: Python functions by their file; built-in
    (C) functions by their callers' files, lxml's parser calls as the parse."""
    import pstats

    stats = pstats.Stats(str(profile_path)).stats
    totals = {}

    def add(stage, seconds):
        totals[stage] = totals.get(stage, 0.0) + seconds

    for (path, _line, name), (_cc, _nc, tottime, _ct, callers) in stats.items():
        if path != "~":
            add(stage_of_file(path) or "other (Python)", tottime)
            continue
        if "lxml" in name and any(p in name for p in PARSE_BUILTINS):
            add("parse (lxml/parsel)", tottime)
            continue
        if not callers:
            add("other (C)", tottime)
            continue
        for (cpath, _cl, _cn), caller in callers.items():
            seconds = caller[2]
            stage = stage_of_file(cpath) if cpath != "~" else None
            add(stage or "other (C)", seconds)
    return totals


def profile(n, json_path=None):
    print(f"Where the time goes: cProfile of a japantimes crawl of N={n} and of a link-only "
          "crawl (self time by stage, built-in calls charged to their callers' stage; "
          "cProfile's overhead inflates Python-heavy stages)", flush=True)
    results, measured = {}, {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-profile-") as tmp:
        for spider in ("japantimes", "linkonly"):
            workdir = Path(tmp) / f"{spider}-plain"
            workdir.mkdir()
            measured[spider] = run_crawl(spider, n, workdir)["crawl_cpu_ms"]  # unprofiled
            workdir = Path(tmp) / spider
            workdir.mkdir()
            dump = Path(tmp) / f"{spider}.prof"
            figures = run_crawl(spider, n, workdir, profile=dump)
            pages = max(figures["article_pages"], 1)
            results[spider] = {stage: seconds / pages * 1e3
                               for stage, seconds in stage_times(dump).items()}
    ours, floor = results["japantimes"], results["linkonly"]
    scale_ours = measured["japantimes"] / sum(ours.values())
    scale_floor = measured["linkonly"] / sum(floor.values())
    stages = sorted(set(ours) | set(floor), key=lambda s: -ours.get(s, 0.0))
    print(f"  CPU ms per article page. profiled: under cProfile (inflated, Python code most); "
          f"est.: the stage's share of the profile times the unprofiled crawl's CPU per article "
          f"({measured['japantimes']:.2f} ms japantimes, {measured['linkonly']:.2f} ms "
          "link-only)")
    print(f"  {'stage':46s} {'japantimes':>10s} {'est.':>6s} {'link-only':>10s} {'est.':>6s}"
          f" {'own est.':>8s}")
    rows = []
    for stage in stages:
        a, b = ours.get(stage, 0.0), floor.get(stage, 0.0)
        own = a * scale_ours - b * scale_floor
        rows.append({"stage": stage, "japantimes_profiled": a, "japantimes_est": a * scale_ours,
                     "linkonly_profiled": b, "linkonly_est": b * scale_floor, "own_est": own})
        print(f"  {stage:46s} {a:10.3f} {a * scale_ours:6.3f} {b:10.3f} {b * scale_floor:6.3f}"
              f" {own:8.3f}")
    print(f"  {'total':46s} {sum(ours.values()):10.3f} {measured['japantimes']:6.3f} "
          f"{sum(floor.values()):10.3f} {measured['linkonly']:6.3f} "
          f"{measured['japantimes'] - measured['linkonly']:8.3f}")
    if json_path:
        Path(json_path).write_text(json.dumps({"n": n, "measured_ms": measured,
                                               "stages": rows}, indent=1)
                                   + "\n", encoding="utf-8")
        print(f"JSON: {json_path}")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--peer-sizes", default="1000,10000",
                        help="sizes at which the trafilatura spider runs too")
    parser.add_argument("--incremental-size", type=int, default=None,
                        help="the size of the incremental second crawl (default: the largest)")
    parser.add_argument("--quick", action="store_true", help="N=300 only (the smoke test)")
    parser.add_argument("--spiders", default="japantimes,linkonly,parseexport",
                        help="spiders run at every size (trafilatura joins at --peer-sizes)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="alternated crawls per spider and size below --repeat-below; "
                        "the table gives their medians (default 1)")
    parser.add_argument("--repeat-below", type=int, default=50_000,
                        help="sizes from this on are crawled once (default 50,000: a crawl "
                        "of minutes averages over itself)")
    parser.add_argument("--json", default=None, metavar="FILE")
    parser.add_argument("--profile", action="store_true",
                        help="CPU per article by stage instead of the size runs")
    parser.add_argument("--profile-size", type=int, default=2000)
    parser.add_argument("--crawl-child", nargs=3, metavar=("SPIDER", "MIRROR", "WORKDIR"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.crawl_child:
        crawl_child(*args.crawl_child, profile=args.profile_out)
        return 0
    if args.profile:
        profile(args.profile_size if not args.quick else 300, args.json)
        return 0
    if args.quick:
        sizes, peers = [300], [300]
    else:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        peers = [int(s) for s in args.peer_sizes.split(",") if s]
    bench(sizes, peers, args.incremental_size or max(sizes), args.json,
          spiders=[s for s in args.spiders.split(",") if s], repeat=max(1, args.repeat),
          repeat_below=args.repeat_below)
    return 0


if __name__ == "__main__":
    sys.exit(main())
