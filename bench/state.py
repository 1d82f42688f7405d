"""Benchmark: the incremental state stays flat in memory and fast as it grows.

Fills a state database with N synthetic exported articles (default 10,000 and 1,000,000), then,
in a fresh process, does what a crawl does per request and per item: the incremental
middleware's lookup (normalise the URL, look it up) and the state pipeline's ``find``. Half the
lookups hit, half miss. Reports peak RSS (the process's high-water mark) and the median and
99th percentile time per lookup. If the state were loaded into memory, peak RSS would grow
with N; it does not.

    python bench/state.py                    # 10k and 1M (about a minute, ~400 MB on disk)
    python bench/state.py --sizes 10000 100000 --lookups 5000
    python bench/state.py --json             # machine-readable

The fill uses the store's own staging and commit (``pending`` -> ``articles`` + ``urls``) in
batches, with ``synchronous=OFF`` only to make the fill quick; lookups use the normal store.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newscrawl.state.sqlite import StateStore, published_timestamp, utc_now_iso  # noqa: E402
from newscrawl.urls import normalize_url  # noqa: E402

HOSTS = ("www.japantimes.co.jp", "japantimes.co.jp")
SECTIONS = ("national", "asia-pacific", "japan", "business", "world", "sports", "culture")
BATCH = 100_000


def article_url(i):
    year = 2000 + i % 25
    month, day = 1 + i % 12, 1 + i % 28
    return (f"https://www.japantimes.co.jp/news/{year}/{month:02d}/{day:02d}/"
            f"{SECTIONS[i % len(SECTIONS)]}/story-{i:08d}-about-something/")


def peak_rss_mib():
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def fill(path, n):
    start = time.perf_counter()
    store = StateStore(path, synchronous="OFF")
    now = utc_now_iso()
    for first in range(0, n, BATCH):
        run = f"bench-{first // BATCH:04d}"
        rows = []
        for i in range(first, min(n, first + BATCH)):
            url = article_url(i)
            published = f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00+09:00"
            rows.append((run, url, url.replace("-about-something", ""), str(i), f"{i:040x}",
                         None, published, published_timestamp(published), now))
        with store.transaction() as db:
            db.executemany(
                "INSERT INTO pending (run_id, canonical_url, url, article_id, content_hash, "
                "modified_at, published_at, published_ts, exported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        del rows
        store.commit_run(run, spider="bench")
    count = store.article_count()
    store.close()
    return {"entries": count, "fill_seconds": round(time.perf_counter() - start, 1),
            "fill_peak_rss_mib": round(peak_rss_mib(), 1)}


def lookups(path, n, count):
    baseline = peak_rss_mib()
    rng = random.Random(42)
    store = StateStore(path)
    request_ns, item_ns = [], []
    hits = 0
    for k in range(count):
        i = rng.randrange(n) if k % 2 == 0 else n + rng.randrange(n)  # half hit, half miss
        link = article_url(i) + "?utm_source=twitter#.XZKZykZKjD4"
        t0 = time.perf_counter_ns()
        known = store.lookup_url(normalize_url(link, hosts=HOSTS))  # the middleware, per request
        t1 = time.perf_counter_ns()
        store.find(article_url(i), str(i), f"{i:040x}")              # the pipeline, per item
        t2 = time.perf_counter_ns()
        request_ns.append(t1 - t0)
        item_ns.append(t2 - t1)
        hits += known is not None
    store.close()

    def pct(values, q):
        return round(sorted(values)[int(q * (len(values) - 1))] / 1000, 1)

    return {
        "lookups": count,
        "hits": hits,
        "request_median_us": round(statistics.median(request_ns) / 1000, 1),
        "request_p99_us": pct(request_ns, 0.99),
        "item_median_us": round(statistics.median(item_ns) / 1000, 1),
        "item_p99_us": pct(item_ns, 0.99),
        "rss_before_open_mib": round(baseline, 1),
        "lookup_peak_rss_mib": round(peak_rss_mib(), 1),
    }


def in_child(*args):
    """Run a phase in a fresh interpreter so that its peak RSS is its own."""
    out = subprocess.run([sys.executable, __file__, "--child", *map(str, args)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--dir", help="where the databases go (default: a temporary directory)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        phase, path, n, *rest = args.child
        result = fill(path, int(n)) if phase == "fill" else lookups(path, int(n), int(rest[0]))
        print(json.dumps(result))
        return

    results = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in args.sizes:
            path = os.path.join(tmp, f"bench-{n}.sqlite3")
            row = {"size": n}
            row.update(in_child("fill", path, n))
            row["db_mib"] = round(sum(os.path.getsize(path + s) for s in ("", "-wal")
                                      if os.path.exists(path + s)) / 2**20, 1)
            row.update(in_child("lookup", path, n, args.lookups))
            results.append(row)
            if not args.json:
                print(f"{n:>10,} entries: DB {row['db_mib']:>7.1f} MiB (filled in "
                      f"{row['fill_seconds']} s, peak {row['fill_peak_rss_mib']} MiB) | "
                      f"lookups: peak RSS {row['lookup_peak_rss_mib']:.1f} MiB "
                      f"(interpreter + imports {row['rss_before_open_mib']:.1f} MiB), "
                      f"per request median {row['request_median_us']} us "
                      f"p99 {row['request_p99_us']} us, per item median "
                      f"{row['item_median_us']} us p99 {row['item_p99_us']} us",
                      flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    if len(results) > 1:
        small, big = results[0], results[-1]
        print(f"\n{big['size'] // small['size']}x the entries: peak RSS of the lookup process "
              f"x{big['lookup_peak_rss_mib'] / small['lookup_peak_rss_mib']:.2f}, median time "
              f"per request x{big['request_median_us'] / small['request_median_us']:.2f}")


if __name__ == "__main__":
    main()
