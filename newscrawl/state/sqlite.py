"""Incremental state: what each site's earlier runs exported, in one SQLite file per site.

``<NEWSCRAWL_STATE_DIR>/<site>.sqlite3`` holds:

- ``articles``: one row per exported article, keyed by its normalised ``canonical_url``, with
  ``article_id``, ``content_hash``, ``modified_at``, ``published_at`` (and its epoch seconds for
  the recrawl window), first and last export time and run, and how often it was exported.
- ``urls``: the other normalised URLs an exported article was fetched under (when the page's
  canonical URL differs), pointing at the article. A request is looked up by ``articles``'
  key, then here.
- ``pending``: exports of a run that is still running. They become ``articles`` rows in one
  transaction once the run's feeds are stored (``commit_run``), so the state never claims an
  article that did not reach a stored feed.
- ``runs``: one row per committed run (start, end, finish reason, counts).
- ``claims``: per article, the version (content hash, ``modified_at``) last claimed for export
  and the run that claimed it. ``claim`` is one ``INSERT .. ON CONFLICT .. DO UPDATE .. WHERE``
  the version changed ``RETURNING``: atomic, so with several workers sharing one state
  (``newscrawl.state.postgres``) two of them never both export one article. A discarded run's
  claims go with it.

Safety: WAL journal with ``synchronous=FULL`` and every write in a transaction (staged
exports commit with ``NORMAL``: no fsync per article; still safe against kills). A process
killed mid-write leaves the database as it was before the transaction; a run killed before
its feeds were stored leaves only ``pending`` rows, which lookups ignore, so its articles are
fetched and exported again by the next run (at least once, never silently lost).

Memory: every lookup is an indexed query; nothing loads the URLs into memory. SQLite's page
cache is bounded (``cache_size``), so a process's memory does not grow with the state.
"""

import json
import os
import re
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

SCHEMA_VERSION = 2  # 2: claims, signal_ts
DB_SUFFIX = ".sqlite3"
# Page cache per connection, in KiB (negative = KiB for SQLite): bounded whatever the DB size.
CACHE_KIB = 8192

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    canonical_url     TEXT PRIMARY KEY,
    article_id        TEXT,
    content_hash      TEXT,
    modified_at       TEXT,
    published_at      TEXT,
    published_ts      REAL,
    first_exported_at TEXT NOT NULL,
    last_exported_at  TEXT NOT NULL,
    first_run         TEXT,
    last_run          TEXT,
    exports           INTEGER NOT NULL DEFAULT 1,
    signal_ts         REAL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_article_id ON articles (article_id)
    WHERE article_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (content_hash)
    WHERE content_hash IS NOT NULL;
CREATE TABLE IF NOT EXISTS urls (
    url           TEXT PRIMARY KEY,
    canonical_url TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending (
    run_id        TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    url           TEXT,
    article_id    TEXT,
    content_hash  TEXT,
    modified_at   TEXT,
    published_at  TEXT,
    published_ts  REAL,
    exported_at   TEXT NOT NULL,
    signal_ts     REAL,
    PRIMARY KEY (run_id, canonical_url)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    run_id        TEXT PRIMARY KEY,
    spider        TEXT,
    started_at    TEXT,
    finished_at   TEXT,
    finish_reason TEXT,
    fresh         INTEGER NOT NULL DEFAULT 0,
    exported      INTEGER NOT NULL DEFAULT 0,
    counts        TEXT
);
CREATE TABLE IF NOT EXISTS claims (
    canonical_url TEXT PRIMARY KEY,
    run_id        TEXT NOT NULL,
    crawl_id      TEXT,
    content_hash  TEXT,
    modified_at   TEXT,
    claimed_at    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_run ON claims (run_id);
"""

# Claim an article version for export: inserted, or taken over when the version differs, when
# the same run claims it again, or (a fresh run) when another crawl claimed it. RETURNING gives
# a row only when this run now holds the claim. Shared with the PostgreSQL backend.
CLAIM_SQL = (
    "INSERT INTO claims AS c (canonical_url, run_id, crawl_id, content_hash, modified_at, "
    "claimed_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT ({key}) DO UPDATE SET run_id = excluded.run_id, "
    "crawl_id = excluded.crawl_id, content_hash = excluded.content_hash, "
    "modified_at = excluded.modified_at, claimed_at = excluded.claimed_at "
    "WHERE c.run_id = excluded.run_id "
    "OR c.content_hash IS DISTINCT FROM excluded.content_hash "
    "OR c.modified_at IS DISTINCT FROM excluded.modified_at "
    "OR ({p} AND c.crawl_id IS DISTINCT FROM excluded.crawl_id) "
    "RETURNING run_id"
)

_ARTICLE_COLUMNS = (
    "canonical_url, article_id, content_hash, modified_at, published_at, published_ts, "
    "first_exported_at, last_exported_at, first_run, last_run, exports, signal_ts"
)
# Columns added since schema 1, added to older databases in place.
_MIGRATIONS = {
    "articles": {"signal_ts": "REAL"},
    "pending": {"signal_ts": "REAL"},
}


class ArticleState(NamedTuple):
    """What the state holds about one exported article."""

    canonical_url: str
    article_id: str | None
    content_hash: str | None
    modified_at: str | None
    published_at: str | None
    published_ts: float | None
    first_exported_at: str
    last_exported_at: str
    first_run: str | None
    last_run: str | None
    exports: int
    # The newest change signal (sitemap lastmod, feed date; epoch seconds) a source gave for
    # this article when it was last fetched: a later run fetches it again only for a newer one.
    signal_ts: float | None = None

    def known_as_of(self):
        """Epoch seconds of the newest change the state knows of: modified_at, published_at or
        the last change signal. A source's signal newer than this means the page changed."""
        stamps = [self.signal_ts, published_timestamp(self.modified_at), self.published_ts]
        return max((s for s in stamps if s is not None), default=None)


def utc_now_iso():
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def published_timestamp(value):
    """Epoch seconds of an ISO 8601 ``published_at``; None when it cannot be read.

    A date without a time counts as the end of that day: the recrawl window then errs towards
    fetching an article once more rather than missing its update.
    """
    if not value:
        return None
    text = str(value).strip()
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return (day + timedelta(days=1)).timestamp()
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def safe_site_name(site):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(site)).strip("._") or "site"


def state_path(state_dir, site):
    """The state database of one site."""
    return os.path.join(state_dir or ".newscrawl", safe_site_name(site) + DB_SUFFIX)


def site_name(spider):
    """The site a spider crawls: ``spider.site.name`` or a plain ``spider.site``, else its name."""
    site = getattr(spider, "site", None)
    name = getattr(site, "name", site) if site is not None else None
    return str(name or spider.name)


def is_fresh(spider):
    """``-a fresh=1``: this run ignores the state (and still records what it exports)."""
    value = getattr(spider, "fresh", False)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def crawler_store(crawler):
    """The crawler's state store (SQLite or PostgreSQL): see ``newscrawl.state``."""
    from newscrawl.state import crawler_store as _crawler_store

    return _crawler_store(crawler)


def list_sites(state_dir):
    """Sites that have a state database in ``state_dir``, sorted."""
    try:
        names = os.listdir(state_dir)
    except FileNotFoundError:
        return []
    return sorted(n[: -len(DB_SUFFIX)] for n in names if n.endswith(DB_SUFFIX))


def remove_state(state_dir, site):
    """Delete a site's database and its WAL files; True if there was one."""
    path = state_path(state_dir, site)
    existed = os.path.exists(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
    return existed


class StateStore:
    """One site's state database. Not thread-safe: use it from the reactor thread."""

    backend = "sqlite"

    def __init__(self, path, *, synchronous="FULL"):
        self.path = path
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.synchronous = synchronous
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.db.execute("PRAGMA busy_timeout=30000")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{path}: state schema {version} is newer than this code's")
        if version < SCHEMA_VERSION:
            # One transaction: a crash here leaves an empty file that is set up next time.
            with self.transaction() as db:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                for table, columns in _MIGRATIONS.items():
                    have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                    for column, kind in columns.items():
                        if column not in have:
                            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @classmethod
    def for_site(cls, state_dir, site, **kwargs):
        return cls(state_path(state_dir, site), **kwargs)

    def close(self):
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self, synchronous=None):
        """BEGIN IMMEDIATE .. COMMIT, ROLLBACK on any error.

        ``synchronous="NORMAL"``: this commit is not flushed to disk by itself. In WAL mode it
        still survives the process being killed (what the kill tests do); only an OS crash or
        power cut may lose it, and the next FULL commit flushes it with its own. For staged
        exports: one fsync per exported article would cap a crawl at the disk's fsync rate,
        and losing a staged row only means its article is exported again."""
        if synchronous:
            self.db.execute(f"PRAGMA synchronous={synchronous}")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        finally:
            if synchronous:
                self.db.execute(f"PRAGMA synchronous={self.synchronous}")

    # --- lookups ---------------------------------------------------------------------------

    def get(self, canonical_url):
        row = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return ArticleState(*row) if row else None

    def lookup_url(self, url):
        """The exported article a normalised URL (canonical or fetched) leads to, or None."""
        found = self.get(url)
        if found:
            return found
        row = self.db.execute(
            f"SELECT {_prefixed('a')} FROM urls u JOIN articles a "
            "ON a.canonical_url = u.canonical_url WHERE u.url = ?",
            (url,),
        ).fetchone()
        return ArticleState(*row) if row else None

    def find(self, canonical_url, article_id=None, content_hash=None):
        """The earlier export of this article and the key that found it, or (None, None).

        By canonical URL (or any URL it was reached under), then by the site's article id, then
        by the same body: an article exported before under another URL is the same article.
        """
        found = self.lookup_url(canonical_url)
        if found:
            return found, "canonical_url"
        if article_id:
            row = self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id = ? "
                "ORDER BY last_exported_at DESC LIMIT 1",
                (article_id,),
            ).fetchone()
            if row:
                return ArticleState(*row), "article_id"
        if content_hash:
            row = self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE content_hash = ? "
                "ORDER BY last_exported_at DESC LIMIT 1",
                (content_hash,),
            ).fetchone()
            if row:
                return ArticleState(*row), "content_hash"
        return None, None

    # --- writes ----------------------------------------------------------------------------

    def stage(self, run_id, record, exported_at=None):
        """Keep one exported article of a running run (durable, not yet visible to lookups).

        ``record``: canonical_url (required), url, article_id, content_hash, modified_at,
        published_at, signal_ts (the change signal its request carried, if any).
        """
        published_at = record.get("published_at")
        with self.transaction(synchronous="NORMAL"):
            self.db.execute(
                "INSERT OR REPLACE INTO pending (run_id, canonical_url, url, article_id, "
                "content_hash, modified_at, published_at, published_ts, exported_at, "
                "signal_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    record["canonical_url"],
                    record.get("url"),
                    record.get("article_id"),
                    record.get("content_hash"),
                    record.get("modified_at"),
                    published_at,
                    published_timestamp(published_at),
                    exported_at or utc_now_iso(),
                    record.get("signal_ts"),
                ),
            )

    def note_signal(self, canonical_url, signal_ts):
        """Remember a change signal that led to a fetch which found the article unchanged, so
        the same signal does not fetch it again next run. Committed at once: it only saves
        requests, and losing it costs one."""
        if not signal_ts:
            return
        with self.transaction(synchronous="NORMAL") as db:
            db.execute("UPDATE articles SET signal_ts = MAX(COALESCE(signal_ts, 0), ?) "
                       "WHERE canonical_url = ?", (signal_ts, canonical_url))

    def pending_runs(self, except_run=None):
        """The runs that have staged exports not yet committed (other than ``except_run``)."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT run_id FROM pending WHERE run_id IS NOT ?", (except_run,))]

    def pending_count(self, run_id=None):
        if run_id is None:
            return self.db.execute("SELECT COUNT(*) FROM pending").fetchone()[0]
        return self.db.execute(
            "SELECT COUNT(*) FROM pending WHERE run_id = ?", (run_id,)
        ).fetchone()[0]

    def commit_run(self, run_id, *, spider=None, started_at=None, finished_at=None,
                   finish_reason=None, fresh=False, counts=None, crawl_id=None):
        """Make a run's staged exports part of the state and record the run, atomically.
        (``crawl_id`` is kept by the PostgreSQL backend only: crawls span machines there.)

        Returns the number of articles committed.
        """
        with self.transaction() as db:
            # Claims of items that never reached the feed (nothing staged) are given back.
            db.execute("DELETE FROM claims WHERE run_id = ? AND canonical_url NOT IN "
                       "(SELECT canonical_url FROM pending WHERE run_id = ?)", (run_id, run_id))
            promoted = db.execute(
                "SELECT COUNT(*) FROM pending WHERE run_id = ?", (run_id,)
            ).fetchone()[0]
            db.execute(
                "INSERT INTO articles (canonical_url, article_id, content_hash, modified_at, "
                "published_at, published_ts, first_exported_at, last_exported_at, first_run, "
                "last_run, exports, signal_ts) "
                "SELECT canonical_url, article_id, content_hash, modified_at, published_at, "
                "published_ts, exported_at, exported_at, run_id, run_id, 1, signal_ts "
                "FROM pending WHERE run_id = ? "
                "ON CONFLICT (canonical_url) DO UPDATE SET "
                "article_id = COALESCE(excluded.article_id, articles.article_id), "
                "content_hash = excluded.content_hash, modified_at = excluded.modified_at, "
                "published_at = COALESCE(excluded.published_at, articles.published_at), "
                "published_ts = COALESCE(excluded.published_ts, articles.published_ts), "
                "last_exported_at = excluded.last_exported_at, last_run = excluded.last_run, "
                "exports = articles.exports + 1, "
                "signal_ts = COALESCE(excluded.signal_ts, articles.signal_ts)",
                (run_id,),
            )
            # Other URLs an article was fetched under (its canonical URL is the articles key).
            db.execute(
                "INSERT OR REPLACE INTO urls (url, canonical_url) "
                "SELECT url, canonical_url FROM pending "
                "WHERE run_id = ? AND url IS NOT NULL AND url != canonical_url",
                (run_id,),
            )
            db.execute("DELETE FROM pending WHERE run_id = ?", (run_id,))
            db.execute(
                "INSERT OR REPLACE INTO runs (run_id, spider, started_at, finished_at, "
                "finish_reason, fresh, exported, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    spider,
                    started_at,
                    finished_at or utc_now_iso(),
                    finish_reason,
                    int(bool(fresh)),
                    promoted,
                    json.dumps(counts or {}, sort_keys=True),
                ),
            )
        return promoted

    def has_run(self, run_id):
        """Whether the run was recorded (committed) already."""
        return self.db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() \
            is not None

    def discard_run(self, run_id):
        """Forget a run's staged exports and claims (its feeds were not stored)."""
        with self.transaction() as db:
            db.execute("DELETE FROM claims WHERE run_id = ?", (run_id,))
            return db.execute("DELETE FROM pending WHERE run_id = ?", (run_id,)).rowcount

    def claim(self, run_id, record, *, crawl_id=None, fresh=False):
        """Claim this version of an article for export by ``run_id``: None when claimed,
        else the run that holds the claim on the same version (then do not export it)."""
        with self.transaction(synchronous="NORMAL") as db:
            row = db.execute(
                CLAIM_SQL.format(p="?", key="canonical_url"),
                (record["canonical_url"], run_id, crawl_id or run_id,
                 record.get("content_hash"), record.get("modified_at"), utc_now_iso(),
                 int(bool(fresh))),
            ).fetchone()
            if row:
                return None
            holder = db.execute("SELECT run_id FROM claims WHERE canonical_url = ?",
                                (record["canonical_url"],)).fetchone()
        return holder[0] if holder else "?"

    def unclaim(self, run_id, canonical_url):
        """Give back a claim of ``run_id`` whose item was not exported after all."""
        with self.transaction(synchronous="NORMAL") as db:
            db.execute("DELETE FROM claims WHERE canonical_url = ? AND run_id = ?",
                       (canonical_url, run_id))

    # --- reporting -------------------------------------------------------------------------

    def article_count(self):
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def last_run(self):
        row = self.db.execute(
            "SELECT run_id, spider, started_at, finished_at, finish_reason, fresh, exported, "
            "counts FROM runs ORDER BY finished_at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        if not row:
            return None
        keys = ("run_id", "spider", "started_at", "finished_at", "finish_reason", "fresh",
                "exported", "counts")
        run = dict(zip(keys, row, strict=True))
        run["fresh"] = bool(run["fresh"])
        run["counts"] = json.loads(run["counts"] or "{}")
        return run

    def summary(self):
        """What ``scrapy state`` shows for this site."""
        return {
            "path": self.path,
            "articles": self.article_count(),
            "runs": self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0],
            # Exports of runs that ended before their feeds were stored (killed, crashed):
            # not in the state, so the next run exports those articles again.
            "uncommitted": self.pending_count(),
            "last_run": self.last_run(),
        }


def _prefixed(alias):
    return ", ".join(f"{alias}.{c.strip()}" for c in _ARTICLE_COLUMNS.split(","))
