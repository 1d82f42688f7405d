"""One crawl shared by several workers: scrapy-redis frontier, PostgreSQL state, exactly once.

Real `scrapy crawl` processes (the workers) against a real ``SnapshotServer``, a real Redis and
a real PostgreSQL (``NEWSCRAWL_TEST_REDIS_URL``, ``NEWSCRAWL_TEST_POSTGRES_URL``: see
conftest.py; skipped without them, failed with ``NEWSCRAWL_REQUIRE_SERVICES=1``). Each test
uses its own crawl id (Redis key prefix) and PostgreSQL schema and removes them; every process
it starts is stopped by its pid.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from newscrawl.snapshot import SECTIONS, expected_articles
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {a["url"] for a in expected_articles(sections=SECTIONS)}
# The snapshot drops one truncated page of 32 on purpose; a worker that fetched a third of the
# article pages judges 1 in 10 (the monitors judge each worker's share, docs/distributed.md).
MONITOR = ("-s", "NEWSCRAWL_MAX_DROPPED_PERCENT=10")


@pytest.fixture
def cluster(tmp_path, redis_crawl, postgres_schema):
    return Cluster(tmp_path, *redis_crawl, *postgres_schema)


class Cluster:
    """The workers of one crawl id, their logs and feeds."""

    def __init__(self, tmp_path, redis_url, crawl_id, pg_url, schema):
        self.tmp_path, self.redis_url, self.crawl_id = tmp_path, redis_url, crawl_id
        self.pg_url, self.schema = pg_url, schema
        self.procs = []

    def env(self, crawl_id=None, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
        env.update({
            "NEWSCRAWL_REDIS_URL": self.redis_url,
            "NEWSCRAWL_CRAWL_ID": crawl_id or self.crawl_id,
            "NEWSCRAWL_STATE_URL": self.pg_url,
            "NEWSCRAWL_STATE_SCHEMA": self.schema,
            "NEWSCRAWL_FEED_DIR": str(self.tmp_path / "feed"),
            "NEWSCRAWL_IDLE_WAIT": "1",
            "NEWSCRAWL_HEARTBEAT_TTL": "3",
        })
        env.update(extra)
        return env

    def start(self, server, *args, crawl_id=None, **env):
        n = len(self.procs)
        log = open(self.tmp_path / f"worker{n}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "japantimes",
             "-a", "sections=" + ",".join(SECTIONS), "-s", f"NEWSCRAWL_MIRROR={server.url}",
             *MONITOR, *args],
            cwd=ROOT, stdout=log, stderr=log, env=self.env(crawl_id, **env),
        )
        proc.log, proc.log_path = log, self.tmp_path / f"worker{n}.log"
        self.procs.append(proc)
        return proc

    def wait(self, proc, timeout=120):
        try:
            return proc.wait(timeout=timeout)
        finally:
            self.stop(proc)

    @staticmethod
    def stop(proc):
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.log.close()

    def stop_all(self):
        for proc in self.procs:
            self.stop(proc)

    def feeds(self, pattern="*.jsonl"):
        feed = self.tmp_path / "feed"
        return sorted(feed.rglob(pattern)) if feed.exists() else []

    def union(self):
        """(Counter of article URLs over every feed, torn lines, {feed name: records})."""
        urls, torn, per_feed = Counter(), 0, {}
        for feed in self.feeds():
            lines = feed.read_bytes().splitlines()
            per_feed[feed.name] = len(lines)
            for line in lines:
                try:
                    urls[json.loads(line)["url"]] += 1
                except ValueError:
                    torn += 1
        return urls, torn, per_feed


def stat(log_path, key):
    match = re.search(rf"'{re.escape(key)}': (\d+)", log_path.read_text(errors="replace"))
    return int(match.group(1)) if match else 0


def assert_exactly_once(cluster):
    urls, torn, per_feed = cluster.union()
    assert torn == 0
    assert {u: n for u, n in urls.items() if n > 1} == {}, "duplicates"
    assert EXPECTED - set(urls) == set(), "lost"
    assert set(urls) == EXPECTED
    return per_feed


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_of_one_crawl_export_every_article_once(cluster, workers):
    # 0.5 s per answer: the crawl outlasts the workers' start-up (1-3 s each on a busy machine)
    with SnapshotServer(latency=0.5) as server:
        try:
            procs = [cluster.start(server) for _ in range(workers)]
            codes = [cluster.wait(p) for p in procs]
        finally:
            cluster.stop_all()
    logs = [p.log_path.read_text(errors="replace") for p in procs]
    assert codes == [0] * workers, logs[codes.index(max(codes))][-3000:]
    per_feed = assert_exactly_once(cluster)
    assert len(per_feed) == workers  # one feed per worker, names never collide
    # every worker did part of the work
    dequeued = [stat(p.log_path, "scheduler/dequeued/redis") for p in procs]
    assert all(d > 0 for d in dequeued), dequeued
    assert sum(stat(p.log_path, "item_scraped_count") for p in procs) == len(EXPECTED)
    # `scrapy state --crawl` reports the crawl across its workers
    shown = subprocess.run(
        [sys.executable, "-m", "scrapy", "state", "--crawl", cluster.crawl_id, "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=cluster.env())
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)["crawls"]["japantimes"]
    assert report["articles"] == len(EXPECTED)
    assert len(report["workers"]) == workers
    assert sum(w["exported"] for w in report["workers"]) == len(EXPECTED)
    assert report["failed"] >= 1  # the snapshot's 500
    assert all(Path(f).exists() for w in report["workers"] for f in w["feeds"])
    # the crawl's keys outlive it only for NEWSCRAWL_CRAWL_EXPIRE; no worker is left listed
    import redis

    client = redis.Redis.from_url(cluster.redis_url)
    try:
        prefix = f"japantimes:{cluster.crawl_id}:"
        assert 0 < client.ttl(prefix + "dupefilter") <= 86400
        assert not client.exists(prefix + "workers")
        assert not list(client.scan_iter(match=prefix + "leases:*"))
        assert not list(client.scan_iter(match=prefix + "done:*"))
    finally:
        client.close()


def test_a_late_worker_joins_without_resetting_the_crawl(cluster):
    with SnapshotServer(latency=0.3) as server:
        try:
            first = cluster.start(server)
            deadline = time.monotonic() + 60
            while "joined" not in first.log_path.read_text(errors="replace"):
                assert time.monotonic() < deadline and first.poll() is None
                time.sleep(0.1)
            time.sleep(2)
            late = cluster.start(server)
            codes = [cluster.wait(first), cluster.wait(late)]
        finally:
            cluster.stop_all()
    assert codes == [0, 0], late.log_path.read_text(errors="replace")[-3000:]
    assert_exactly_once(cluster)
    # the late worker's start requests were already seen: it did not start the crawl over,
    # so the 8 listing pages were fetched once in all (by either worker: the listings start
    # once feeds and sitemaps are read, which may be after the late one joined)
    late_log = late.log_path.read_text(errors="replace")
    assert stat(first.log_path, "newscrawl/pages/listing") + stat(
        late.log_path, "newscrawl/pages/listing") == 8, late_log[-2000:]


def test_a_worker_killed_mid_crawl_loses_nothing(cluster):
    """SIGKILL one of two workers once articles are in its unfinished feed: its leases (and the
    requests of the articles in its .part) go back to the queue when its heartbeat expires, the
    survivor finishes the crawl, and the union of the stored feeds holds every article once."""
    with SnapshotServer(latency=0.4) as server:
        try:
            victim = cluster.start(server)
            survivor = cluster.start(server)

            def victim_exported():
                return any(p.stat().st_size > 0 for p in cluster.feeds("*.part")
                           if str(victim.pid) in p.name)

            deadline = time.monotonic() + 60
            while not victim_exported():
                assert time.monotonic() < deadline, "the victim exported nothing"
                assert victim.poll() is None, "the victim ended before it could be killed"
                time.sleep(0.05)
            victim.send_signal(signal.SIGKILL)
            assert cluster.wait(victim) == -signal.SIGKILL
            code = cluster.wait(survivor)
        finally:
            cluster.stop_all()
    log = survivor.log_path.read_text(errors="replace")
    assert code == 0, log[-3000:]
    assert "is dead (no heartbeat" in log
    assert stat(survivor.log_path, "newscrawl/distributed/requeued") > 0
    per_feed = assert_exactly_once(cluster)
    assert len(per_feed) == 1  # the victim's feed never became one


def test_a_restarted_worker_finishes_the_crawl_of_a_killed_one(cluster):
    with SnapshotServer(latency=0.3) as server:
        try:
            victim = cluster.start(server)
            deadline = time.monotonic() + 60
            while not any(p.stat().st_size > 0 for p in cluster.feeds("*.part")):
                assert time.monotonic() < deadline and victim.poll() is None
                time.sleep(0.05)
            victim.send_signal(signal.SIGKILL)
            cluster.wait(victim)
            again = cluster.start(server)
            code = cluster.wait(again)
        finally:
            cluster.stop_all()
    assert code == 0, again.log_path.read_text(errors="replace")[-3000:]
    assert_exactly_once(cluster)


def test_another_crawl_of_the_site_is_turned_away_while_one_runs(cluster):
    with SnapshotServer(latency=0.3) as server:
        try:
            running = cluster.start(server)
            deadline = time.monotonic() + 60
            while "joined" not in running.log_path.read_text(errors="replace"):
                assert time.monotonic() < deadline and running.poll() is None
                time.sleep(0.1)
            other = cluster.start(server, crawl_id=cluster.crawl_id + "-other")
            other_code = cluster.wait(other)
            # a plain run (no Redis) with the same PostgreSQL state is turned away too
            plain = cluster.start(server, NEWSCRAWL_REDIS_URL="", NEWSCRAWL_CRAWL_ID="")
            plain_code = cluster.wait(plain)
            assert running.poll() is None, "the running crawl should outlast this test's checks"
            code = cluster.wait(running)
        finally:
            cluster.stop_all()
    for proc, proc_code in ((other, other_code), (plain, plain_code)):
        log = proc.log_path.read_text(errors="replace")
        assert proc_code == 0, log[-2000:]
        assert "Overlap: site 'japantimes' is held by crawl " + cluster.crawl_id in log
        assert stat(proc.log_path, "item_scraped_count") == 0
    assert code == 0
    assert_exactly_once(cluster)


@pytest.mark.parametrize("broken", ["redis", "postgres"])
def test_an_unreachable_server_at_start_is_one_error_line(cluster, broken, tmp_path):
    env = ({"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1/0"} if broken == "redis"
           else {"NEWSCRAWL_STATE_URL": "postgresql://postgres@127.0.0.1:1/test"})
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes", "-s",
         "NEWSCRAWL_MIRROR=http://127.0.0.1:1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=cluster.env(**env))
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, proc.stderr[-3000:]
    assert ("Redis" if broken == "redis" else "PostgreSQL") in errors[0]
    assert "unreachable" in errors[0]
    assert "Traceback" not in proc.stderr


def test_distributed_needs_the_shared_state(cluster):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=cluster.env(NEWSCRAWL_STATE_URL=""))
    assert proc.returncode == 1
    assert "NEWSCRAWL_STATE_URL" in proc.stderr and "Traceback" not in proc.stderr


def test_redis_without_password_off_loopback_is_warned_about():
    from newscrawl.distributed import redis_security_warning

    assert redis_security_warning("redis://127.0.0.1:6379/0") is None
    assert redis_security_warning("redis://localhost/0") is None
    assert redis_security_warning("redis://:s3cret@10.0.0.5:6379/0") is None
    warning = redis_security_warning("redis://10.0.0.5:6379/0")
    assert "SECURITY" in warning and "pickle" in warning
    assert "s3cret" not in (redis_security_warning("redis://u:s3cret@10.0.0.5/0") or "")


def test_redis_gone_mid_crawl_stops_cleanly_and_the_next_run_completes(cluster, tmp_path):
    """A private redis-server (this test's own, stopped by its pid) dies mid-crawl: the worker
    logs one ERROR, stores its feed and records what it exported; a run with a new crawl id
    on a new Redis exports the rest, and every article is in the feeds once."""
    import shutil
    import socket

    if not shutil.which("redis-server"):
        pytest.skip("redis-server not installed: the shared Redis cannot be stopped by a test")

    def private_redis():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, f"redis://127.0.0.1:{port}/0"
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    redis_proc, url = private_redis()
    try:
        with SnapshotServer(latency=0.3) as server:
            worker = cluster.start(server, NEWSCRAWL_REDIS_URL=url)
            deadline = time.monotonic() + 60
            while not any(p.stat().st_size > 0 for p in cluster.feeds("*.part")):
                assert time.monotonic() < deadline and worker.poll() is None
                time.sleep(0.05)
            redis_proc.kill()
            redis_proc.wait()
            cluster.wait(worker)
            log = worker.log_path.read_text(errors="replace")
            assert "Redis is unreachable" in log and "worker" in log
            assert "Traceback" not in log
            assert re.search(r"State of japantimes: [1-9]\d* articles of run", log)
            assert log.count("] ERROR:") == 1
            first, _, _ = cluster.union()
            assert 0 < sum(first.values()) < len(EXPECTED)

            redis_proc, url = private_redis()
            again = cluster.start(server, crawl_id=cluster.crawl_id + "-next",
                                  NEWSCRAWL_REDIS_URL=url)
            assert cluster.wait(again) == 0, again.log_path.read_text(errors="replace")[-3000:]
    finally:
        cluster.stop_all()
        if redis_proc.poll() is None:
            redis_proc.kill()
            redis_proc.wait()
    assert_exactly_once(cluster)


def test_a_worker_taken_for_dead_withdraws_its_feed(cluster):
    """A worker whose event loop stalled past its heartbeat's TTL is reaped by the others while
    it still runs. Simulated here by removing it from the crawl's workers (what a reaper does):
    at its next heartbeat it notices, stops, renames its feed to .withdrawn and gives back
    what it kept; another worker exports those articles, so the stored feeds still hold every
    article once."""
    import redis

    client = redis.Redis.from_url(cluster.redis_url)
    with SnapshotServer(latency=0.4) as server:
        try:
            stalled = cluster.start(server)
            deadline = time.monotonic() + 60
            while not any(p.stat().st_size > 0 for p in cluster.feeds("*.part")):
                assert time.monotonic() < deadline and stalled.poll() is None
                time.sleep(0.05)
            worker = next(m.decode() for m in client.smembers(
                f"japantimes:{cluster.crawl_id}:workers"))
            client.srem(f"japantimes:{cluster.crawl_id}:workers", worker)
            other = cluster.start(server)
            codes = [cluster.wait(stalled), cluster.wait(other)]
        finally:
            cluster.stop_all()
            client.close()
    log = stalled.log_path.read_text(errors="replace")
    assert "was taken for dead" in log and "Feed withdrawn" in log
    assert codes[1] == 0, other.log_path.read_text(errors="replace")[-3000:]
    assert len(cluster.feeds("*.withdrawn")) == 1
    per_feed = assert_exactly_once(cluster)
    assert len(per_feed) == 1


def test_a_worker_killed_after_storing_its_feed_is_committed_not_redone(cluster):
    """SIGKILL after the feed was stored and before the state committed (test_kill_restart's
    KillAtEngineStopped): the next worker of the crawl finds it dead, commits its staged
    exports from its stored feed and drops its kept requests instead of doing them again."""
    from newscrawl.settings import EXTENSIONS

    extensions = {**EXTENSIONS, "test_kill_restart.KillAtEngineStopped": 0}
    with SnapshotServer() as server:
        try:
            first = cluster.start(server, "-s", f"EXTENSIONS={json.dumps(extensions)}",
                                  PYTHONPATH=str(ROOT / "tests"))
            assert cluster.wait(first) == -signal.SIGKILL
            assert len(cluster.feeds()) == 1
            # waits long enough for the first worker's heartbeat (3 s) to expire
            second = cluster.start(server, NEWSCRAWL_IDLE_WAIT="6")
            code = cluster.wait(second)
        finally:
            cluster.stop_all()
    log = second.log_path.read_text(errors="replace")
    assert code == 0, log[-3000:]
    assert "is dead (no heartbeat" in log
    assert re.search(r"its state committed, \d+ of its requests back in the queue", log)
    assert stat(second.log_path, "item_scraped_count") == 0
    per_feed = assert_exactly_once(cluster)
    assert sorted(per_feed.values()) == [0, len(EXPECTED)]  # the second one's feed is empty
    shown = subprocess.run(
        [sys.executable, "-m", "scrapy", "state", "--crawl", cluster.crawl_id, "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=cluster.env())
    report = json.loads(shown.stdout)["crawls"]["japantimes"]
    assert report["articles"] == len(EXPECTED)
    assert report["uncommitted"] == {}


class TcpProxy:
    """A loopback TCP proxy to PostgreSQL that the test can cut: the database "goes away" for
    the worker behind it, and only for it (the shared server keeps running)."""

    def __init__(self, upstream):
        import socket
        import threading

        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.conns = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    @staticmethod
    def pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        import socket

        self.listener.close()
        with self.lock:
            for conn in self.conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                    conn.close()
                except OSError:
                    pass


def test_postgres_gone_mid_crawl_stops_cleanly_and_the_next_run_completes(cluster):
    """The worker's PostgreSQL connection is cut mid-crawl (a proxy of the test's own): one
    ERROR line, the worker stops, its feed is stored and marked unrecorded; the next run
    records that feed's articles from the feed itself and exports only the rest."""
    from urllib.parse import urlsplit

    parts = urlsplit(cluster.pg_url)
    proxy = TcpProxy((parts.hostname, parts.port or 5432))
    proxied = cluster.pg_url.replace(parts.netloc.rsplit("@", 1)[-1], f"127.0.0.1:{proxy.port}")
    try:
        with SnapshotServer(latency=0.3) as server:
            worker = cluster.start(server, NEWSCRAWL_STATE_URL=proxied, NEWSCRAWL_LOCK_TTL="3")
            deadline = time.monotonic() + 60
            while not any(p.stat().st_size > 0 for p in cluster.feeds("*.part")):
                assert time.monotonic() < deadline and worker.poll() is None
                time.sleep(0.05)
            proxy.cut()
            cluster.wait(worker)
            log = worker.log_path.read_text(errors="replace")
            assert "The state database is unreachable" in log, log[-3000:]
            assert "Traceback" not in log
            assert "finish_reason': 'state_unavailable'" in log
            assert len(cluster.feeds("*.unrecorded")) == 1
            first, torn, _ = cluster.union()
            assert torn == 0 and 0 < sum(first.values()) < len(EXPECTED)
            time.sleep(3)  # the dead worker's lock row (NEWSCRAWL_LOCK_TTL=3) lapses
            again = cluster.start(server, crawl_id=cluster.crawl_id + "-next",
                                  NEWSCRAWL_LOCK_TTL="3")
            code = cluster.wait(again)
    finally:
        proxy.cut()
        cluster.stop_all()
    log = again.log_path.read_text(errors="replace")
    assert code == 0, log[-3000:]
    assert "before recording it: its" in log
    assert cluster.feeds("*.unrecorded") == []
    assert_exactly_once(cluster)
