"""newscrawl on a real Scrapyd: deploy, schedule, repeat (issue 4).

Starts the venv's ``scrapyd`` with the project's own scrapyd.conf (port and poll interval
changed) in a temporary folder, on a free 127.0.0.1 port with basic authentication; deploys the
project with ``scrapyd-deploy`` through the ``remote`` target of scrapy.cfg; runs
``japantimes`` against the offline snapshot; checks the feed of each job, its log, the overlap
guard and the incremental state shared between jobs. Scrapyd and the snapshot server are
stopped whatever happens. Nothing is installed: everything comes from requirements-dev.txt.

The stages build on each other through module-scoped fixtures, so any test can run alone.
"""

import base64
import configparser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROJECT = "newscrawl"
SPIDER = "japantimes"
USERNAME = "newscrawl-test"
PASSWORD = "s3cret:with:colons"
GUARD_LINE = "Overlap: site"
JOB_TIMEOUT = 90  # seconds for one job, start to finish
# "2025-01-01 12:00:00 [logger] ERROR: message": Scrapy's default log format.
ERROR_LINE = re.compile(r"^\S+ \S+ \[[^\]]+\] (ERROR|CRITICAL):", re.MULTILINE)

# Files the egg must carry (read through the package), and what it must not.
EGG_REQUIRED = (
    "newscrawl/settings.py",
    "newscrawl/spiders/japantimes.py",
    "newscrawl/spiders/news.py",
    "newscrawl/snapshot/generic/harbor-gazette/manifest.json",
    "newscrawl/snapshot/generic/northfield-tribune/expected.json",
    "newscrawl/extensions/overlap_guard.py",
    "newscrawl/snapshot/manifest.json",
    "newscrawl/snapshot/expected.json",
)
EGG_REQUIRED_PREFIXES = ("newscrawl/snapshot/site/", "newscrawl/schema/")
# What the deploy copy of the project leaves out: what a fresh clone does not have.
NOT_COPIED = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "output")
NOT_COPIED += (".pytest_cache", ".ruff_cache", ".newscrawl")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra):
    """This process's environment without anything that would steer the jobs from outside."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEWSCRAWL_", "SCRAPY_", "SCRAPYD_")) and k != "PYTHONPATH"
    }
    env.update(extra)
    return env


def stop_process_group(proc, timeout=15):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)
        except ProcessLookupError:
            pass
    # Jobs Scrapyd started are in the same group: make sure none is left either.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Scrapyd:
    """A running Scrapyd and a small client for its JSON API."""

    def __init__(self, folder, port, proc, log_path):
        self.folder, self.port, self.proc, self.log_path = folder, port, proc, log_path
        self.url = f"http://127.0.0.1:{port}/"

    def request(self, endpoint, data=None, auth=(USERNAME, PASSWORD)):
        """(HTTP status, decoded JSON or text) of a GET, or of a POST when ``data`` is given."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.url + endpoint, data=body)
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            req.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def api(self, endpoint, data=None):
        status, payload = self.request(endpoint, data)
        assert status == 200 and isinstance(payload, dict), (endpoint, status, payload)
        assert payload.get("status") == "ok", (endpoint, payload)
        return payload

    def schedule(self, *, args=(), settings=None):
        data = [("project", PROJECT), ("spider", SPIDER), *args]
        data += [("setting", f"{k}={v}") for k, v in (settings or {}).items()]
        return self.api("schedule.json", data)["jobid"]

    def wait_finished(self, job_ids, timeout=JOB_TIMEOUT):
        pending = set(job_ids)
        deadline = time.monotonic() + timeout
        while True:
            jobs = self.api(f"listjobs.json?project={PROJECT}")
            finished = {job["id"]: job for job in jobs["finished"]}
            if pending <= finished.keys():
                return {job_id: finished[job_id] for job_id in job_ids}
            assert self.proc.poll() is None, f"Scrapyd died:\n{self.tail()}"
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"jobs {sorted(pending - finished.keys())} not finished after {timeout}s: "
                    f"{json.dumps(jobs)[:2000]}"
                )
            time.sleep(0.3)

    def exited_cleanly(self, job_id):
        """Scrapyd's own log says the job's process exited 0 (monitors failing make it exit 1)."""
        out = self.log_path.read_text("utf-8", errors="replace")
        return f"Process finished: project={PROJECT!r} spider={SPIDER!r} job={job_id!r}" in out

    def job_log(self, job_id):
        return (self.folder / "logs" / PROJECT / SPIDER / f"{job_id}.log").read_text("utf-8")

    def tail(self, chars=4000):
        return self.log_path.read_text("utf-8", errors="replace")[-chars:]


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    # The project's scrapyd.conf, with only the port (and a quicker poll, so tests are fast).
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "scrapyd.conf")
    config["scrapyd"]["http_port"] = str(port)
    config["scrapyd"]["poll_interval"] = "0.5"
    with open(folder / "scrapyd.conf", "w") as f:
        config.write(f)
    log_path = folder / "scrapyd.out"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "scrapyd")],
            cwd=folder,
            # As deploy/run-scrapyd.sh does: credentials through the environment Scrapyd 1.6
            # reads; HOME moved so that no ~/.scrapyd.conf of the machine applies.
            env=clean_env(SCRAPYD_USERNAME=USERNAME, SCRAPYD_PASSWORD=PASSWORD, HOME=str(folder)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Scrapyd(folder, port, proc, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, f"Scrapyd exited:\n{server.tail()}"
            try:
                status, _ = server.request("daemonstatus.json")
                if status == 200:
                    break
            except (ConnectionError, urllib.error.URLError):
                pass
            assert time.monotonic() < deadline, f"Scrapyd did not answer:\n{server.tail()}"
            time.sleep(0.2)
        yield server
    finally:
        stop_process_group(proc)


@pytest.fixture(scope="module")
def egg(tmp_path_factory):
    """The egg scrapyd-deploy builds from a clean copy of the project (the tree stays untouched)."""
    folder = tmp_path_factory.mktemp("deploy")
    copy = folder / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(*NOT_COPIED),
    )
    path = folder / "newscrawl.egg"
    proc = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "--build-egg", str(path)],
        cwd=copy,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return copy, path


@pytest.fixture(scope="module")
def deployed(scrapyd, egg):
    copy, path = egg
    # The `remote` target of the project's scrapy.cfg: URL and credentials from the environment.
    proc = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "remote", "--egg", str(path), "--version", "100"],
        cwd=copy,
        env=clean_env(
            SCRAPYD_URL=scrapyd.url, SCRAPYD_USERNAME=USERNAME, SCRAPYD_PASSWORD=PASSWORD
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    response = json.loads(proc.stdout)
    assert response["status"] == "ok" and response["project"] == PROJECT, response
    return scrapyd


# --- the server, the config and the egg --------------------------------------------------


def test_shipped_scrapyd_conf():
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "scrapyd.conf")
    section = config["scrapyd"]
    assert section["bind_address"] == "127.0.0.1"
    assert section["items_dir"] == ""  # the project's per-job feeds apply
    assert {section["logs_dir"], section["eggs_dir"], section["dbs_dir"]} == {"logs", "eggs", "dbs"}
    assert 1 <= int(section["max_proc"]) <= 8
    # No secret in the repository: Scrapyd takes them from SCRAPYD_USERNAME/SCRAPYD_PASSWORD.
    assert section["username"] == "" and section["password"] == ""


def test_requests_without_credentials_get_401(scrapyd):
    for endpoint in ("daemonstatus.json", "listprojects.json", "schedule.json"):
        status, _ = scrapyd.request(endpoint, auth=None)
        assert status == 401, endpoint
    status, _ = scrapyd.request("daemonstatus.json", auth=(USERNAME, "wrong"))
    assert status == 401
    status, payload = scrapyd.request("daemonstatus.json")
    assert status == 200 and payload["status"] == "ok"


def test_egg_has_the_package_and_its_data_but_no_tests(egg):
    _, path = egg
    names = zipfile.ZipFile(path).namelist()
    missing = [name for name in EGG_REQUIRED if name not in names]
    assert not missing, missing
    for prefix in EGG_REQUIRED_PREFIXES:
        assert any(n.startswith(prefix) and not n.endswith(".py") for n in names), prefix
    assert not [n for n in names if n.startswith(("tests/", "bench/", "deploy/"))]
    site_files = {
        p.relative_to(ROOT).as_posix()
        for folder in ("newscrawl/snapshot/site", "newscrawl/snapshot/generic")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert site_files <= set(names), sorted(site_files - set(names))[:10]


def test_deploy_lists_project_and_spider(deployed):
    assert PROJECT in deployed.api("listprojects.json")["projects"]
    assert "100" in deployed.api(f"listversions.json?project={PROJECT}")["versions"]
    spiders = deployed.api(f"listspiders.json?project={PROJECT}")["spiders"]
    assert SPIDER in spiders and "news" in spiders


# --- crawls -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot():
    from newscrawl.snapshot.server import SnapshotServer

    server = SnapshotServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def expected():
    from newscrawl.snapshot import load_expected

    return load_expected()


@pytest.fixture(scope="module")
def crawl(deployed, snapshot, tmp_path_factory):
    """Schedules japantimes jobs on the snapshot; all jobs share one feed and one state folder."""
    folder = tmp_path_factory.mktemp("crawl")

    class Crawl:
        feed_dir = folder / "feeds"
        state_dir = folder / "state"

        def schedule(self, sections, max_pages, extra_settings=None):
            settings = {
                "NEWSCRAWL_MIRROR": snapshot.url,
                "NEWSCRAWL_FEED_DIR": str(self.feed_dir),
                "NEWSCRAWL_STATE_DIR": str(self.state_dir),
                **(extra_settings or {}),
            }
            args = [("sections", ",".join(sections)), ("max_pages", str(max_pages))]
            return deployed.schedule(args=args, settings=settings)

        def feed_path(self, job_id):
            return self.feed_dir / SPIDER / f"{SPIDER}_{job_id}.jsonl"

        def records(self, job_id):
            path = self.feed_path(job_id)
            if not path.exists():
                return []
            lines = path.read_text("utf-8").splitlines()
            return [json.loads(line) for line in lines if line.strip()]

        def feeds(self):
            """The feed files written so far (the crawl report lies beside them as .json)."""
            return sorted(p.name for p in (self.feed_dir / SPIDER).glob("*.jsonl"))

    return Crawl()


# The sections the scheduled jobs crawl: both site layouts, the tracking link, the bot wall,
# the article listed twice, a paywalled preview and the truncated page; not news/asia-pacific
# (its HTTP 500 page is the site's fault and is logged as such), which also shows that the
# `sections` argument is obeyed. Two listing pages each: all the snapshot has.
SECTIONS = ("news/national", "news/japan", "business")
MAX_PAGES = 2
# Compared record by record with the feed: every key the ground truth and the record share,
# except what the ground truth keeps for itself.
NOT_COMPARED = {"layout", "section_path", "image_count", "image_credits", "sources",
                "from_feed"}
# The two jobs of the overlap check fetch the snapshot slowly, so that whichever holds the site
# still holds it when the other starts, even if Scrapyd starts them one poll apart.
SLOW_MIRROR = {
    "DOWNLOAD_SLOTS": json.dumps(
        {"newscrawl-mirror": {"concurrency": 1, "delay": 0.5, "jitter": 0}}
    )
}


def log_stat(log, name):
    """A stat from the stats dump at the end of a Scrapy log, or None."""
    match = re.search(rf"'{re.escape(name)}': ([^,\n}}]+)", log)
    return match.group(1).strip().strip("'") if match else None


def finish_reason(log):
    match = re.search(r"Spider closed \(([^)]+)\)", log)
    return match.group(1) if match else None


@pytest.fixture(scope="module")
def first_run(deployed, crawl):
    job = crawl.schedule(SECTIONS, MAX_PAGES)
    deployed.wait_finished([job])
    return job


@pytest.fixture(scope="module")
def overlapping_runs(deployed, crawl, first_run):
    jobs = [crawl.schedule(SECTIONS, MAX_PAGES, SLOW_MIRROR) for _ in range(2)]
    deployed.wait_finished(jobs)
    return jobs


@pytest.fixture(scope="module")
def third_run(deployed, crawl, overlapping_runs):
    job = crawl.schedule(SECTIONS, MAX_PAGES)
    deployed.wait_finished([job])
    return job


def test_scheduled_job_exports_the_snapshot_articles(deployed, crawl, first_run, expected):
    log = deployed.job_log(first_run)
    assert finish_reason(log) == "finished", log[-3000:]
    assert deployed.exited_cleanly(first_run), deployed.tail()
    errors = [line for line in log.splitlines() if ERROR_LINE.match(line)]
    assert not errors, "\n".join(errors)
    # One feed for the job, named with its id.
    assert crawl.feeds() == [crawl.feed_path(first_run).name]

    records = crawl.records(first_run)
    by_url = {}
    for record in records:
        assert record["url"] not in by_url, f"exported twice: {record['url']}"
        by_url[record["url"]] = record
    from newscrawl.snapshot import expected_articles

    wanted = expected_articles(sections=SECTIONS)
    assert sorted(by_url) == sorted(a["url"] for a in wanted)
    for article in wanted:
        record = by_url[article["url"]]
        for key in sorted(set(article) & set(record) - NOT_COMPARED):
            # a field the page lacks comes from the feed that found the article
            want = article[key] if article[key] is not None else \
                article.get("from_feed", {}).get(key)
            assert record[key] == want, (article["url"], key)
        assert len(record.get("images") or []) == article["image_count"], article["url"]
    assert int(log_stat(log, "item_scraped_count")) == len(wanted)


def test_two_jobs_at_once_one_crawls_the_other_is_turned_away(deployed, crawl, overlapping_runs):
    logs = {job: deployed.job_log(job) for job in overlapping_runs}
    reasons = {job: finish_reason(log) for job, log in logs.items()}
    assert sorted(reasons.values()) == ["finished", "overlap"], reasons
    crawled = next(job for job, reason in reasons.items() if reason == "finished")
    guarded = next(job for job, reason in reasons.items() if reason == "overlap")

    assert int(log_stat(logs[crawled], "downloader/request_count") or 0) > 0
    # The guarded job: one clear line naming the job that holds the site; nothing fetched,
    # nothing exported, no error.
    lines = [line for line in logs[guarded].splitlines() if GUARD_LINE in line]
    assert len(lines) == 1, logs[guarded][-3000:]
    assert crawled in lines[0] and guarded in lines[0]
    assert log_stat(logs[guarded], "downloader/request_count") is None
    assert log_stat(logs[guarded], "newscrawl/overlap") == "1"
    assert crawl.records(guarded) == []
    assert all(deployed.exited_cleanly(job) for job in overlapping_runs), deployed.tail()
    assert not ERROR_LINE.search(logs[guarded]), logs[guarded][-3000:]


def test_next_run_exports_nothing_new(deployed, crawl, third_run):
    log = deployed.job_log(third_run)
    assert finish_reason(log) == "finished", log[-3000:]
    assert not ERROR_LINE.search(log), log[-3000:]
    # It did crawl (the listings), and the shared state made it skip or drop every article.
    assert int(log_stat(log, "downloader/request_count") or 0) > 0
    assert crawl.records(third_run) == []
    assert log_stat(log, "item_scraped_count") is None
    assert deployed.exited_cleanly(third_run), deployed.tail()
