"""WARC end to end: archive a real crawl of the snapshot, read it back with warcio, re-extract it
with `scrapy reextract`, replay it with `python -m newscrawl.snapshot serve --warc`, crawl
through the replay, and pick up a selector fix from an archive of a crawl that had it wrong.

Every crawl is a `scrapy crawl` subprocess against the snapshot server on loopback.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from warcio.archiveiterator import ArchiveIterator

from newscrawl import __version__
from newscrawl.items import ARTICLE_KEYS
from newscrawl.snapshot import SECTIONS, expected_articles, load_expected
from newscrawl.snapshot.server import Snapshot, SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "newscrawl" / "schema" / "article.schema.json").read_text("utf-8"))
# every article the sections reach through feeds, sitemaps and listings
EXPECTED = expected_articles(sections=SECTIONS)
SPECIAL = load_expected()["special"]
MAX_BYTES = 200_000  # the snapshot crawl's ~680 KB of WARC: four or five files


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    env.update(extra)
    return env


def scrapy(*args, cwd=ROOT, env=None, timeout=180):
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd,
                          env=env or clean_env(), capture_output=True, text=True,
                          timeout=timeout)


def crawl(server_url, tmp, *settings, cwd=ROOT, env=None):
    return scrapy("crawl", "japantimes", "-a", "sections=" + ",".join(SECTIONS),
                  "-s", f"NEWSCRAWL_MIRROR={server_url}",
                  "-s", f"NEWSCRAWL_FEED_DIR={tmp / 'output'}",
                  "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'state'}",
                  "-s", "NEWSCRAWL_RETRY_BACKOFF=0", *settings, cwd=cwd, env=env)


def feed_of(directory):
    feeds = sorted(Path(directory).rglob("*.jsonl"))
    assert len(feeds) == 1, feeds
    records = [json.loads(line) for line in feeds[0].read_text("utf-8").splitlines()]
    report = json.loads(feeds[0].with_name(
        feeds[0].name.removesuffix(".jsonl") + ".report.json").read_text("utf-8"))
    return records, report


def read_report(feed):
    return json.loads(Path(str(feed).removesuffix(".jsonl") + ".report.json").read_text())


def by_url(records):
    out = {r["url"]: r for r in records}
    assert len(out) == len(records), "a URL twice"
    return out


def records_of(path):
    """Every record of a WARC file: (offset, type, WARC headers, HTTP headers, payload)."""
    out = []
    with open(path, "rb") as f:
        iterator = ArchiveIterator(f, check_digests=True)
        for record in iterator:
            payload = record.content_stream().read()
            out.append((iterator.get_record_offset(), record.rec_type, record.rec_headers,
                        record.http_headers, payload))
            assert record.digest_checker.passed is not False, (path, record.rec_headers)
    return out


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("warc")
    with SnapshotServer() as server:
        proc = crawl(server.url, tmp, "-s", f"NEWSCRAWL_WARC_DIR={tmp / 'warc'}",
                     "-s", f"NEWSCRAWL_WARC_MAX_BYTES={MAX_BYTES}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    records, report = feed_of(tmp / "output")
    return tmp, records, report


def test_the_archive_holds_every_response_with_its_request_and_warcinfo(archived):
    tmp, _, report = archived
    files = sorted((tmp / "warc").iterdir())
    assert not [f for f in files if f.name.endswith(".open")], "a file left open"
    assert len(files) >= 3, "NEWSCRAWL_WARC_MAX_BYTES did not rotate the files"
    run = report["run_id"]
    assert [f.name for f in files] == [f"japantimes_{run}-{i:05d}.warc.gz"
                                       for i in range(len(files))]
    assert report["archive"]["written"]["files"] == [f.name for f in files]
    snapshot = Snapshot()
    responses, requests, discovered = {}, {}, {}
    for file in files:
        records = records_of(file)
        offset, kind, headers, _, payload = records[0]
        assert (offset, kind) == (0, "warcinfo")
        assert headers.get_header("WARC-Filename") == file.name
        info = payload.decode()
        assert f"software: newscrawl/{__version__}" in info
        assert f"newscrawl-run-id: {run}" in info
        for _, kind, headers, http, payload in records[1:]:
            assert headers.protocol == "WARC/1.1"
            url = headers.get_header("WARC-Target-URI")
            assert url.startswith("https://www.japantimes.co.jp/"), url  # never the mirror's
            if kind == "response":
                responses.setdefault(url, []).append((headers, http, payload))
            elif kind == "metadata":
                # what the feed or sitemap that found an article said of it
                found = json.loads(payload)
                discovered[headers.get_header("WARC-Concurrent-To")] = found
            else:
                assert kind == "request"
                requests[headers.get_header("WARC-Concurrent-To")] = http
    # robots.txt, every listing page, every article page, the retried 500s
    assert "https://www.japantimes.co.jp/robots.txt" in responses
    assert sum(len(v) for v in responses.values()) == report["archive"]["written"]["responses"]
    for article in EXPECTED:
        (headers, http, payload), = responses[article["url"]]
        assert http.get_statuscode() == "200" and http.protocol == "HTTP/1.1"
        assert http.get_header("Content-Type").startswith("text/html")
        # the body as the server sent it, byte for byte
        _, entry = snapshot.resolve(article["url"])
        assert payload == snapshot.read(entry)
        request = requests[headers.get_header("WARC-Record-ID")]
        assert "GET /" in f"{request.protocol} {request.statusline}"
        assert request.get_header("Host") == "www.japantimes.co.jp"
        assert request.get_header("User-Agent").startswith("newscrawl/")
    assert [h[1].get_statuscode() for h in responses[SPECIAL["server_error"]]] == ["500"] * 3
    # the feed-only article's credit is in the feed, not on its page: kept beside its response
    feed_only = load_expected()["discovery"]["cases"]["feed_only"]
    (headers, _, _), = responses[feed_only]
    found = discovered[headers.get_header("WARC-Record-ID")]
    assert found["newscrawl_discovery"]["credit"] == "Kyodo"
    assert found["newscrawl_source"].startswith("feed:")


def test_every_record_names_the_response_record_it_came_from(archived):
    tmp, records, _ = archived
    validator = Draft202012Validator(SCHEMA)
    assert len(records) == len(EXPECTED)
    for record in records:
        assert tuple(record) == ARTICLE_KEYS
        assert list(validator.iter_errors(record)) == []
        archive = record["archive"]
        with open(tmp / "warc" / archive["warc_file"], "rb") as f:
            f.seek(archive["offset"])
            warc = next(iter(ArchiveIterator(f)))
            assert warc.rec_type == "response"
            assert warc.rec_headers.get_header("WARC-Record-ID") == archive["record_id"]
            assert warc.rec_headers.get_header("WARC-Target-URI") == record["url"]
            assert warc.rec_headers.get_header("WARC-Date")[:19] + "Z" == record["crawled_at"]


def test_reextract_gives_the_same_records_pointing_at_the_archive(archived, tmp_path):
    tmp, records, _ = archived
    files = sorted(str(f) for f in (tmp / "warc").iterdir())
    proc = scrapy("reextract", *files, "--fresh", "-O", str(tmp_path / "again.jsonl"),
                  "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}",
                  "-s", f"NEWSCRAWL_WARC_DIR={tmp / 'warc'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = [json.loads(line) for line in (tmp_path / "again.jsonl").read_text().splitlines()]
    crawled, reextracted = by_url(records), by_url(again)
    assert sorted(crawled) == sorted(reextracted)
    for url, record in crawled.items():
        for key in ARTICLE_KEYS:  # crawled_at and archive too: both are the record's
            assert reextracted[url][key] == record[key], (url, key)
    report = read_report(tmp_path / "again.jsonl")
    read = report["archive"]["read"]
    # 8 listing pages and the 3 answers of absent feeds and sitemap (404 pages); robots.txt
    # (twice: Scrapy's and the spider's for its Sitemap: lines), 3 feeds and 5 sitemaps are
    # not HTML; two retried pages kept their last answer
    assert read["skipped"] == {"not_article_url": 11, "not_html": 10, "superseded": 4}
    assert read["truncated"] == []
    assert report["dropped"]["by_reason"] == {"truncated": 1}
    assert report["pages"]["botwall"] == 1
    assert [p["url"] for p in report["failed_pages"]] == [SPECIAL["server_error"]]
    assert "WARC read: 35 article responses" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_reextract_with_the_crawls_state_exports_nothing_twice(archived, tmp_path):
    tmp, _, _ = archived
    state = tmp_path / "state"
    shutil.copytree(tmp / "state", state)
    files = sorted(str(f) for f in (tmp / "warc").iterdir())
    proc = scrapy("reextract", *files, "--spider", "japantimes",
                  "-s", f"NEWSCRAWL_FEED_DIR={tmp_path / 'out'}",
                  "-s", f"NEWSCRAWL_STATE_DIR={state}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    records, report = feed_of(tmp_path / "out")
    assert records == []
    assert report["articles"]["unchanged"] == len(EXPECTED)
    assert report["spider"] == "japantimes"


def test_a_crawl_through_the_replay_gets_the_same_records(archived, tmp_path):
    tmp, records, _ = archived
    files = sorted(str(f) for f in (tmp / "warc").iterdir())
    server = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.snapshot", "serve", "--warc", *files, "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())
    try:
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        proc = crawl(url, tmp_path)
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0
        server.stdout.close()
        server.stderr.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    replayed, report = feed_of(tmp_path / "output")
    crawled, replayed = by_url(records), by_url(replayed)
    assert sorted(crawled) == sorted(replayed)
    for url, record in crawled.items():
        for key in set(ARTICLE_KEYS) - {"crawled_at", "archive"}:
            assert replayed[url][key] == record[key], (url, key)
        assert replayed[url]["archive"] is None  # this crawl did not archive
    # the same answers: three 500s for the server error, the bot wall, the cut page
    # the bot wall, the absent feeds and sitemap, the 500 with its retries
    assert report["http_errors"] == {"403": 1, "404": 3, "500": 3}
    assert report["dropped"]["by_reason"] == {"truncated": 1}


def project_copy(dest):
    """The project's files (git's list, without tests) in ``dest``: a project to break."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in files:
        if name.startswith(("tests/", "bench/", "deploy/", "docs/")):
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


def test_reextraction_picks_up_a_fixed_selector(tmp_path):
    # The site module as it was before a fix: the WordPress layout's related-stories box
    # (its story links) is not stripped from the body.
    old = project_copy(tmp_path / "old")
    site = old / "newscrawl" / "sites" / "japantimes.py"
    text = site.read_text()
    fixed = '"related_stories": ("div.content-related-stories", "div.related-stories"),'
    assert fixed in text
    site.write_text(text.replace(fixed, '"related_stories": ("div.related-stories",),'))
    with SnapshotServer() as server:
        # NEWSCRAWL_WARC_DIR from the environment, as cron and Scrapyd give it
        proc = crawl(server.url, tmp_path, cwd=old,
                     env=clean_env(NEWSCRAWL_WARC_DIR=str(tmp_path / "warc")))
    assert proc.returncode == 0, proc.stderr[-3000:]
    broken, _ = feed_of(tmp_path / "output")
    expected = {a["url"]: a for a in EXPECTED}
    leaked = {r["url"] for r in broken if r["paragraphs"] != expected[r["url"]]["paragraphs"]}
    assert len(leaked) >= 5, "the broken selector should have leaked related stories"
    # Today's code (the fix) over that archive, with the broken crawl's state: the fixed
    # articles are exported again as updated, the others are unchanged.
    files = sorted(str(f) for f in (tmp_path / "warc").iterdir())
    proc = scrapy("reextract", *files, "-s", f"NEWSCRAWL_FEED_DIR={tmp_path / 'fixed'}",
                  "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    fixed_records, report = feed_of(tmp_path / "fixed")
    assert {r["url"] for r in fixed_records} == leaked
    assert report["articles"]["updated"] == len(leaked)
    assert report["articles"]["unchanged"] == len(EXPECTED) - len(leaked)
    for record in fixed_records:
        assert record["paragraphs"] == expected[record["url"]]["paragraphs"]
        assert record["archive"]["warc_file"] in files  # outside NEWSCRAWL_WARC_DIR: as given


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_crawl_leaves_readable_records_and_the_next_run_closes_them(tmp_path):
    warc = tmp_path / "warc"
    feed = tmp_path / "output"
    args = [sys.executable, "-m", "scrapy", "crawl", "japantimes",
            "-a", "sections=" + ",".join(SECTIONS),
            "-s", f"NEWSCRAWL_FEED_DIR={feed}", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 's'}",
            "-s", f"NEWSCRAWL_WARC_DIR={warc}"]
    with SnapshotServer(faults="slow=1,max_per_path=none,slow_seconds=1.0") as server:
        log = open(tmp_path / "crawl.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([*args, "-s", f"NEWSCRAWL_MIRROR={server.url}"], cwd=ROOT,
                                stdout=log, stderr=log, env=clean_env())
        try:
            def exported_some():
                return any(p.stat().st_size > 0 for p in feed.rglob("*.part"))
            assert wait_for(exported_some, 60), "no article reached the feed"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            log.close()
        open_files = sorted(warc.glob("*.warc.gz.open"))
        assert len(open_files) == 1 and not list(warc.glob("*.warc.gz"))
        # every record the (unstored) feed names is complete in the open file
        part = next(feed.rglob("*.part"))
        named = [json.loads(line)["archive"] for line in part.read_text().splitlines()
                 if line.endswith("}")]
        assert named
        with open(open_files[0], "rb") as f:
            ids = {}
            iterator = ArchiveIterator(f)
            for record in iterator:
                if record.rec_type == "response":
                    body = record.content_stream().read()
                    ids[record.rec_headers.get_header("WARC-Record-ID")] = (
                        iterator.get_record_offset(), b"</html>" in body)
        for archive in named:
            assert ids[archive["record_id"]] == (archive["offset"], True)
        # the next run (left alone) closes the dead run's file, then writes its own
        proc = subprocess.run([*args, "-s", f"NEWSCRAWL_MIRROR={server.url}"], cwd=ROOT,
                              env=clean_env(), capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "WARC file of a killed run closed" in proc.stderr
    assert not list(warc.glob("*.open"))
    closed = open_files[0].with_name(open_files[0].name.removesuffix(".open"))
    assert closed.exists()
    records_of(closed)  # reads to the end without error, every digest right
