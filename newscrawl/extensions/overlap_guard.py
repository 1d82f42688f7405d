"""Per-site run lock: a job of a site that starts while another job of that site runs ends at once.

Scrapyd (and cron behind it) may start a crawl of a site while the previous one is still
running. Two jobs of one site would fetch the same pages twice and race on the shared
incremental state, so the second one must not crawl at all.

The lock is an OS-level ``flock`` on ``<NEWSCRAWL_STATE_DIR>/<site>.lock``, taken when the
spider opens. The kernel drops it when the holder closes it or its process dies, however it
dies (SIGKILL, OOM, reboot), so a lock is never stale and there is nothing to clean up. The
file's content only says who holds it (run id, pid, spider, start time), for the log line of
the job that is turned away. ``flock`` locks belong to an open file, not to a process, so two
crawlers in the same process exclude each other too.

A job turned away logs one WARNING naming the job that holds the site, sets the
``newscrawl/overlap`` stat, and closes with the finish reason ``overlap`` before the engine
starts: no request is sent and no item is exported. Other components can check the stat to
tell such a run from a real one.

The state directory must be on a local file system (``flock`` over NFS is not reliable).

With the state in PostgreSQL (``NEWSCRAWL_STATE_URL``) the lock is there instead, so it holds
across machines: a row per running worker in ``run_locks`` with a heartbeat (refreshed every
third of ``NEWSCRAWL_LOCK_TTL``; a row older than that is a dead worker's and is ignored).
Workers of one distributed crawl (the same ``NEWSCRAWL_CRAWL_ID``) share the site; a job of
another crawl id (or a plain run: its own crawl) is turned away while one of them is alive.
"""

import errno
import fcntl
import inspect
import json
import logging
import os
import re
import socket
import time
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import CloseSpider
from twisted.internet import task

from newscrawl.export.feeds import run_id
from newscrawl.state import crawler_calls, crawler_store, state_url
from newscrawl.state.steps import run_steps

logger = logging.getLogger(__name__)

OVERLAP_REASON = "overlap"
STAT_OVERLAP = "newscrawl/overlap"
# The holder writes its name right after locking; a job that finds the lock taken in that
# instant waits this long for the name before reporting the holder as unknown.
HOLDER_READ_WAIT = 0.5


def site_name(spider):
    """The site a spider crawls: ``spider.site.name`` or a plain ``spider.site``, else its name."""
    site = getattr(spider, "site", None)
    name = getattr(site, "name", site) if site is not None else None
    return str(name or spider.name)


def lock_path(state_dir, site):
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"
    return os.path.join(state_dir, f"{safe}.lock")


class SiteLock:
    """An exclusive, non-blocking ``flock`` on one site's lock file."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def acquire(self, holder):
        """Take the lock and record ``holder`` (a dict) in the file; False if someone holds it."""
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(holder, sort_keys=True) + "\n").encode())
        os.fsync(fd)
        self.fd = fd
        return True

    def release(self):
        if self.fd is None:
            return
        # The holder's record stays in the file: the next holder overwrites it, and the lock,
        # not the content, is what counts.
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = None

    def read_holder(self, wait=HOLDER_READ_WAIT):
        """The holder's record, or None if it cannot be read (yet)."""
        deadline = time.monotonic() + wait
        while True:
            try:
                with open(self.path, encoding="utf-8") as f:
                    text = f.read().strip()
            except OSError:
                text = ""
            if text:
                try:
                    return json.loads(text)
                except ValueError:
                    pass  # read half-written: try again
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)


def describe(holder):
    if not holder:
        return "another job (it has not recorded its id)"
    parts = [f"pid {holder.get('pid')}"]
    if holder.get("host") and holder.get("host") != socket.gethostname():
        parts.append(f"host {holder['host']}")
    if holder.get("started_at"):
        parts.append(f"running since {holder['started_at']}")
    return f"job {holder.get('job')} ({', '.join(parts)})"


class OverlapGuard:
    def __init__(self, crawler):
        self.crawler = crawler
        self.state_dir = crawler.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl"
        self.lock = None
        self.shared = bool(state_url(crawler.settings))  # the lock lives in PostgreSQL
        self.lock_ttl = crawler.settings.getfloat("NEWSCRAWL_LOCK_TTL", 60)
        self.heartbeat = None
        self.held_run = None

    @classmethod
    def from_crawler(cls, crawler):
        guard = cls(crawler)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self, spider):
        site = site_name(spider)
        job = run_id(spider)
        if self.shared:
            self.open_shared(spider, site, job)
            return
        lock = SiteLock(lock_path(self.state_dir, site))
        holder = {
            "job": job,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "spider": spider.name,
            "site": site,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if lock.acquire(holder):
            self.lock = lock
            logger.debug("Took the lock of site %r: %s", site, lock.path)
            return
        self.crawler.stats.set_value(STAT_OVERLAP, 1)
        logger.warning(
            "Overlap: site %r is held by %s; job %s ends now without crawling (lock %s)",
            site,
            describe(lock.read_holder()),
            job,
            lock.path,
        )
        # Raised from a spider_opened handler, CloseSpider makes Scrapy close the spider with
        # this reason before the engine starts: the start requests are never consumed.
        raise CloseSpider(OVERLAP_REASON)

    def open_shared(self, spider, site, job):
        crawl = self.crawler.settings.get("NEWSCRAWL_CRAWL_ID") or job
        store = crawler_store(self.crawler)
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "spider": spider.name,
                  "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
        other = store.acquire_lock(job, crawl, holder, self.lock_ttl)
        if other is None:
            self.held_run = job
            self.heartbeat = task.LoopingCall(self.refresh_shared)
            self.heartbeat.start(max(1.0, self.lock_ttl / 3), now=False)
            return
        self.crawler.stats.set_value(STAT_OVERLAP, 1)
        logger.warning(
            "Overlap: site %r is held by crawl %s, %s; job %s ends now without crawling "
            "(lock in %s)", site, other.get("crawl_id"), describe(other), job, store.path)
        raise CloseSpider(OVERLAP_REASON)

    def refresh_shared(self):
        # On the asynchronous connection with PostgreSQL: a Deferred the LoopingCall waits
        # for (so two heartbeats never overlap), while the crawl goes on.
        result = run_steps(self._refresh_shared())
        if inspect.isawaitable(result):
            from scrapy.utils.defer import deferred_from_coro

            return deferred_from_coro(result)
        return None

    def _refresh_shared(self):
        try:
            yield crawler_calls(self.crawler).refresh_lock(self.held_run)
        except Exception as exc:  # the state pipeline reports the database itself
            logger.warning("Could not refresh the site lock: %s", exc)

    def spider_closed(self, spider, reason):
        if self.held_run is not None:
            if self.heartbeat is not None and self.heartbeat.running:
                self.heartbeat.stop()
            try:
                crawler_store(self.crawler).release_lock(self.held_run)
            except Exception as exc:
                logger.warning("Could not release the site lock (it expires): %s", exc)
            self.held_run = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None
