"""Two Scrapyd nodes, one distributed crawl: deploy/schedule-distributed.sh schedules one job on
each (two real ``scrapyd`` processes on two loopback ports), both jobs share one crawl id, one
Redis and one PostgreSQL, and the union of their feeds holds every article of the snapshot once.

Redis and PostgreSQL come from the environment (conftest.py); both Scrapyd processes and the
snapshot server are stopped by pid whatever happens.
"""

import configparser
import json
import os
import subprocess
import time
import urllib.error
from collections import Counter

import pytest
from test_scrapyd import (  # noqa: F401  (egg is a fixture)
    BIN,
    PASSWORD,
    PROJECT,
    ROOT,
    SPIDER,
    USERNAME,
    Scrapyd,
    clean_env,
    egg,
    free_port,
    stop_process_group,
)

from newscrawl.snapshot import SECTIONS, expected_articles
from newscrawl.snapshot.server import SnapshotServer

EXPECTED = {a["url"] for a in expected_articles(sections=SECTIONS)}


def start_scrapyd(folder, env):
    port = free_port()
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "scrapyd.conf")
    config["scrapyd"]["http_port"] = str(port)
    config["scrapyd"]["poll_interval"] = "0.5"
    folder.mkdir(parents=True)
    with open(folder / "scrapyd.conf", "w") as f:
        config.write(f)
    log_path = folder / "scrapyd.out"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "scrapyd")], cwd=folder,
            env=clean_env(SCRAPYD_USERNAME=USERNAME, SCRAPYD_PASSWORD=PASSWORD,
                          HOME=str(folder), **env),
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    node = Scrapyd(folder, port, proc, log_path)
    deadline = time.monotonic() + 30
    while True:
        assert proc.poll() is None, f"Scrapyd exited:\n{node.tail()}"
        try:
            if node.request("daemonstatus.json")[0] == 200:
                return node
        except (ConnectionError, urllib.error.URLError):
            pass
        assert time.monotonic() < deadline, f"Scrapyd did not answer:\n{node.tail()}"
        time.sleep(0.2)


def deploy(node, built):
    copy, path = built
    proc = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "remote", "--egg", str(path), "--version", "100"],
        cwd=copy, capture_output=True, text=True, timeout=120,
        env=clean_env(SCRAPYD_URL=node.url, SCRAPYD_USERNAME=USERNAME,
                      SCRAPYD_PASSWORD=PASSWORD))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_two_scrapyd_nodes_share_one_crawl_exactly_once(tmp_path, egg, redis_crawl,  # noqa: F811
                                                       postgres_schema):
    redis_url, crawl_id = redis_crawl
    pg_url, schema = postgres_schema
    feeds = tmp_path / "feeds"
    nodes = []
    with SnapshotServer(latency=0.3) as server:
        try:
            for name in ("node1", "node2"):
                # What a node's Scrapyd environment holds (deploy/newscrawl.env.example).
                nodes.append(start_scrapyd(tmp_path / name, {
                    "NEWSCRAWL_REDIS_URL": redis_url, "NEWSCRAWL_STATE_URL": pg_url,
                    "NEWSCRAWL_STATE_SCHEMA": schema, "NEWSCRAWL_FEED_DIR": str(feeds),
                    "NEWSCRAWL_MIRROR": server.url, "NEWSCRAWL_IDLE_WAIT": "1",
                    "NEWSCRAWL_MAX_DROPPED_PERCENT": "10"}))
            for node in nodes:
                deploy(node, egg)
            scheduled = subprocess.run(
                [str(ROOT / "deploy" / "schedule-distributed.sh"), SPIDER,
                 "sections=" + ",".join(SECTIONS)],
                capture_output=True, text=True, timeout=120,
                env={**clean_env(), "SCRAPYD_NODES": " ".join(n.url for n in nodes),
                     "SCRAPYD_USERNAME": USERNAME, "SCRAPYD_PASSWORD": PASSWORD,
                     "NEWSCRAWL_CRAWL_ID": crawl_id, "NEWSCRAWL_PROJECT": PROJECT})
            assert scheduled.returncode == 0, scheduled.stdout + scheduled.stderr
            assert scheduled.stdout.strip().splitlines()[-1] == f"crawl {crawl_id}"
            jobs = [json.loads(line)["jobid"] for line in scheduled.stdout.splitlines()
                    if line.startswith("{")]
            assert len(jobs) == 2
            for node, job in zip(nodes, jobs, strict=True):
                node.wait_finished([job], timeout=120)
            for node, job in zip(nodes, jobs, strict=True):
                assert node.exited_cleanly(job), node.job_log(job)[-3000:]
                log = node.job_log(job)
                assert f"Distributed crawl {crawl_id}: worker {crawl_id}.{job} joined" in log
        finally:
            for node in nodes:
                stop_process_group(node.proc)
    urls, torn = Counter(), 0
    files = sorted(feeds.rglob("*.jsonl"))
    assert sorted(f.name for f in files) == sorted(
        f"{SPIDER}_{crawl_id}.{job}.jsonl" for job in jobs)
    for feed in files:
        for line in feed.read_bytes().splitlines():
            try:
                urls[json.loads(line)["url"]] += 1
            except ValueError:
                torn += 1
    assert torn == 0
    assert {u: n for u, n in urls.items() if n > 1} == {}, "duplicates"
    assert set(urls) == EXPECTED


@pytest.mark.skipif(not os.access(ROOT / "deploy" / "schedule-distributed.sh", os.X_OK),
                    reason="the script must be executable")
def test_schedule_distributed_needs_its_nodes():
    proc = subprocess.run([str(ROOT / "deploy" / "schedule-distributed.sh")],
                          capture_output=True, text=True, env=clean_env(), timeout=30)
    assert proc.returncode == 2 and "SCRAPYD_NODES" in proc.stderr
