"""The state stores (SQLite and PostgreSQL, the same tests) and the `scrapy state` command."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newscrawl.state.sqlite import (
    StateStore,
    list_sites,
    published_timestamp,
    remove_state,
    state_path,
)

ROOT = Path(__file__).resolve().parents[1]
URL = "https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"


def record(url=URL, **kw):
    rec = {
        "canonical_url": url,
        "url": url,
        "article_id": "2254010",
        "content_hash": "a" * 40,
        "modified_at": None,
        "published_at": "2020-02-18T18:07:56+09:00",
    }
    rec.update(kw)
    return rec


@pytest.fixture(params=["sqlite", "postgres", "postgres-async"])
def store(request, tmp_path):
    """Each backend-independent test runs on both backends (PostgreSQL: its own schema), and
    on PostgreSQL a second time with the per-article calls on the asynchronous connection a
    crawl uses (``AsyncPostgresStateStore``)."""
    if request.param == "sqlite":
        with StateStore.for_site(tmp_path, "japantimes") as s:
            yield s
        return
    from newscrawl.state.postgres import PostgresStateStore

    url, schema = request.getfixturevalue("postgres_schema")
    with PostgresStateStore(url, "japantimes", schema=schema) as s:
        if request.param == "postgres":
            yield s
            return
        with AsyncCalls(s) as both:
            yield both


class AsyncCalls:
    """A PostgreSQL store whose per-article calls (``HotCalls``) run on its asynchronous twin,
    each to completion on a private event loop; the rest goes to the synchronous store."""

    def __init__(self, store):
        import asyncio

        from newscrawl.state.postgres import AsyncPostgresStateStore, HotCalls

        self.store = store
        self.hot = {n for n, v in vars(HotCalls).items() if callable(v) and n[0] != "_"}
        self.loop = asyncio.new_event_loop()
        self.calls = AsyncPostgresStateStore(store.url, store.site, schema=store.schema)

    def __getattr__(self, name):
        if name not in self.hot:
            return getattr(self.store, name)
        method = getattr(self.calls, name)

        def call(*args, **kwargs):
            result = method(*args, **kwargs)
            return self.loop.run_until_complete(result) if result is not None else None

        return call

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.loop.run_until_complete(self.calls.aclose())
        self.loop.close()


@pytest.fixture
def sqlite_store(tmp_path):
    with StateStore.for_site(tmp_path, "japantimes") as s:
        yield s


def test_one_database_per_site_in_wal_mode(tmp_path):
    with StateStore.for_site(tmp_path, "japantimes") as s:
        assert s.path == str(tmp_path / "japantimes.sqlite3")
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        # staging commits without its own fsync, and leaves the connection FULL again
        s.stage("run1", {"canonical_url": "https://example.org/a", "published_at": None})
        assert s.db.execute("PRAGMA synchronous").fetchone()[0] == 2
    with StateStore.for_site(tmp_path, "other site/x"):
        pass
    assert list_sites(tmp_path) == ["japantimes", "other_site_x"]


def test_pending_runs_lists_runs_with_uncommitted_exports(store):
    assert store.pending_runs() == []
    store.stage("run1", record())
    store.stage("run2", record() | {"canonical_url": URL + "other/"})
    store.stage("run2", record() | {"canonical_url": URL + "third/"})
    assert sorted(store.pending_runs()) == ["run1", "run2"]
    assert store.pending_runs(except_run="run2") == ["run1"]
    store.commit_run("run1", spider="japantimes")
    assert store.pending_runs() == ["run2"]


def test_staged_exports_count_only_once_the_run_is_committed(store):
    fetched = "https://www.japantimes.co.jp/news/2020/02/18/national/masks-stolen/"
    store.stage("run1", record() | {"url": fetched})
    assert store.lookup_url(URL) is None
    assert store.pending_count("run1") == 1
    assert store.commit_run("run1", spider="japantimes", counts={"new": 1}) == 1
    assert store.pending_count() == 0
    known = store.lookup_url(URL)
    assert known.content_hash == "a" * 40
    assert known.first_run == known.last_run == "run1"
    assert known.exports == 1
    # the URL it was fetched from leads to it too
    assert store.lookup_url(fetched).canonical_url == URL
    run = store.last_run()
    assert run["run_id"] == "run1" and run["exported"] == 1 and run["counts"] == {"new": 1}


def test_a_later_export_updates_the_row_and_keeps_the_first(store):
    store.stage("run1", record())
    store.commit_run("run1")
    store.stage("run2", record(content_hash="b" * 40, modified_at="2020-02-19T10:00:00+09:00",
                               published_at=None, article_id=None))
    store.commit_run("run2")
    known = store.get(URL)
    assert (known.content_hash, known.modified_at) == ("b" * 40, "2020-02-19T10:00:00+09:00")
    assert (known.first_run, known.last_run, known.exports) == ("run1", "run2", 2)
    # what the new export did not know is kept
    assert known.published_at == "2020-02-18T18:07:56+09:00"
    assert known.article_id == "2254010"
    assert store.article_count() == 1


def test_find_by_canonical_url_then_article_id_then_content_hash(store):
    store.stage("run1", record())
    store.commit_run("run1")
    assert store.find(URL)[1] == "canonical_url"
    assert store.find("https://www.japantimes.co.jp/x/", "2254010")[1] == "article_id"
    assert store.find("https://www.japantimes.co.jp/x/", "999", "a" * 40)[1] == "content_hash"
    assert store.find("https://www.japantimes.co.jp/x/", "999", "c" * 40) == (None, None)


def test_discarded_run_leaves_no_trace(store):
    store.stage("run1", record())
    assert store.discard_run("run1") == 1
    store.commit_run("run2")
    assert store.article_count() == 0


def test_claim_is_atomic_per_version(store):
    """One article version is claimed by one run; another run gets it only when the version
    changed, when the holder's run is discarded, or (fresh) for another crawl."""
    assert store.claim("w1", record(), crawl_id="c1") is None
    assert store.claim("w1", record(), crawl_id="c1") is None  # the same run again
    assert store.claim("w2", record(), crawl_id="c1") == "w1"
    assert store.claim("w2", record(), crawl_id="c2", fresh=True) is None  # fresh, other crawl
    assert store.claim("w1", record(), crawl_id="c1") == "w2"
    assert store.claim("w1", record(content_hash="b" * 40), crawl_id="c1") is None
    store.stage("w1", record(content_hash="b" * 40))
    store.discard_run("w1")  # its feed was never stored: the claim goes with it
    assert store.claim("w3", record(content_hash="b" * 40), crawl_id="c3") is None
    store.unclaim("w3", URL)
    assert store.claim("w4", record(content_hash="b" * 40), crawl_id="c3") is None


def test_claims_of_concurrent_workers_never_overlap(store, tmp_path):
    """Two connections claim the same 200 articles in interleaved order: each is claimed once."""
    if store.backend == "sqlite":
        other = StateStore.for_site(tmp_path, "japantimes")
    else:
        from newscrawl.state.postgres import PostgresStateStore

        other = PostgresStateStore(store.url, "japantimes", schema=store.schema)
    urls = [f"{URL}{i}/" for i in range(200)]
    won = {"a": 0, "b": 0}
    with other:
        for i, url in enumerate(urls):
            order = (("a", store), ("b", other)) if i % 2 else (("b", other), ("a", store))
            for name, s in order:
                if s.claim("run-" + name, record(url), crawl_id="c") is None:
                    won[name] += 1
    assert won["a"] + won["b"] == 200 and won["a"] == won["b"] == 100


def test_claims_racing_in_threads_never_overlap(postgres_schema):
    """Four PostgreSQL connections in four threads claim the same 300 articles at once: every
    article is claimed by exactly one of them."""
    import threading

    from newscrawl.state.postgres import PostgresStateStore

    url, schema = postgres_schema
    urls = [f"{URL}{i}/" for i in range(300)]
    won = {}
    barrier = threading.Barrier(4)

    def worker(name):
        with PostgresStateStore(url, "japantimes", schema=schema) as s:
            barrier.wait()
            won[name] = [u for u in urls if s.claim(name, record(u), crawl_id="c") is None]

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    claimed = [u for name in won for u in won[name]]
    assert len(won) == 4
    assert sorted(claimed) == sorted(urls)


def test_published_timestamp():
    assert published_timestamp("2020-02-18T18:07:56+09:00") == 1582016876.0
    assert published_timestamp("2020-02-18T09:07:56Z") == 1582016876.0
    # a date alone counts as the end of that day (UTC): recrawled rather than missed
    assert published_timestamp("2020-02-18") == 1582070400.0
    assert published_timestamp("18 Feb 2020") is None
    assert published_timestamp(None) is None


def test_a_process_killed_mid_write_loses_nothing_committed(tmp_path):
    """SIGKILL-like death (os._exit) inside a write transaction: what was committed stays,
    the half-done write is rolled back, the file is intact."""
    code = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from newscrawl.state.sqlite import StateStore
        s = StateStore.for_site({str(tmp_path)!r}, "japantimes")
        s.stage("run1", {{"canonical_url": "https://example.org/a", "published_at": None}})
        s.commit_run("run1")
        s.stage("run2", {{"canonical_url": "https://example.org/b", "published_at": None}})
        with s.transaction() as db:
            db.execute("DELETE FROM articles")
            db.execute("INSERT INTO urls VALUES ('https://example.org/zzz', 'x')")
            os._exit(9)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    with StateStore.for_site(tmp_path, "japantimes") as s:
        assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert s.get("https://example.org/a") is not None
        assert s.lookup_url("https://example.org/zzz") is None
        # run2 never committed: its export is not claimed, so the next run exports it again
        assert s.lookup_url("https://example.org/b") is None
        assert s.summary()["uncommitted"] == 1


def test_remove_state(tmp_path):
    with StateStore.for_site(tmp_path, "japantimes") as s:
        s.commit_run("r")
    assert remove_state(tmp_path, "japantimes")
    assert not os.path.exists(state_path(tmp_path, "japantimes"))
    assert not os.path.exists(state_path(tmp_path, "japantimes") + "-wal")
    assert not remove_state(tmp_path, "japantimes")


def scrapy_state(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "state", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_scrapy_state_shows_and_resets(tmp_path):
    with StateStore.for_site(tmp_path, "japantimes") as s:
        s.stage("run-42", record())
        s.commit_run("run-42", spider="japantimes", started_at="2026-01-01T00:00:00Z",
                     finish_reason="finished", counts={"exported": 1, "new": 1})
    shown = scrapy_state(tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "japantimes: 1 articles recorded, 1 runs" in shown.stdout
    assert "last run run-42" in shown.stdout
    as_json = json.loads(scrapy_state(tmp_path, "--json").stdout)
    assert as_json["sites"]["japantimes"]["articles"] == 1

    reset = scrapy_state(tmp_path, "--reset", "japantimes")
    assert reset.returncode == 0, reset.stderr
    assert "japantimes: state removed" in reset.stdout
    assert not os.path.exists(state_path(tmp_path, "japantimes"))
    assert "no state yet" in scrapy_state(tmp_path).stdout


def test_scrapy_state_reset_refuses_while_the_site_is_crawled(tmp_path):
    from newscrawl.extensions.overlap_guard import SiteLock, lock_path

    with StateStore.for_site(tmp_path, "japantimes") as s:
        s.commit_run("r")
    lock = SiteLock(lock_path(str(tmp_path), "japantimes"))
    assert lock.acquire({"job": "test"})
    try:
        reset = scrapy_state(tmp_path, "--reset", "japantimes")
    finally:
        lock.release()
    assert reset.returncode == 1
    assert os.path.exists(state_path(tmp_path, "japantimes"))


def test_lookups_use_indexes_not_scans(sqlite_store):
    """Memory stays flat because every lookup is an index search (see bench/state.py)."""
    plans = [
        sqlite_store.db.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()
        for sql, args in [
            ("SELECT * FROM urls u JOIN articles a ON a.canonical_url = u.canonical_url "
             "WHERE u.url = ?", ("x",)),
            ("SELECT * FROM articles WHERE article_id = ?", ("x",)),
            ("SELECT * FROM articles WHERE content_hash = ?", ("x",)),
        ]
    ]
    for plan in plans:
        details = " ".join(row[-1] for row in plan)
        assert "SCAN" not in details, details


def test_newer_schema_is_refused(tmp_path):
    path = state_path(tmp_path, "japantimes")
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(RuntimeError):
        StateStore(path)


def test_a_schema_1_database_gains_the_signal_column_and_keeps_its_rows(tmp_path):
    import sqlite3

    path = tmp_path / "japantimes.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE articles (canonical_url TEXT PRIMARY KEY, article_id TEXT,
            content_hash TEXT, modified_at TEXT, published_at TEXT, published_ts REAL,
            first_exported_at TEXT NOT NULL, last_exported_at TEXT NOT NULL, first_run TEXT,
            last_run TEXT, exports INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;
        CREATE TABLE pending (run_id TEXT NOT NULL, canonical_url TEXT NOT NULL, url TEXT,
            article_id TEXT, content_hash TEXT, modified_at TEXT, published_at TEXT,
            published_ts REAL, exported_at TEXT NOT NULL,
            PRIMARY KEY (run_id, canonical_url)) WITHOUT ROWID;
        INSERT INTO articles VALUES ('https://x/a/', '1', 'sha256:aa', NULL,
            '2020-02-18T18:07:56+09:00', 1582016876.0, '2026-01-01T00:00:00Z',
            '2026-01-01T00:00:00Z', 'r1', 'r1', 1);
        PRAGMA user_version=1;
    """)
    db.close()
    with StateStore(str(path)) as store:
        known = store.get("https://x/a/")
        assert known.content_hash == "sha256:aa" and known.signal_ts is None
        assert known.known_as_of() == 1582016876.0
        store.stage("r2", {"canonical_url": "https://x/a/", "content_hash": "sha256:bb",
                           "signal_ts": 1700000000.0})
        store.commit_run("r2")
        assert store.get("https://x/a/").signal_ts == 1700000000.0
        assert store.get("https://x/a/").known_as_of() == 1700000000.0
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == 2


def test_a_change_signal_is_kept_with_the_export_and_noted_when_unchanged(store):
    url = "https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/masks/"
    store.stage("r1", {"canonical_url": url, "content_hash": "sha256:aa",
                       "published_at": "2020-02-18T18:07:56+09:00", "signal_ts": 1700000000.0})
    store.commit_run("r1")
    known = store.get(url)
    assert known.signal_ts == 1700000000.0 and known.known_as_of() == 1700000000.0
    store.note_signal(url, 1800000000.0)
    store.note_signal(url, 1750000000.0)  # an older signal never moves it back
    assert store.get(url).signal_ts == 1800000000.0
    # an export without a signal keeps the one the state has
    store.stage("r2", {"canonical_url": url, "content_hash": "sha256:bb"})
    store.commit_run("r2")
    assert store.get(url).signal_ts == 1800000000.0
