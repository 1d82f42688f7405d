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

Connections: psycopg 3, autocommit with explicit transactions. The calls a crawl makes per
request and per article (``HotCalls``: lookup, find, claim, stage, unclaim, note_signal and the
lock's heartbeat) are one statement each, one round trip, written once and run on either of
two connections:

- ``PostgresStateStore``: synchronous, for what happens once per run or rarely (the schema,
  the overlap lock, settling dead runs, committing the run at the end, ``scrapy state``) and
  for the state tests;
- ``AsyncPostgresStateStore``: an ``AsyncConnection`` on the asyncio reactor's event loop, for
  the calls made while the crawl runs: they return awaitables, so the event loop keeps
  downloading and parsing while the database answers (``newscrawl.state.steps``). Measured
  by ``bench/distributed.py`` (docs/distributed.md): the loop spent 4.7 ms per exported
  article in synchronous calls on loopback, 1.8 ms now; with 2 ms more per round trip a
  synchronous call held it about 3 ms, an awaited one 0.4 ms.
"""

import asyncio
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


def _prefixed(alias):
    return ", ".join(f"{alias}.{c.strip()}" for c in _COLUMNS.split(","))


def redact(url):
    """The URL without its password, for logs and reports."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def _checked_schema(schema):
    if not _SCHEMA_NAME.match(schema or ""):
        raise ValueError(f"invalid PostgreSQL schema name: {schema!r}")
    return schema


def connect(url, schema=DEFAULT_SCHEMA, connect_timeout=5):
    """An autocommit connection with ``search_path`` set to ``schema`` (created if missing)."""
    _checked_schema(schema)
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


async def connect_async(url, schema=DEFAULT_SCHEMA, connect_timeout=5):
    """An autocommit ``AsyncConnection`` on ``schema``, which ``connect`` created already."""
    _checked_schema(schema)
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True,
                                                 connect_timeout=connect_timeout)
    await conn.execute(f'SET search_path TO "{schema}"')
    return conn


def _found_sql(keys):
    """One query for the first of several lookups that finds the article (its rank first):
    one round trip where there were up to four."""
    branches = {
        "canonical_url": f"SELECT 1 AS rank, {_COLUMNS} FROM articles "
                         "WHERE site = %s AND canonical_url = %s",
        "url": f"SELECT 2, {_prefixed('a')} FROM urls u JOIN articles a ON a.site = u.site "
               "AND a.canonical_url = u.canonical_url WHERE u.site = %s AND u.url = %s",
        "article_id": f"(SELECT 3, {_COLUMNS} FROM articles WHERE site = %s AND "
                      "article_id = %s ORDER BY last_exported_at DESC LIMIT 1)",
        "content_hash": f"(SELECT 4, {_COLUMNS} FROM articles WHERE site = %s AND "
                        "content_hash = %s ORDER BY last_exported_at DESC LIMIT 1)",
    }
    union = " UNION ALL ".join(branches[k] for k in keys)
    return f"SELECT * FROM ({union}) AS found ORDER BY rank LIMIT 1"


_LOOKUP_SQL = _found_sql(("canonical_url", "url"))
_FIND_SQL = _found_sql(("canonical_url", "url", "article_id", "content_hash"))
_FOUND_BY = {1: "canonical_url", 2: "canonical_url", 3: "article_id", 4: "content_hash"}
# The shared claim, with the site in its key; and in the same statement the holder of the
# claim when this run did not get it (from the statement's snapshot: a claim committed by
# another worker during the statement shows as "?", only the log message loses its name).
_CLAIM_SQL = (
    "WITH won AS ("
    + CLAIM_SQL.format(p="%s", key="site, canonical_url")
    .replace("AS c (canonical_url,", "AS c (site, canonical_url,")
    .replace("VALUES (%s,", "VALUES (%s, %s,", 1)
    + ") SELECT (SELECT run_id FROM won), "
    "(SELECT run_id FROM claims WHERE site = %s AND canonical_url = %s)"
)
_STAGE_SQL = (
    "INSERT INTO pending (site, run_id, canonical_url, url, article_id, content_hash, "
    "modified_at, published_at, published_ts, exported_at, signal_ts) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (site, run_id, canonical_url) DO UPDATE SET url = excluded.url, "
    "article_id = excluded.article_id, content_hash = excluded.content_hash, "
    "modified_at = excluded.modified_at, published_at = excluded.published_at, "
    "published_ts = excluded.published_ts, exported_at = excluded.exported_at, "
    "signal_ts = excluded.signal_ts"
)


def _article(row):
    return ArticleState(*row[1:]) if row else None


def _found(row):
    return (ArticleState(*row[1:]), _FOUND_BY[row[0]]) if row else (None, None)


def _holder(row):
    if row[0] is not None:
        return None  # this run holds the claim
    return row[1] or "?"


class HotCalls:
    """The state calls of a running crawl, each one statement: written once, run by
    ``_run(sql, args, then)`` on a synchronous connection (returns ``then(first row)``) or an
    asynchronous one (returns an awaitable of it). Same meaning as ``StateStore``'s."""

    def _run(self, sql, args, then=None):
        raise NotImplementedError

    def lookup_url(self, url):
        return self._run(_LOOKUP_SQL, (self.site, url, self.site, url), _article)

    def find(self, canonical_url, article_id=None, content_hash=None):
        return self._run(_FIND_SQL, (self.site, canonical_url, self.site, canonical_url,
                                     self.site, article_id or None,
                                     self.site, content_hash or None), _found)

    def claim(self, run_id, record, *, crawl_id=None, fresh=False):
        """Claim this version of an article for export (see ``StateStore.claim``): one atomic
        statement, so of two workers claiming it at once exactly one gets it."""
        url = record["canonical_url"]
        return self._run(_CLAIM_SQL, (self.site, url, run_id, crawl_id or run_id,
                                      record.get("content_hash"), record.get("modified_at"),
                                      utc_now_iso(), bool(fresh), self.site, url), _holder)

    def unclaim(self, run_id, canonical_url):
        return self._run("DELETE FROM claims WHERE site = %s AND canonical_url = %s "
                         "AND run_id = %s", (self.site, canonical_url, run_id))

    def stage(self, run_id, record, exported_at=None):
        published_at = record.get("published_at")
        return self._run(_STAGE_SQL, (
            self.site, run_id, record["canonical_url"], record.get("url"),
            record.get("article_id"), record.get("content_hash"), record.get("modified_at"),
            published_at, published_timestamp(published_at), exported_at or utc_now_iso(),
            record.get("signal_ts")))

    def note_signal(self, canonical_url, signal_ts):
        """As ``StateStore.note_signal``: the change signal that fetched an unchanged page."""
        if not signal_ts:
            return None
        return self._run("UPDATE articles SET signal_ts = GREATEST(COALESCE(signal_ts, 0), %s) "
                         "WHERE site = %s AND canonical_url = %s",
                         (signal_ts, self.site, canonical_url))

    def refresh_lock(self, run_id):
        return self._run("UPDATE run_locks SET heartbeat_at = now() WHERE site = %s "
                         "AND run_id = %s", (self.site, run_id))


class AsyncPostgresStateStore(HotCalls):
    """``HotCalls`` on an ``AsyncConnection``: every call returns an awaitable, so a crawl on
    the asyncio reactor never waits for the database with its event loop blocked. Opened on
    first use (the schema exists by then: ``newscrawl.state.crawler_calls``). One connection:
    psycopg queues its statements (about 0.2 ms each on loopback), which leaves the loop free;
    more would only help with a far database and many exports per second."""

    backend = "postgresql"

    def __init__(self, url, site, *, schema=DEFAULT_SCHEMA):
        self.url = url
        self.site = str(site)
        self.schema = _checked_schema(schema)
        self.db = None
        self._opening = asyncio.Lock()

    async def _connection(self):
        async with self._opening:  # the first calls arrive together: one connection
            if self.db is None:
                self.db = await connect_async(self.url, self.schema)
        return self.db

    async def _run(self, sql, args, then=None):
        db = await self._connection()
        cursor = await db.execute(sql, args)
        row = await cursor.fetchone() if cursor.description else None
        return then(row) if then else None

    async def aclose(self):
        if self.db is not None:
            try:
                await self.db.close()
            finally:
                self.db = None


class PostgresStateStore(HotCalls):
    """One site's state in a shared PostgreSQL database (the API of ``StateStore``)."""

    backend = "postgresql"

    def __init__(self, url, site, *, schema=DEFAULT_SCHEMA):
        self.url = url
        self.site = str(site)
        self.schema = schema
        self.path = f"{redact(url)} (schema {schema}, site {self.site})"
        self.db = connect(url, schema)

    def _run(self, sql, args, then=None):
        cursor = self.db.execute(sql, args)
        row = cursor.fetchone() if cursor.description else None
        return then(row) if then else None

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

    # --- runs (the per-article calls are HotCalls') -------------------------------------------

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
