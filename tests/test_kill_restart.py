"""SIGKILL a crawl, start it again with the same state: every article exactly once in the feeds.

The snapshot server trickles every page (``slow`` faults on every request) so a crawl lasts long
enough to be killed at chosen moments: 0.5 s, 1.5 s and 3 s after it starts, and once more
right after the first articles were written to its feed. Then a run that is left alone. The
union of the feed files (``*.jsonl``) must hold every article once: no torn line, no duplicate,
none lost. Feeds are written to ``<feed>.part`` and renamed at the end
(``newscrawl.export.storage``), and a killed run records nothing in the state, so what a killed
run exported is exported again, once, by the run that ends.

A second test kills the crawl in the one moment this does not cover: after the feed was stored
and before the state committed the run (``engine_stopped``). The next run finds the dead run's
pending rows and its stored feed and commits them (``StatePipeline.recover_dead_runs``), so
nothing is exported twice.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from scrapy import signals

from newscrawl.snapshot import SECTIONS, expected_articles
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {a["url"] for a in expected_articles(sections=SECTIONS)}
KILL_AFTER_SECONDS = (0.5, 1.5, 3.0)


def start_crawl(server, tmp_path, *args, env=None):
    log = open(tmp_path / "crawl.log", "ab")  # closed by finish()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes",
         "-a", "sections=" + ",".join(SECTIONS),
         "-s", f"NEWSCRAWL_MIRROR={server.url}",
         "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}",
         "-s", f"NEWSCRAWL_FEED_DIR={tmp_path / 'feed'}", *args],
        cwd=ROOT, stdout=log, stderr=log,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")},
             **(env or {})},
    )
    proc.log = log
    return proc


def finish(proc, timeout=120):
    try:
        return proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.log.close()


def feed_files(tmp_path, pattern):
    feed = tmp_path / "feed"
    return sorted(feed.rglob(pattern)) if feed.exists() else []


def union_of_feeds(tmp_path):
    """(Counter of article URLs over every feed file, torn lines, number of feeds)."""
    urls, torn = Counter(), 0
    feeds = feed_files(tmp_path, "*.jsonl")
    for feed in feeds:
        for line in feed.read_bytes().splitlines():
            try:
                urls[json.loads(line)["url"]] += 1
            except ValueError:
                torn += 1
    return urls, torn, len(feeds)


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_killed_crawls_then_a_whole_one_export_every_article_once(tmp_path):
    rounds = []
    with SnapshotServer(faults="slow=1,max_per_path=none,slow_seconds=1.5") as server:
        for seconds in KILL_AFTER_SECONDS:
            proc = start_crawl(server, tmp_path)
            time.sleep(seconds)
            assert proc.poll() is None, "the crawl ended before it could be killed"
            proc.send_signal(signal.SIGKILL)
            assert finish(proc) == -signal.SIGKILL
            rounds.append(f"killed after {seconds} s")
        # once more, when articles are already in the (unfinished) feed
        proc = start_crawl(server, tmp_path)
        started = time.monotonic()

        def exported_some():
            return any(p.stat().st_size > 0 for p in feed_files(tmp_path, "*.part"))

        try:
            assert wait_for(exported_some, 60), "no article reached the feed"
        finally:
            proc.send_signal(signal.SIGKILL)
            assert finish(proc) == -signal.SIGKILL
        rounds.append(f"killed after {time.monotonic() - started:.1f} s, feed being written")
        partial = [p for p in feed_files(tmp_path, "*.part") if p.stat().st_size > 0]
        in_partial = sum(len(p.read_bytes().splitlines()) for p in partial)
        # nothing a killed run wrote is a feed
        assert union_of_feeds(tmp_path) == (Counter(), 0, 0)

        proc = start_crawl(server, tmp_path)
        assert finish(proc) == 0, (tmp_path / "crawl.log").read_text()[-3000:]
        rounds.append("left alone: finished")

    urls, torn, feeds = union_of_feeds(tmp_path)
    print(f"\nrounds: {'; '.join(rounds)}; {in_partial} lines in the killed run's .part; "
          f"{feeds} feed(s), {sum(urls.values())} records")
    assert torn == 0
    assert feeds == 1
    assert {u: n for u, n in urls.items() if n > 1} == {}, "duplicates"
    assert EXPECTED - set(urls) == set(), "lost"
    assert set(urls) == EXPECTED


class KillAtEngineStopped:
    """Test-only extension: SIGKILL the crawl when the engine stops, i.e. after the feed
    exporter stored the feed (spider_closed) and before the state pipeline commits the run
    (its engine_stopped handler, connected later than extensions' handlers)."""

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls()
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self):
        os.kill(os.getpid(), signal.SIGKILL)


def test_killed_between_feed_store_and_state_commit(tmp_path):
    from newscrawl.settings import EXTENSIONS

    extensions = {**EXTENSIONS, "test_kill_restart.KillAtEngineStopped": 0}
    with SnapshotServer() as server:
        proc = start_crawl(server, tmp_path, "-s", f"EXTENSIONS={json.dumps(extensions)}",
                           env={"PYTHONPATH": str(ROOT / "tests")})
        assert finish(proc) == -signal.SIGKILL
        urls, _, feeds = union_of_feeds(tmp_path)
        assert feeds == 1 and set(urls) == EXPECTED  # the feed was stored before the kill
        proc = start_crawl(server, tmp_path)
        assert finish(proc) == 0
    urls, torn, feeds = union_of_feeds(tmp_path)
    assert torn == 0
    assert {u: n for u, n in urls.items() if n > 1} == {}, "duplicates"
    assert set(urls) == EXPECTED
    # The killed run was settled before the second one scheduled anything: none of its 30
    # articles was even fetched again (once this depended on when the first item arrived).
    second = max(feed_files(tmp_path, "*.report.json"), key=lambda p: p.stat().st_mtime)
    report = json.loads(second.read_text())
    assert report["requests"]["skipped_seen"] == len(EXPECTED)
    assert report["articles"]["exported"] == 0
