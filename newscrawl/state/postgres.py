"""Incremental state in PostgreSQL: one state shared by every worker of a distributed crawl.

The same tables and the same guarantees as ``newscrawl.state.sqlite`` (read its docstring),
with a ``site`` column in every key instead of one file per site, in the schema
``NEWSCRAWL_STATE_SCHEMA`` (default ``newscrawl``), plus ``run_locks`` for the overlap guard
across machines. Selected by ``NEWSCRAWL_STATE_URL=postgresql://...`` (``newscrawl.state``).

- ``claim`` is one ``INSERT .. ON CONFLICT .. DO UPDATE .. WHERE`` the version changed
  ``RETURNING`` (``CLAIM_SQL``): under concurrent workers exactly one gets the row back and
  exports the article; the others drop it.
- Exports are staged (``pending``) and committed once the worker's feed is stored, as on one
  machine.
- ``run_locks``: one row per running worker (site, run, crawl id, heartbeat). A worker is
  turned away while a live row of another crawl id holds the site; workers of one crawl id
  share it. A row whose heartbeat is older than the lock's time to live is a dead worker's.

Connection: psycopg 3, synchronous, autocommit with explicit transactions. Scrapy calls the
state synchronously (a downloader middleware's ``process_request``, a pipeline's
``process_item``, signal handlers); on loopback one statement takes about 0.1-0.3 ms (measured
by ``bench/distributed.py``), far below a page's parse, so it is not the bottleneck. Over a
network with a few ms per round trip it would be: then make these calls asynchronous.
"""

import json
import re
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg

from newscrawl.state.sqlite import CLAIM_SQL, ArticleState, published_timestamp, utc_now_iso

SCHEMA_VERSION = 1
DEFAULT_SCHEMA = "newscrawl"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
    site              TEXT NOT NULL,
    canonical_url     TEXT NOT NULL,
    article_id        TEXT,
    content_hash      TEXT,
    modified_at       TEXT,
    published_at      TEXT,
    published_ts      DOUBLE PRECISION,
    first_exported_at TEXT NOT NULL,
    last_exported_at  TEXT NOT NULL,
    first_run         TEXT,
    last_run          TEXT,
    exports           INTEGER NOT NULL DEFAULT 1,
    signal_ts         DOUBLE PRECISION,
    PRIMARY KEY (site, canonical_url)
);
ALTER TABLE articles ADD COLUMN IF NOT EXISTS signal_ts DOUBLE PRECISION;
CREATE INDEX IF NOT EXISTS articles_article_id ON articles (site, article_id)
    WHERE article_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (site, content_hash)
    WHERE content_hash IS NOT NULL;
CREATE TABLE IF NOT EXISTS urls (
    site          TEXT NOT NULL,
    url           TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    PRIMARY KEY (site, url)
);
CREATE TABLE IF NOT EXISTS pending (
    site          TEXT NOT NULL,
    run_id        TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    url           TEXT,
    article_id    TEXT,
    content_hash  TEXT,
    modified_at   TEXT,
    published_at  TEXT,
    published_ts  DOUBLE PRECISION,
    exported_at   TEXT NOT NULL,
    signal_ts     DOUBLE PRECISION,
    PRIMARY KEY (site, run_id, canonical_url)
);
ALTER TABLE pending ADD COLUMN IF NOT EXISTS signal_ts DOUBLE PRECISION;
CREATE TABLE IF NOT EXISTS runs (
    site          TEXT NOT NULL,
    run_id        TEXT NOT NULL,
    crawl_id      TEXT,
    spider        TEXT,
    started_at    TEXT,
    finished_at   TEXT,
    finish_reason TEXT,
    fresh         BOOLEAN NOT NULL DEFAULT FALSE,
    exported      INTEGER NOT NULL DEFAULT 0,
    counts        TEXT,
    seq           BIGSERIAL,
    PRIMARY KEY (site, run_id)
);
CREATE INDEX IF NOT EXISTS runs_crawl ON runs (site, crawl_id);
CREATE TABLE IF NOT EXISTS claims (
    site          TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    run_id        TEXT NOT NULL,
    crawl_id      TEXT,
    content_hash  TEXT,
    modified_at   TEXT,
    claimed_at    TEXT NOT NULL,
    PRIMARY KEY (site, canonical_url)
);
CREATE INDEX IF NOT EXISTS claims_run ON claims (site, run_id);
CREATE TABLE IF NOT EXISTS sites (site TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS run_locks (
    site         TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    crawl_id     TEXT NOT NULL,
    holder       TEXT,
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (site, run_id)
)
"""

_COLUMNS = (
    "canonical_url, article_id, content_hash, modified_at, published_at, published_ts, "
    "first_exported_at, last_exported_at, first_run, last_run, exports, signal_ts"
)
_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def redact(url):
    """The URL without its password, for logs and reports."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def connect(url, schema=DEFAULT_SCHEMA, connect_timeout=5):
    """An autocommit connection with ``search_path`` set to ``schema`` (created if missing)."""
    if not _SCHEMA_NAME.match(schema or ""):
        raise ValueError(f"invalid PostgreSQL schema name: {schema!r}")
    conn = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout)
    with conn.transaction():
        # Workers starting together: one of them creates the schema, the others wait.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('newscrawl-state-schema'))")
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
        for statement in _TABLES.split(";"):
            if statement.strip():
                conn.execute(statement)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row and int(row[0]) > SCHEMA_VERSION:
            raise RuntimeError(f"state schema {row[0]} is newer than this code's")
        conn.execute("INSERT INTO meta VALUES ('schema_version', %s) ON CONFLICT (key) DO "
                     "UPDATE SET value = excluded.value", (str(SCHEMA_VERSION),))
    conn.execute(f'SET search_path TO "{schema}"')
    return conn


class PostgresStateStore:
    """One site's state in a shared PostgreSQL database (the API of ``StateStore``)."""

    backend = "postgresql"

    def __init__(self, url, site, *, schema=DEFAULT_SCHEMA):
        self.url = url
        self.site = str(site)
        self.schema = schema
        self.path = f"{redact(url)} (schema {schema}, site {self.site})"
        self.db = connect(url, schema)

    def close(self):
        if self.db is not None:
            try:
                self.db.close()
            finally:
                self.db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self):
        with self.db.transaction():
            yield self.db

    def _one(self, sql, args=()):
        return self.db.execute(sql, args).fetchone()

    # --- lookups ---------------------------------------------------------------------------

    def get(self, canonical_url):
        row = self._one(f"SELECT {_COLUMNS} FROM articles WHERE site = %s AND canonical_url = %s",
                        (self.site, canonical_url))
        return ArticleState(*row) if row else None

    def lookup_url(self, url):
        found = self.get(url)
        if found:
            return found
        prefixed = ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(","))
        row = self._one(
            f"SELECT {prefixed} FROM urls u JOIN articles a ON a.site = u.site "
            "AND a.canonical_url = u.canonical_url WHERE u.site = %s AND u.url = %s",
            (self.site, url),
        )
        return ArticleState(*row) if row else None

    def find(self, canonical_url, article_id=None, content_hash=None):
        found = self.lookup_url(canonical_url)
        if found:
            return found, "canonical_url"
        for key, value in (("article_id", article_id), ("content_hash", content_hash)):
            if not value:
                continue
            row = self._one(
                f"SELECT {_COLUMNS} FROM articles WHERE site = %s AND {key} = %s "
                "ORDER BY last_exported_at DESC LIMIT 1",
                (self.site, value),
            )
            if row:
                return ArticleState(*row), key
        return None, None

    # --- writes ----------------------------------------------------------------------------

    def claim(self, run_id, record, *, crawl_id=None, fresh=False):
        """Claim this version of an article for export (see ``StateStore.claim``): one atomic
        statement, so of two workers claiming it at once exactly one gets it."""
        sql = CLAIM_SQL.format(p="%s", key="site, canonical_url").replace(
            "AS c (canonical_url,", "AS c (site, canonical_url,"
        ).replace("VALUES (%s,", "VALUES (%s, %s,", 1)
        row = self._one(sql, (self.site, record["canonical_url"], run_id, crawl_id or run_id,
                              record.get("content_hash"), record.get("modified_at"),
                              utc_now_iso(), bool(fresh)))
        if row:
            return None
        holder = self._one("SELECT run_id FROM claims WHERE site = %s AND canonical_url = %s",
                           (self.site, record["canonical_url"]))
        return holder[0] if holder else "?"

    def unclaim(self, run_id, canonical_url):
        self.db.execute("DELETE FROM claims WHERE site = %s AND canonical_url = %s "
                        "AND run_id = %s", (self.site, canonical_url, run_id))

    def stage(self, run_id, record, exported_at=None):
        published_at = record.get("published_at")
        self.db.execute(
            "INSERT INTO pending (site, run_id, canonical_url, url, article_id, content_hash, "
            "modified_at, published_at, published_ts, exported_at, signal_ts) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (site, run_id, canonical_url) DO UPDATE SET url = excluded.url, "
            "article_id = excluded.article_id, content_hash = excluded.content_hash, "
            "modified_at = excluded.modified_at, published_at = excluded.published_at, "
            "published_ts = excluded.published_ts, exported_at = excluded.exported_at, "
            "signal_ts = excluded.signal_ts",
            (self.site, run_id, record["canonical_url"], record.get("url"),
             record.get("article_id"), record.get("content_hash"), record.get("modified_at"),
             published_at, published_timestamp(published_at), exported_at or utc_now_iso(),
             record.get("signal_ts")),
        )

    def note_signal(self, canonical_url, signal_ts):
        """As ``StateStore.note_signal``: the change signal that fetched an unchanged page."""
        if not signal_ts:
            return
        self.db.execute("UPDATE articles SET signal_ts = GREATEST(COALESCE(signal_ts, 0), %s) "
                        "WHERE site = %s AND canonical_url = %s",
                        (signal_ts, self.site, canonical_url))

    def pending_runs(self, except_run=None):
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT run_id FROM pending WHERE site = %s AND run_id IS DISTINCT FROM %s",
            (self.site, except_run))]

    def pending_count(self, run_id=None):
        if run_id is None:
            return self._one("SELECT COUNT(*) FROM pending WHERE site = %s", (self.site,))[0]
        return self._one("SELECT COUNT(*) FROM pending WHERE site = %s AND run_id = %s",
                         (self.site, run_id))[0]

    def commit_run(self, run_id, *, spider=None, started_at=None, finished_at=None,
                   finish_reason=None, fresh=False, counts=None, crawl_id=None):
        with self.transaction() as db:
            # Claims of items that never reached the feed (nothing staged) are given back.
            db.execute("DELETE FROM claims c WHERE c.site = %s AND c.run_id = %s AND NOT EXISTS "
                       "(SELECT 1 FROM pending p WHERE p.site = c.site AND p.run_id = c.run_id "
                       "AND p.canonical_url = c.canonical_url)", (self.site, run_id))
            promoted = self._one("SELECT COUNT(*) FROM pending WHERE site = %s AND run_id = %s",
                                 (self.site, run_id))[0]
            db.execute(
                "INSERT INTO articles (site, canonical_url, article_id, content_hash, "
                "modified_at, published_at, published_ts, first_exported_at, last_exported_at, "
                "first_run, last_run, exports, signal_ts) "
                "SELECT site, canonical_url, article_id, content_hash, modified_at, "
                "published_at, published_ts, exported_at, exported_at, run_id, run_id, 1, "
                "signal_ts "
                "FROM pending WHERE site = %s AND run_id = %s "
                "ON CONFLICT (site, canonical_url) DO UPDATE SET "
                "article_id = COALESCE(excluded.article_id, articles.article_id), "
                "content_hash = excluded.content_hash, modified_at = excluded.modified_at, "
                "published_at = COALESCE(excluded.published_at, articles.published_at), "
                "published_ts = COALESCE(excluded.published_ts, articles.published_ts), "
                "last_exported_at = excluded.last_exported_at, last_run = excluded.last_run, "
                "exports = articles.exports + 1, "
                "signal_ts = COALESCE(excluded.signal_ts, articles.signal_ts)",
                (self.site, run_id),
            )
            db.execute(
                "INSERT INTO urls (site, url, canonical_url) "
                "SELECT site, url, canonical_url FROM pending WHERE site = %s AND run_id = %s "
                "AND url IS NOT NULL AND url <> canonical_url "
                "ON CONFLICT (site, url) DO UPDATE SET canonical_url = excluded.canonical_url",
                (self.site, run_id),
            )
            db.execute("DELETE FROM pending WHERE site = %s AND run_id = %s", (self.site, run_id))
            db.execute(
                "INSERT INTO runs (site, run_id, crawl_id, spider, started_at, finished_at, "
                "finish_reason, fresh, exported, counts) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (site, run_id) DO UPDATE SET crawl_id = excluded.crawl_id, "
                "spider = excluded.spider, started_at = excluded.started_at, "
                "finished_at = excluded.finished_at, finish_reason = excluded.finish_reason, "
                "fresh = excluded.fresh, exported = excluded.exported, counts = excluded.counts",
                (self.site, run_id, crawl_id, spider, started_at, finished_at or utc_now_iso(),
                 finish_reason, bool(fresh), promoted, json.dumps(counts or {}, sort_keys=True)),
            )
        return promoted

    def has_run(self, run_id):
        """Whether the run was recorded (committed) already."""
        return self._one("SELECT 1 FROM runs WHERE site = %s AND run_id = %s",
                         (self.site, run_id)) is not None

    def discard_run(self, run_id):
        with self.transaction() as db:
            db.execute("DELETE FROM claims WHERE site = %s AND run_id = %s", (self.site, run_id))
            return db.execute("DELETE FROM pending WHERE site = %s AND run_id = %s",
                              (self.site, run_id)).rowcount

    # --- the overlap guard across machines ---------------------------------------------------

    def acquire_lock(self, run_id, crawl_id, holder, ttl):
        """Join the site's lock for ``crawl_id``: None when taken, else the live holder of
        another crawl (a dict). Rows older than ``ttl`` seconds are dead workers'."""
        with self.transaction() as db:
            db.execute("INSERT INTO sites (site) VALUES (%s) ON CONFLICT DO NOTHING", (self.site,))
            # Serialises acquirers of one site: the check and the insert are one step.
            db.execute("SELECT site FROM sites WHERE site = %s FOR UPDATE", (self.site,))
            db.execute("DELETE FROM run_locks WHERE site = %s AND "
                       "heartbeat_at < now() - make_interval(secs => %s)", (self.site, ttl))
            row = db.execute(
                "SELECT run_id, crawl_id, holder, heartbeat_at FROM run_locks "
                "WHERE site = %s AND crawl_id <> %s LIMIT 1", (self.site, crawl_id)).fetchone()
            if row:
                return {"job": row[0], "crawl_id": row[1],
                        **json.loads(row[2] or "{}"), "heartbeat_at": str(row[3])}
            db.execute(
                "INSERT INTO run_locks (site, run_id, crawl_id, holder) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (site, run_id) DO UPDATE SET heartbeat_at = now()",
                (self.site, run_id, crawl_id, json.dumps(holder, sort_keys=True)))
        return None

    def refresh_lock(self, run_id):
        self.db.execute("UPDATE run_locks SET heartbeat_at = now() WHERE site = %s "
                        "AND run_id = %s", (self.site, run_id))

    def release_lock(self, run_id):
        self.db.execute("DELETE FROM run_locks WHERE site = %s AND run_id = %s",
                        (self.site, run_id))

    def lock_holders(self):
        return [r[0] for r in self.db.execute(
            "SELECT run_id FROM run_locks WHERE site = %s", (self.site,))]

    # --- reporting -------------------------------------------------------------------------

    def article_count(self):
        return self._one("SELECT COUNT(*) FROM articles WHERE site = %s", (self.site,))[0]

    def _runs(self, where, args):
        keys = ("run_id", "spider", "started_at", "finished_at", "finish_reason", "fresh",
                "exported", "counts", "crawl_id")
        runs = []
        for row in self.db.execute(
            "SELECT run_id, spider, started_at, finished_at, finish_reason, fresh, exported, "
            f"counts, crawl_id FROM runs WHERE site = %s {where}", (self.site, *args)):
            run = dict(zip(keys, row, strict=True))
            run["counts"] = json.loads(run["counts"] or "{}")
            runs.append(run)
        return runs

    def last_run(self):
        runs = self._runs("ORDER BY finished_at DESC, seq DESC LIMIT 1", ())
        return runs[0] if runs else None

    def crawl_runs(self, crawl_id):
        """The committed runs (workers) of one distributed crawl, in the order they ended."""
        return self._runs("AND crawl_id = %s ORDER BY seq", (crawl_id,))

    def pending_of_crawl(self, crawl_id):
        """{run: staged exports} of a crawl's workers that have not committed (yet)."""
        return dict(self.db.execute(
            "SELECT run_id, COUNT(*) FROM pending WHERE site = %s AND run_id LIKE %s "
            "GROUP BY run_id", (self.site, _like_prefix(crawl_id) + "%")).fetchall())

    def summary(self):
        return {
            "path": self.path,
            "articles": self.article_count(),
            "runs": self._one("SELECT COUNT(*) FROM runs WHERE site = %s", (self.site,))[0],
            "uncommitted": self.pending_count(),
            "last_run": self.last_run(),
        }


def _like_prefix(crawl_id):
    escaped = crawl_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "."


def list_sites(url, schema=DEFAULT_SCHEMA):
    with connect(url, schema) as conn:
        return sorted(r[0] for r in conn.execute(
            "SELECT site FROM articles UNION SELECT site FROM runs UNION "
            "SELECT site FROM pending"))


def remove_state(url, site, schema=DEFAULT_SCHEMA):
    """Forget one site; True if there was anything."""
    with connect(url, schema) as conn, conn.transaction():
        removed = 0
        for table in ("articles", "urls", "pending", "runs", "claims"):
            removed += conn.execute(f"DELETE FROM {table} WHERE site = %s", (site,)).rowcount
    return removed > 0
