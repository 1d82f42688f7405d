"""The per-site run lock (newscrawl.extensions.overlap_guard) with real lock files.

Each crawl runs in its own Python process (this file run as a script), as Scrapyd runs jobs:
a Twisted reactor cannot be restarted, and a lock that dies with its process can only be shown
with processes.
"""

import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.extensions.overlap_guard import (
    OVERLAP_REASON,
    STAT_OVERLAP,
    SiteLock,
    lock_path,
    site_name,
)

ROOT = Path(__file__).resolve().parent.parent
GUARD_LINE = "Overlap: site"


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_scenario(scenario, state_dir, *args, timeout=60):
    """Run this file as a script; it prints one JSON line per crawler: job, reason, stats, log."""
    proc = subprocess.run(
        [sys.executable, __file__, scenario, str(state_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {r["job"]: r for r in results}, proc.stderr


@pytest.fixture
def holder_process(tmp_path):
    """Another job holding the site's lock: a separate process, killed at the end."""
    procs = []

    def start(state_dir, job="holder-job", site="demo"):
        proc = subprocess.Popen(
            [sys.executable, __file__, "hold", str(state_dir), job, site],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
            cwd=ROOT,
            start_new_session=True,
        )
        procs.append(proc)
        assert proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# --- the lock itself ----------------------------------------------------------------------


def test_second_lock_on_same_file_fails_until_released(tmp_path):
    path = lock_path(str(tmp_path / "state"), "japantimes")
    first, second = SiteLock(path), SiteLock(path)
    assert first.acquire({"job": "a", "pid": 1})
    assert not second.acquire({"job": "b", "pid": 2})
    assert second.read_holder(wait=0)["job"] == "a"
    first.release()
    assert second.acquire({"job": "b", "pid": 2})
    assert first.read_holder(wait=0)["job"] == "b"
    second.release()


def test_lock_file_is_per_site_and_safe_as_a_name(tmp_path):
    assert lock_path("/s", "japantimes") == "/s/japantimes.lock"
    assert lock_path("/s", "../evil site") == "/s/evil_site.lock"
    a, b = SiteLock(lock_path(str(tmp_path), "a")), SiteLock(lock_path(str(tmp_path), "b"))
    assert a.acquire({"job": "1"}) and b.acquire({"job": "2"})
    a.release()
    b.release()


def test_site_name_prefers_the_site_of_the_spider():
    class Site:
        name = "japantimes"

    class WithSite:
        name = "jt-spider"
        site = Site()

    class WithString:
        name = "jt-spider"
        site = "jt"

    class Plain:
        name = "plain"

    assert site_name(WithSite()) == "japantimes"
    assert site_name(WithString()) == "jt"
    assert site_name(Plain()) == "plain"


# --- crawls -------------------------------------------------------------------------------


def test_job_started_while_another_process_holds_the_site_ends_at_once(tmp_path, holder_process):
    state = tmp_path / "state"
    holder_process(state, job="holder-job")

    results, _ = run_scenario("crawl", state, "late-job")
    late = results["late-job"]
    assert late["reason"] == OVERLAP_REASON
    assert late["stats"].get(STAT_OVERLAP) == 1
    # Nothing fetched, nothing scraped.
    assert "downloader/request_count" not in late["stats"]
    assert late["fetched"] == []
    assert "item_scraped_count" not in late["stats"]
    # One clear line naming the job that holds the site.
    guard_lines = [line for line in late["log"] if GUARD_LINE in line]
    assert len(guard_lines) == 1, late["log"]
    assert "holder-job" in guard_lines[0] and "late-job" in guard_lines[0]
    assert guard_lines[0].startswith("WARNING")
    assert not [line for line in late["log"] if line.startswith(("ERROR", "CRITICAL"))]


def test_lock_dies_with_the_process_that_holds_it(tmp_path, holder_process):
    state = tmp_path / "state"
    holder = holder_process(state, job="killed-job")
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)

    results, _ = run_scenario("crawl", state, "next-job")
    nxt = results["next-job"]
    assert nxt["reason"] == "finished"
    assert STAT_OVERLAP not in nxt["stats"]
    assert nxt["fetched"] == ["data:,hello"]
    assert not [line for line in nxt["log"] if GUARD_LINE in line]
    # The new holder recorded itself and released the lock when it closed.
    lock = SiteLock(lock_path(str(state), "demo"))
    assert lock.read_holder(wait=0)["job"] == "next-job"
    assert lock.acquire({"job": "check"})
    lock.release()


def test_two_crawlers_of_one_site_in_one_process(tmp_path):
    # The first crawler holds the site while its start() waits; the second one starts then.
    results, _ = run_scenario("pair", tmp_path / "state", "first-job", "second-job")
    first, second = results["first-job"], results["second-job"]
    assert first["reason"] == "finished" and first["fetched"] == ["data:,hello"]
    assert second["reason"] == OVERLAP_REASON and second["fetched"] == []
    assert [line for line in second["log"] if GUARD_LINE in line][0].count("first-job") == 1
    # Released at close: a later crawl of the site runs.
    results, _ = run_scenario("crawl", tmp_path / "state", "third-job")
    assert results["third-job"]["reason"] == "finished"


def test_other_sites_are_not_blocked(tmp_path, holder_process):
    state = tmp_path / "state"
    holder_process(state, job="holder-job", site="othersite")
    results, _ = run_scenario("crawl", state, "free-job")
    assert results["free-job"]["reason"] == "finished"


# --- the script side: crawls and a lock holder, each in its own process ------------------


def _crawl_main(scenario, state_dir, jobs):  # pragma: no cover (runs in a subprocess)
    import asyncio

    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    class ListHandler(logging.Handler):
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            self.lines.append(f"{record.levelname}: {record.getMessage()}")

    class DemoSpider(scrapy.Spider):
        name = "demo"
        delay = 0.0

        async def start(self):
            if self.delay:
                await asyncio.sleep(float(self.delay))
            yield scrapy.Request("data:,hello", callback=self.parse)

        def parse(self, response):
            yield {"body": response.text}

    settings = {
        "EXTENSIONS": {"newscrawl.extensions.overlap_guard.OverlapGuard": 0},
        "NEWSCRAWL_STATE_DIR": state_dir,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
    }
    process = CrawlerProcess(settings)
    results = []

    def track(crawler, job):
        handler = ListHandler()
        fetched = []
        result = {"job": job, "fetched": fetched, "log": handler.lines}

        def on_opened(spider):
            # Only this crawler's records: each crawler logs with its spider in `extra`.
            logging.getLogger().addHandler(handler)
            handler.addFilter(lambda r: getattr(r, "spider", spider) is spider)

        def on_closed(spider, reason):
            result["reason"] = reason
            result["stats"] = {
                k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int | str)
            }

        # weak=False: these closures have no other reference to keep them alive.
        crawler.signals.connect(on_opened, signals.spider_opened, weak=False)
        crawler.signals.connect(on_closed, signals.spider_closed, weak=False)
        crawler.signals.connect(
            lambda request, spider: fetched.append(request.url),
            signals.request_reached_downloader,
            weak=False,
        )
        results.append(result)

    first = process.create_crawler(DemoSpider)
    track(first, jobs[0])
    if scenario == "pair":
        second = process.create_crawler(DemoSpider)
        track(second, jobs[1])

        def start_second(spider):
            process.crawl(second, _job=jobs[1])

        first.signals.connect(start_second, signals.spider_opened, weak=False)
        process.crawl(first, _job=jobs[0], delay=1.0)
    else:
        process.crawl(first, _job=jobs[0])
    process.start()
    for result in results:
        print(json.dumps(result))


def _hold_main(state_dir, job, site):  # pragma: no cover (runs in a subprocess)
    lock = SiteLock(lock_path(state_dir, site))
    assert lock.acquire({"job": job, "pid": os.getpid(), "started_at": "2025-01-01T00:00:00+00:00"})
    print("locked", flush=True)
    sys.stdin.read()  # hold until killed or stdin closes


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1] == "hold":
        _hold_main(*sys.argv[2:5])
    else:
        _crawl_main(sys.argv[1], sys.argv[2], sys.argv[3:])
