"""Distributed crawl figures: throughput with 1, 2 and 3 workers, SIGKILL losses, Redis memory.

    python bench/distributed.py [--rounds 3] [--redis URL] [--postgres URL]

Needs a Redis and a PostgreSQL (defaults: the test servers, NEWSCRAWL_TEST_REDIS_URL and
NEWSCRAWL_TEST_POSTGRES_URL, else 127.0.0.1). Every round uses its own crawl id and its own
PostgreSQL schema and removes both.

- Throughput: N workers (`scrapy crawl` processes) of one crawl against the snapshot server,
  with 50 ms per answer and at loopback speed, then with 50 ms and at most 2 requests at a time
  per worker (a polite live crawl's per-site limit: the case more workers are for). Process
  start-up (1-3 s of imports each, on a busy machine) would swamp a 41-page crawl, so the
  bench holds the start: the start requests are marked seen in the crawl's dupefilter before
  the workers start (they queue nothing), and once every worker has joined the bench pushes
  them into the queue. The span runs from that push to the moment the last worker found the
  frontier drained (from the workers' own millisecond log timestamps: its close minus
  NEWSCRAWL_IDLE_WAIT). Wall time, start-up included, is printed beside. The snapshot has 30
  articles (41 pages): a short crawl, so medians of a few rounds.
- SIGKILL: two workers with 0.4 s per answer; one is killed once articles are in its
  unfinished feed; the survivor finishes. Lost and duplicated articles in the union of the
  stored feeds (both must be 0); then the same with scrapy-redis' plain Scheduler (no
  leases), to show what the leases are for.
- Redis memory per queued request (`MEMORY USAGE` of the queue with 1,000 article requests as
  the spider makes them, pickled by scrapy-redis) and per dupefilter fingerprint.
- PostgreSQL: median time of the state calls a worker makes per article (lookup, claim,
  stage) on this connection: the synchronous calls are not the bottleneck if these are far
  below a page's parse (about 2 ms).
"""

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
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
LOG_FORMAT = "%(created).3f [%(name)s] %(levelname)s: %(message)s"


class Round:
    def __init__(self, args, folder):
        self.args, self.folder = args, folder
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

    def start(self, server, *extra):
        log = self.folder / f"w{len(self.procs)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "japantimes",
                 "-a", "sections=" + ",".join(SECTIONS), "-s", f"NEWSCRAWL_MIRROR={server.url}",
                 "-s", "NEWSCRAWL_MAX_DROPPED_PERCENT=100", "-s", f"LOG_FORMAT={LOG_FORMAT}",
                 *extra],
                cwd=ROOT, stdout=out, stderr=out, env=self.env())
        proc.log = log
        self.procs.append(proc)
        return proc

    def union(self):
        urls = Counter()
        for feed in (self.folder / "feed").rglob("*.jsonl"):
            for line in feed.read_bytes().splitlines():
                urls[json.loads(line)["url"]] += 1
        return urls

    def joined(self):
        return sum("joined (Redis keys" in p.log.read_text(errors="replace") for p in self.procs)

    def hold_start(self, spider):
        """Mark the start requests seen (workers queue none); push them with ``release``."""
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


def bench_spider():
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.japantimes import JapanTimesSpider

    return get_crawler(JapanTimesSpider)._create_spider(sections=",".join(SECTIONS))


def throughput(args, latency, workers, *extra):
    spans, walls = [], []
    spider = bench_spider()
    with SnapshotServer(latency=latency) as server:
        for _ in range(args.rounds):
            r = Round(args, Path(tempfile.mkdtemp(prefix="nc-bench-")))
            try:
                r.hold_start(spider)
                started = time.monotonic()
                procs = [r.start(server, *extra) for _ in range(workers)]
                deadline = time.monotonic() + 120
                while r.joined() < workers:
                    if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                        raise SystemExit("a worker did not join: "
                                         + procs[0].log.read_text(errors="replace")[-3000:])
                    time.sleep(0.02)
                r.release(spider)
                codes = [p.wait(timeout=300) for p in procs]
                walls.append(time.monotonic() - started)
                urls = r.union() or Counter({"": 0})
                if codes != [0] * workers or set(urls) != EXPECTED or max(urls.values()) > 1:
                    tail = procs[0].log.read_text(errors="replace")[-3000:]
                    raise SystemExit(f"round failed: exit {codes}, {len(urls)} articles; "
                                     f"first worker's log ends:\n{tail}")
                spans.append(r.span())
            finally:
                r.cleanup()
    return statistics.median(spans), statistics.median(walls)


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


def postgres_calls(args):
    from newscrawl.state.postgres import PostgresStateStore

    schema = "nc_bench_" + uuid.uuid4().hex[:10]
    times = {"lookup_url": [], "claim": [], "stage": []}
    try:
        with PostgresStateStore(args.postgres, "japantimes", schema=schema) as store:
            for i in range(500):
                rec = {"canonical_url": f"https://www.japantimes.co.jp/a/{i}/",
                       "content_hash": f"h{i}", "published_at": "2026-11-01T00:00:00Z"}
                for name, call in (("lookup_url", lambda r=rec: store.lookup_url(
                                       r["canonical_url"])),
                                   ("claim", lambda r=rec: store.claim("run", r, crawl_id="c")),
                                   ("stage", lambda r=rec: store.stage("run", r))):
                    t = time.perf_counter()
                    call()
                    times[name].append(time.perf_counter() - t)
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default=os.environ.get("NEWSCRAWL_TEST_REDIS_URL",
                                                          "redis://127.0.0.1:6379/0"))
    parser.add_argument("--postgres", default=os.environ.get(
        "NEWSCRAWL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs (shared with other work: figures are indicative); "
          f"{len(EXPECTED)} articles, {args.rounds} rounds per row, medians\n")
    print("| server | workers | crawl span (s) | articles/s | speed-up | wall incl. start-up (s) |")
    print("|---|---|---|---|---|---|")
    polite = ("-s", 'DOWNLOAD_SLOTS={"newscrawl-mirror": {"concurrency": 2, "delay": 0}}')
    for latency, label, extra in ((0.05, "50 ms per answer", ()),
                                  (0.0, "loopback speed", ()),
                                  (0.05, "50 ms, 2 at a time per worker", polite)):
        base = None
        for workers in (1, 2, 3):
            span, wall = throughput(args, latency, workers, *extra)
            base = base or span
            print(f"| {label} | {workers} | {span:.2f} | {len(EXPECTED) / span:.1f} | "
                  f"{base / span:.2f}x | {wall:.1f} |", flush=True)
    print()
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
    per_request, per_fingerprint = redis_memory(args)
    print(f"Redis: {per_request:.0f} bytes per queued request (MEMORY USAGE, 1,000 article "
          f"requests), {per_fingerprint:.0f} bytes per dupefilter fingerprint")
    calls = postgres_calls(args)
    print("PostgreSQL state calls (median, ms): " + ", ".join(
        f"{k} {v:.3f}" for k, v in calls.items()))


if __name__ == "__main__":
    main()
