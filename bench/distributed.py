"""Distributed crawl figures: throughput with 1, 2 and 3 workers, SIGKILL losses, Redis memory.

    python bench/distributed.py [--rounds 3] [--redis URL] [--postgres URL]
    python bench/distributed.py --scale 2000 --only throughput --rounds 3  # 1/2/3 workers, long
    python bench/distributed.py --scale 2000 --only throughput --rows 50ms --workers 1
    python bench/distributed.py --scale 2000 --only throughput --rows 50ms --workers 1 \
        --sync-state                                # the per-article calls synchronous
    python bench/distributed.py --only sigkill --only memory --only calls
    python bench/distributed.py --check-server      # the server answers side by side

Needs a Redis and a PostgreSQL (defaults: the test servers, NEWSCRAWL_TEST_REDIS_URL and
NEWSCRAWL_TEST_POSTGRES_URL, else 127.0.0.1). Every round uses its own crawl id and its own
PostgreSQL schema and removes both.

- Throughput: N workers (`scrapy crawl` processes) of one crawl against the snapshot server,
  with 50 ms per answer and at loopback speed, then with 50 ms and at most 2 requests at a time
  per worker (``CONCURRENT_REQUESTS=2``: a polite live crawl's per-site limit, the case more
  workers are for; rows: ``--rows 50ms,loopback,polite``). Process
  start-up (1-3 s of imports each, on a busy machine) would swamp a short crawl, so the bench
  holds the start: the start requests are marked seen in the crawl's dupefilter before the
  workers start (they queue nothing), and once every worker has joined the bench pushes them
  into the queue. The span runs from that push to the moment the last worker found the
  frontier drained (from the workers' own millisecond log timestamps: its close minus
  NEWSCRAWL_IDLE_WAIT). Wall time, start-up included, is printed beside. Each row's worker
  counts alternate between rounds (1,2,3 then 2,3,1 then 3,1,2), so a slow spell of the shared
  machine does not land on one count; medians of the rounds.
  Default: the 41-page snapshot (32 articles; spans about a second). ``--scale N``: the
  generated scale site of N articles (``newscrawl.snapshot.scale``, seed ``--seed``) through
  its listings (``-a discover=listings``: the feeds and sitemaps are read by every worker,
  ``dont_filter``, so they cannot be held back), spans of tens of seconds.
  Every run is checked: every worker exits 0 and the union of the feeds holds every expected
  article exactly once (count and no duplicates).
- State time: each worker runs with psycopg's cursors timed (``--timed-worker``): the time
  the worker's event loop spent inside PostgreSQL calls (a synchronous call: all of it; an
  awaited one: only the steps that run on the loop, sending the query and reading the
  answer), the statements, and the worker's CPU from joining the crawl to its exit, per
  exported article; the server's CPU (this process) per article beside.
- SIGKILL: two workers with 0.4 s per answer; one is killed once articles are in its
  unfinished feed; the survivor finishes. Lost and duplicated articles in the union of the
  stored feeds (both must be 0); then the same with scrapy-redis' plain Scheduler (no
  leases), to show what the leases are for.
- Redis memory per queued request (`MEMORY USAGE` of the queue with 1,000 article requests as
  the spider makes them, pickled by scrapy-redis) and per dupefilter fingerprint.
- PostgreSQL: median time of the state calls a worker makes per article (find, claim, stage),
  one at a time: synchronous, and awaited (end to end, and holding the loop); on loopback and
  through a proxy that adds 2 ms per round trip (a database a network away).
- ``--check-server``: N requests at once on new connections to the server with 50 ms per
  answer must all be answered in about 50 ms (a server that serialised them would make every
  worker count look the same).
"""

import argparse
import atexit
import contextlib
import io
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402

from newscrawl.snapshot import SECTIONS, expected_articles  # noqa: E402
from newscrawl.snapshot.server import SnapshotServer  # noqa: E402

EXPECTED = {a["url"] for a in expected_articles(sections=SECTIONS)}
IDLE_WAIT = 6.0


class Target:
    """What the workers crawl: the 41-page snapshot, or the scale site of ``scale`` articles."""

    def __init__(self, scale=None, seed=1):
        self.scale, self.seed = scale, seed
        if scale:
            from newscrawl.snapshot.scale import ScaleSite

            site = ScaleSite(scale, seed=seed)
            self.expected = {site.url(i) for i in site.expected_indices()}
            self.spider_args = {"discover": "listings"}
            self.label = f"scale site, {len(self.expected)} articles"
        else:
            self.expected = EXPECTED
            self.spider_args = {"sections": ",".join(SECTIONS)}
            self.label = f"41-page snapshot, {len(EXPECTED)} articles"

    def server(self, latency):
        if self.scale:
            return SnapshotServer(scale=self.scale, seed=self.seed, latency=latency)
        return SnapshotServer(latency=latency)

    def args(self):
        return [a for k, v in self.spider_args.items() for a in ("-a", f"{k}={v}")]
LOG_FORMAT = "%(created).3f [%(name)s] %(levelname)s: %(message)s"


class Round:
    def __init__(self, args, folder, target=None):
        self.args, self.folder = args, folder
        self.target = target or Target()
        self.crawl = "bench-" + uuid.uuid4().hex[:10]
        self.schema = "nc_bench_" + uuid.uuid4().hex[:10]
        self.procs = []

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
        env.update({"NEWSCRAWL_REDIS_URL": self.args.redis, "NEWSCRAWL_CRAWL_ID": self.crawl,
                    "NEWSCRAWL_STATE_URL": self.args.postgres,
                    "NEWSCRAWL_STATE_SCHEMA": self.schema,
                    "NEWSCRAWL_FEED_DIR": str(self.folder / "feed"),
                    "NEWSCRAWL_IDLE_WAIT": str(IDLE_WAIT), "NEWSCRAWL_HEARTBEAT_TTL": "3",
                    "NEWSCRAWL_POLL_INTERVAL": "0.05",
                    "NEWSCRAWL_REPORT": "0",
                    # The snapshot's 500 page is retried: without backoff, so the span is the
                    # crawl's work, not 3 s of waiting (as bench/extraction.py does).
                    "NEWSCRAWL_RETRY_BACKOFF": "0"})
        return env

    def start(self, server, *extra, timed=False):
        log = self.folder / f"w{len(self.procs)}.log"
        # --timed-worker: this script times psycopg in the worker, then runs `scrapy crawl`.
        command = ([sys.executable, __file__, "--timed-worker", str(log) + ".timing"] if timed
                   else [sys.executable, "-m", "scrapy"])
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [*command, "crawl", "japantimes", *self.target.args(),
                 "-s", f"NEWSCRAWL_MIRROR={server.url}",
                 "-s", "NEWSCRAWL_MAX_DROPPED_PERCENT=100", "-s", f"LOG_FORMAT={LOG_FORMAT}",
                 *extra],
                cwd=ROOT, stdout=out, stderr=out, env=self.env())
        proc.log = log
        self.procs.append(proc)
        return proc

    def timings(self):
        """The timed workers' PostgreSQL figures, summed."""
        total = Counter()
        for proc in self.procs:
            path = Path(str(proc.log) + ".timing")
            if path.exists():
                total.update(json.loads(path.read_text()))
        return total

    def union(self):
        urls = Counter()
        for feed in (self.folder / "feed").rglob("*.jsonl"):
            for line in feed.read_bytes().splitlines():
                urls[json.loads(line)["url"]] += 1
        return urls

    def joined(self):
        return sum("joined (Redis keys" in p.log.read_text(errors="replace") for p in self.procs)

    def hold_start(self, spider):
        """Mark the start requests seen (workers queue none); push them with ``release``.
        (Requests with ``dont_filter``, the scale site's feeds and sitemaps, cannot be held:
        the scale runs use its listings only.)"""
        import asyncio

        from scrapy_redis.dupefilter import RFPDupeFilter

        async def collect():
            return [request async for request in spider.start()]

        self.start_requests = asyncio.run(collect())
        client = redis.Redis.from_url(self.args.redis)
        seen = RFPDupeFilter(client, f"japantimes:{self.crawl}:dupefilter")
        for request in self.start_requests:
            seen.request_seen(request)

    def release(self, spider):
        from scrapy_redis.queue import PriorityQueue

        queue = PriorityQueue(redis.Redis.from_url(self.args.redis), spider,
                              f"japantimes:{self.crawl}:requests")
        for request in self.start_requests:
            queue.push(request)
        self.released = time.time()

    def span(self):
        drained = []
        for proc in self.procs:
            text = proc.log.read_text(errors="replace")
            drained += [float(t) - IDLE_WAIT for t in re.findall(
                r"^(\d+\.\d+) \S+ INFO: Distributed crawl .* closes$", text, re.M)]
        return max(drained) - self.released

    def cleanup(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        client = redis.Redis.from_url(self.args.redis)
        for key in client.scan_iter(match=f"*:{self.crawl}:*"):
            client.delete(key)
        with psycopg.connect(self.args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
        shutil.rmtree(self.folder, ignore_errors=True)


def bench_spider(target):
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.japantimes import JapanTimesSpider

    return get_crawler(JapanTimesSpider)._create_spider(**target.spider_args)


def one_run(args, target, server, spider, workers, extra, timed=False):
    """One crawl by ``workers`` workers: its figures; raises if it was not exactly once."""
    r = Round(args, Path(tempfile.mkdtemp(prefix="nc-bench-")), target)
    try:
        r.hold_start(spider)
        started = time.monotonic()
        procs = [r.start(server, *extra, timed=timed) for _ in range(workers)]
        deadline = time.monotonic() + 120
        while r.joined() < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit("a worker did not join: "
                                 + procs[0].log.read_text(errors="replace")[-3000:])
            time.sleep(0.02)
        cpu = time.process_time()  # this process: the snapshot server's threads
        r.release(spider)
        codes = [p.wait(timeout=3600) for p in procs]
        server_cpu = time.process_time() - cpu
        wall = time.monotonic() - started
        urls = r.union() or Counter({"": 0})
        duplicated = sum(n - 1 for n in urls.values() if n > 1)
        if codes != [0] * workers or set(urls) != target.expected or duplicated:
            tail = procs[0].log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"round failed: exit {codes}, {len(urls)} articles of "
                             f"{len(target.expected)} ({len(set(urls) - target.expected)} "
                             f"unexpected), {duplicated} duplicated; first worker's log "
                             f"ends:\n{tail}")
        # A worker whose loop stalled past NEWSCRAWL_HEARTBEAT_TTL is reaped and its work
        # done again: still exactly once, but slower; said beside the figures.
        reaped = sum(p.log.read_text(errors="replace").count("was taken for dead")
                     for p in procs)
        return {"span": r.span(), "wall": wall, "articles": sum(urls.values()),
                "server_cpu": server_cpu, "reaped": reaped, **r.timings()}
    finally:
        r.cleanup()


def rotations(counts, rounds):
    """The worker counts of each round, rotated: 1,2,3 then 2,3,1 then 3,1,2 ..."""
    return [counts[i % len(counts):] + counts[:i % len(counts)] for i in range(rounds)]


def throughput(args, target, latency, counts, extra=(), timed=False):
    """{workers: [figures of each round]}, the counts alternating between rounds."""
    runs = {n: [] for n in counts}
    spider = bench_spider(target)
    with target.server(latency) as server:
        for order in rotations(list(counts), args.rounds):
            for workers in order:
                runs[workers].append(one_run(args, target, server, spider, workers, extra,
                                             timed=timed))
                last = runs[workers][-1]
                print(f"  ... {workers} worker(s): span {last['span']:.2f} s, "
                      f"{last['articles'] / last['span']:.1f} articles/s, "
                      f"{last['reaped']} taken for dead", file=sys.stderr, flush=True)
    return runs


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def sigkill(args, *extra):
    r = Round(args, Path(tempfile.mkdtemp(prefix="nc-bench-")))
    try:
        with SnapshotServer(latency=0.4) as server:
            victim, survivor = r.start(server, *extra), r.start(server, *extra)
            deadline = time.monotonic() + 60
            while not any(p.stat().st_size > 0 for p in (r.folder / "feed").rglob("*.part")
                          if str(victim.pid) in p.name):
                if time.monotonic() > deadline or victim.poll() is not None:
                    raise SystemExit("the victim exported nothing before it ended")
                time.sleep(0.05)
            in_part = sum(len(p.read_bytes().splitlines())
                          for p in (r.folder / "feed").rglob("*.part") if str(victim.pid) in p.name)
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            code = survivor.wait(timeout=300)

        urls = r.union()
        return {"exit": code, "in_killed_part": in_part,
                "lost": len(EXPECTED - set(urls)),
                "duplicated": sum(n - 1 for n in urls.values() if n > 1)}
    finally:
        r.cleanup()


def redis_memory(args):
    from scrapy.utils.test import get_crawler
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.queue import PriorityQueue

    from newscrawl.spiders.japantimes import JapanTimesSpider

    crawler = get_crawler(JapanTimesSpider)
    spider = crawler._create_spider()
    client = redis.Redis.from_url(args.redis)
    key = f"japantimes:bench-{uuid.uuid4().hex[:10]}:requests"
    fkey = key.replace(":requests", ":dupefilter")
    n = 1000
    try:
        queue = PriorityQueue(client, spider, key)
        filt = RFPDupeFilter(client, fkey)
        import scrapy

        for i in range(n):
            url = (f"https://www.japantimes.co.jp/news/2026/11/{i % 28 + 1:02d}/national/"
                   f"some-article-headline-in-the-slug-{i}/")
            request = scrapy.Request(url, callback=spider.parse_article,
                                     errback=spider.page_failed,
                                     meta={"newscrawl_section": "news/national",
                                           "newscrawl_lease": str(i)})
            queue.push(request)
            filt.request_seen(request)
        return (client.memory_usage(key, samples=0) / n, client.memory_usage(fkey, samples=0) / n)
    finally:
        client.delete(key, fkey)


def postgres_calls(args, count=500, url=None):
    """Median ms of the per-article calls, one at a time on an idle loop: on the synchronous
    connection (all of it holds the loop) and on the asynchronous one (end to end, and the
    part that holds the loop: psycopg preparing the statement and reading its answer).
    ``url``: another way to the same database (``DelayProxy``: a far one)."""
    import asyncio

    from newscrawl.state.postgres import AsyncPostgresStateStore, PostgresStateStore

    schema = "nc_bench_" + uuid.uuid4().hex[:10]
    names = ("find", "claim", "stage")

    def calls(store, i):
        rec = {"canonical_url": f"https://www.japantimes.co.jp/a/{i}/",
               "content_hash": f"h{i}", "published_at": "2026-11-01T00:00:00Z"}
        run = f"run-{type(store).__name__}"
        return (lambda: store.find(rec["canonical_url"], "id", rec["content_hash"]),
                lambda: store.claim(run, rec, crawl_id=run),
                lambda: store.stage(run, rec))

    sync = {n: [] for n in names}
    took = {n: [] for n in names}
    held = {n: [] for n in names}

    async def timed_async(store):
        for i in range(count):
            for name, call in zip(names, calls(store, i), strict=True):
                loop = Totals({"loop_s": 0.0})
                loop.counting = True
                t = time.perf_counter()
                await TimedSteps(call(), loop)
                took[name].append(time.perf_counter() - t)
                held[name].append(loop["loop_s"])
        await store.aclose()

    url = url or args.postgres
    try:
        with PostgresStateStore(url, "japantimes", schema=schema) as store:
            for i in range(count):
                for name, call in zip(names, calls(store, i), strict=True):
                    t = time.perf_counter()
                    call()
                    sync[name].append(time.perf_counter() - t)
        asyncio.run(timed_async(AsyncPostgresStateStore(url, "japantimes", schema=schema)))
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def ms(values):
        return statistics.median(values) * 1000

    return {n: (ms(sync[n]), ms(took[n]), ms(held[n])) for n in names}


class DelayProxy:
    """A loopback TCP proxy to PostgreSQL that holds every chunk ``delay`` seconds each way:
    a database a network away (a round trip of 2 x ``delay`` more)."""

    def __init__(self, upstream, delay):
        import socket

        self.upstream, self.delay = upstream, delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    def pump(self, src, dst):
        try:
            while data := src.recv(65536):
                time.sleep(self.delay)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.close()

    def url(self, url):
        from urllib.parse import urlsplit

        netloc = urlsplit(url).netloc.rsplit("@", 1)
        return url.replace(netloc[-1], f"127.0.0.1:{self.port}", 1)

    def close(self):
        self.listener.close()


# --- a worker with psycopg timed (--timed-worker) -------------------------------------------
class TimedSteps:
    """Awaits a coroutine while timing the steps it runs on the event loop (between its
    suspensions): the time it held the loop, as opposed to the time it took."""

    def __init__(self, coro, totals):
        self.coro, self.totals = coro, totals

    def __await__(self):
        steps = self.coro.__await__()
        value, error = None, None
        while True:
            t = time.perf_counter()
            try:
                out = steps.throw(error) if error is not None else steps.send(value)
            except StopIteration as stop:
                return stop.value
            finally:
                self.totals.add("loop_s", time.perf_counter() - t)
            try:
                value, error = (yield out), None
            except BaseException as exc:  # noqa: BLE001 (thrown back into the coroutine)
                value, error = None, exc


class Totals(Counter):
    """What the timed worker counts, from the moment it joined the crawl (its start-up, the
    schema and the overlap lock apart) to its exit (the run's commit included)."""

    counting = False

    def add(self, key, value):
        if self.counting:
            self[key] += value


def timed_worker(timing_path, argv):
    """`scrapy crawl ...` with every psycopg statement timed; the totals go to
    ``timing_path`` (JSON) when the process exits."""
    import psycopg

    totals = Totals({"loop_s": 0.0, "statements": 0, "cpu_s": 0.0})
    sync_execute = psycopg.Cursor.execute
    async_execute = psycopg.AsyncCursor.execute

    def execute(self, *a, **kw):
        totals.add("statements", 1)
        t = time.perf_counter()
        try:
            return sync_execute(self, *a, **kw)
        finally:  # a synchronous statement holds the loop all along
            totals.add("loop_s", time.perf_counter() - t)

    def aexecute(self, *a, **kw):
        totals.add("statements", 1)
        return TimedSteps(async_execute(self, *a, **kw), totals)

    psycopg.Cursor.execute = execute
    psycopg.AsyncCursor.execute = aexecute
    if os.environ.get("NC_BENCH_SYNC_STATE"):
        # For comparison: the per-article calls on the synchronous connection (before the
        # modules that use them import the name).
        import newscrawl.state

        newscrawl.state.crawler_calls = newscrawl.state.crawler_store
    from newscrawl.distributed.frontier import Frontier

    def cpu():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    joined = Frontier.spider_opened
    cpu_at_join = []

    def spider_opened(self, spider):
        totals.counting = True
        cpu_at_join.append(cpu())
        return joined(self, spider)

    Frontier.spider_opened = spider_opened

    def save():
        totals["cpu_s"] = cpu() - cpu_at_join[0] if cpu_at_join else 0.0
        Path(timing_path).write_text(json.dumps(totals))

    atexit.register(save)
    from scrapy.cmdline import execute as scrapy_execute

    scrapy_execute(["scrapy", *argv])


# --- the server answers side by side ---------------------------------------------------------
def check_server(target, latency=0.05, counts=(1, 8, 16, 48)):
    """Requests at once, each on a new connection (the worst case: a worker keeps only
    CONCURRENT_REQUESTS_PER_DOMAIN connections open), to a cheap page: [(n, seconds)]."""
    out = []
    with target.server(latency) as server:
        for n in counts:
            took = []

            def fetch(took=took, url=server.url + "/robots.txt"):
                with urllib.request.urlopen(url, timeout=30) as answer:
                    answer.read()

            threads = [threading.Thread(target=fetch) for _ in range(n)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            out.append((n, time.monotonic() - started))
    return out


ROWS = {
    "50ms": (0.05, "50 ms per answer", ()),
    "loopback": (0.0, "loopback speed", ()),
    # CONCURRENT_REQUESTS, not the slot's concurrency: on the asyncio reactor Scrapy 2.19
    # starts a slot's downloads as tasks and counts them as transferring only once they run,
    # so a slot without a delay lets a burst through (measured: 6-7 at once for a
    # concurrency of 2). The engine's CONCURRENT_REQUESTS holds (2 at once, measured).
    "polite": (0.05, "50 ms, 2 at a time per worker", ("-s", "CONCURRENT_REQUESTS=2")),
}


def print_throughput(args, target):
    print("| server | workers | crawl span (s) | articles/s | speed-up | event loop in "
          "PostgreSQL per article (ms) | PostgreSQL statements per article | worker CPU per "
          "article (ms) | server CPU per article (ms) | wall incl. start-up (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    counts = [int(n) for n in args.workers.split(",")]
    for row in args.rows.split(","):
        latency, label, extra = ROWS[row]
        runs = throughput(args, target, latency, counts, extra, timed=True)
        base = None
        for workers in counts:
            span = median(runs[workers], "span")
            articles = runs[workers][0]["articles"]
            base = base or span

            def per_article(key, rs=runs[workers]):
                return statistics.median(r.get(key, 0) / r["articles"] * 1000 for r in rs)

            print(f"| {label} | {workers} | {span:.2f} | {articles / span:.1f} | "
                  f"{base / span:.2f}x | {per_article('loop_s'):.2f} | "
                  f"{per_article('statements') / 1000:.1f} | {per_article('cpu_s'):.1f} | "
                  f"{per_article('server_cpu'):.1f} | "
                  f"{median(runs[workers], 'wall'):.1f} |", flush=True)
    print()


def print_sigkill(args):
    for label, extra in (("leases (newscrawl)", ()),
                         ("no leases (plain scrapy-redis Scheduler)",
                          ("-s", "SCHEDULER=scrapy_redis.scheduler.Scheduler"))):
        lost, duplicated, in_part = [], [], []
        for _ in range(args.rounds):
            # The snapshot server's threads print a BrokenPipe traceback for every answer the
            # killed worker no longer reads: noise here.
            with contextlib.redirect_stderr(io.StringIO()):
                killed = sigkill(args, *extra)
            lost.append(killed["lost"])
            duplicated.append(killed["duplicated"])
            in_part.append(killed["in_killed_part"])
        print(f"SIGKILL of one of two workers, {label}: articles lost {lost}, duplicated "
              f"{duplicated} (articles in the killed worker's unfinished feed: {in_part})",
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default=os.environ.get("NEWSCRAWL_TEST_REDIS_URL",
                                                          "redis://127.0.0.1:6379/0"))
    parser.add_argument("--postgres", default=os.environ.get(
        "NEWSCRAWL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--scale", type=int, help="crawl the scale site of N articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rows", default=",".join(ROWS),
                        help=f"throughput rows, of {', '.join(ROWS)}")
    parser.add_argument("--workers", default="1,2,3", help="worker counts, e.g. 1,2,3")
    parser.add_argument("--only", action="append",
                        choices=("throughput", "sigkill", "memory", "calls", "server"),
                        help="run only these parts (repeatable); default: all but server")
    parser.add_argument("--check-server", action="store_true",
                        help="the same as --only server")
    parser.add_argument("--server-backlog", type=int,
                        help="the snapshot server's listen backlog (5: socketserver's "
                        "default, as before; to show what it cost)")
    parser.add_argument("--sync-state", action="store_true",
                        help="workers make the per-article PostgreSQL calls synchronously "
                        "(for comparison)")
    args = parser.parse_args()
    if args.sync_state:
        os.environ["NC_BENCH_SYNC_STATE"] = "1"
    if args.server_backlog:
        from newscrawl.snapshot.server import SnapshotHTTPServer

        SnapshotHTTPServer.request_queue_size = args.server_backlog
    parts = set(args.only or ()) | ({"server"} if args.check_server else set())
    parts = parts or {"throughput", "sigkill", "memory", "calls"}
    target = Target(args.scale, args.seed)
    print(f"{os.cpu_count()} CPUs (shared with other work: figures are indicative); "
          f"{target.label}, {args.rounds} rounds per row, medians\n")
    if "server" in parts:
        print("Requests at once on new connections to the server, 50 ms per answer:")
        for n, took in check_server(target):
            print(f"  {n:3d} at once: all answered in {took * 1000:.0f} ms")
        print()
    if "throughput" in parts:
        print_throughput(args, target)
    if "sigkill" in parts:
        print_sigkill(args)
    if "memory" in parts:
        per_request, per_fingerprint = redis_memory(args)
        print(f"Redis: {per_request:.0f} bytes per queued request (MEMORY USAGE, 1,000 "
              f"article requests), {per_fingerprint:.0f} bytes per dupefilter fingerprint")
    if "calls" in parts:
        from urllib.parse import urlsplit

        parts = urlsplit(args.postgres)
        proxy = DelayProxy((parts.hostname or "127.0.0.1", parts.port or 5432), 0.001)
        try:
            for label, url in (("loopback", None), ("through a proxy adding 2 ms a round trip",
                                                    proxy.url(args.postgres))):
                print(f"PostgreSQL per-article calls, {label}, one at a time (median ms; "
                      "sync / async end to end / async holding the event loop):")
                for name, (sync, took, held) in postgres_calls(args, 200, url).items():
                    print(f"  {name}: {sync:.3f} / {took:.3f} / {held:.3f}", flush=True)
        finally:
            proxy.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--timed-worker"]:
        timed_worker(sys.argv[2], sys.argv[3:])
    else:
        main()
