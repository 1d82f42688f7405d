"""Run-long sets and maps in bounded memory: the newest keys in a dict, the rest on disk.

A crawl remembers, for its whole run, every URL it requested (Scrapy's dupefilter, the spider's
``followed``, the incremental middleware's ``requested`` and ``skipped_seen``) and every
article it exported (the duplicates pipeline). Kept in Python sets, each grows by about
100 bytes per URL: 10 MB per structure for 100,000 articles, without bound for longer runs.

``SpillMap`` keeps at most ``limit`` keys in a dict; when it is full they are written to a
temporary SQLite database (``sqlite3.connect("")``: a file SQLite deletes when it is closed,
with a page cache of ``CACHE_KIB``) and the dict starts again empty. A key is looked up in the
dict first, then on disk (a primary-key lookup, a few microseconds). Memory is bounded by
``limit`` whatever the length of the run; nothing is written at all in a run smaller than it.

``NEWSCRAWL_MEMORY_KEYS`` (default ``DEFAULT_LIMIT``) sets ``limit`` for the crawl's maps
(``from_settings``). ``SpillQueue`` is the same idea for a first-in first-out queue.
"""

import pickle
import sqlite3
from collections import deque

DEFAULT_LIMIT = 5_000
CACHE_KIB = 1024
_MISSING = object()


class SpillMap:
    """A map of ``bytes``/``str`` keys to SQLite-storable values (int, float, str, bytes,
    None), ``limit`` of them in memory at most. Also a set: ``add(key)``, ``key in m``."""

    def __init__(self, limit=DEFAULT_LIMIT):
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit!r}")
        self.limit = int(limit)
        self.recent = {}
        self.spilled = 0  # keys written to disk (with repeats when a key was set again)
        self._db = None

    @classmethod
    def from_settings(cls, settings):
        return cls(settings.getint("NEWSCRAWL_MEMORY_KEYS", DEFAULT_LIMIT) if settings
                   else DEFAULT_LIMIT)

    def _conn(self):
        if self._db is None:
            db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            db.execute("CREATE TABLE kv (k PRIMARY KEY, v) WITHOUT ROWID")
            self._db = db
        return self._db

    def get(self, key, default=None):
        value = self.recent.get(key, _MISSING)
        if value is not _MISSING:
            return value
        if self._db is None:
            return default
        row = self._db.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def __contains__(self, key):
        return self.get(key, _MISSING) is not _MISSING

    def __getitem__(self, key):
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value):
        self.recent[key] = value
        if len(self.recent) >= self.limit:
            self.spill()

    def add(self, key):
        if key not in self.recent:
            self[key] = None

    def spill(self):
        """Write the keys held in memory to disk and let the dict go."""
        if not self.recent:
            return
        db = self._conn()
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", self.recent.items())
        db.execute("COMMIT")
        self.spilled += len(self.recent)
        self.recent = {}  # a new dict: the old one's table is freed, not kept at its peak size

    def __len__(self):
        if self._db is None:
            return len(self.recent)
        on_disk = self._db.execute("SELECT count(*) FROM kv").fetchone()[0]
        if not self.recent:
            return on_disk
        keys = list(self.recent)
        both = 0
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            both += self._db.execute(
                f"SELECT count(*) FROM kv WHERE k IN ({','.join('?' * len(chunk))})",
                chunk).fetchone()[0]
        return on_disk + len(keys) - both

    def close(self):
        self.recent = {}
        if self._db is not None:
            self._db.close()  # SQLite deletes the temporary file
            self._db = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 (interpreter shutdown)
            pass


class SpillQueue:
    """A first-in first-out queue of picklable values, ``limit`` of them in memory at most:
    the oldest ``limit`` are held in a deque, the newer ones wait in a temporary SQLite file
    (as ``SpillMap``'s) and are read back ``limit`` at a time as the deque empties.

    The spider's article backlog (``spiders/base.py``): a sitemap of a big site lists tens of
    thousands of articles, and as Scrapy requests they would all sit in the scheduler's memory
    queue at once. Values are pickled only into this process's own temporary file."""

    def __init__(self, limit=DEFAULT_LIMIT):
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit!r}")
        self.limit = int(limit)
        self.head = deque()
        self.on_disk = 0
        self._db = None

    @classmethod
    def from_settings(cls, settings):
        return cls(settings.getint("NEWSCRAWL_MEMORY_KEYS", DEFAULT_LIMIT) if settings
                   else DEFAULT_LIMIT)

    def _conn(self):
        if self._db is None:
            db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            db.execute("CREATE TABLE q (n INTEGER PRIMARY KEY, v BLOB)")
            self._db = db
        return self._db

    def push(self, value):
        # Once anything waits on disk, newer values go there too: first in, first out.
        if self.on_disk or len(self.head) >= self.limit:
            self._conn().execute("INSERT INTO q (v) VALUES (?)",
                                 (pickle.dumps(value, pickle.HIGHEST_PROTOCOL),))
            self.on_disk += 1
        else:
            self.head.append(value)

    def pop(self):
        """The oldest value; IndexError when the queue is empty."""
        if not self.head and self.on_disk:
            self._refill()
        return self.head.popleft()

    def _refill(self):
        db = self._db
        rows = db.execute("SELECT n, v FROM q ORDER BY n LIMIT ?", (self.limit,)).fetchall()
        db.execute("DELETE FROM q WHERE n <= ?", (rows[-1][0],))
        self.on_disk -= len(rows)
        self.head.extend(pickle.loads(v) for _, v in rows)

    def __len__(self):
        return len(self.head) + self.on_disk

    def __bool__(self):
        return bool(self.head) or self.on_disk > 0

    def close(self):
        self.head = deque()
        self.on_disk = 0
        if self._db is not None:
            self._db.close()  # SQLite deletes the temporary file
            self._db = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 (interpreter shutdown)
            pass
