"""One crawl shared by many workers: a Redis frontier (scrapy-redis) and a shared state.

Turned on by ``NEWSCRAWL_REDIS_URL`` and ``NEWSCRAWL_CRAWL_ID`` (settings or environment); the
state must then be PostgreSQL (``NEWSCRAWL_STATE_URL``). Without them nothing changes. See
docs/distributed.md.

- ``scheduler.LeasingScheduler``: scrapy-redis' ``Scheduler`` whose pops lease the request to
  the worker (moved atomically into the worker's in-flight hash in Redis).
- ``frontier.Frontier``: the worker's heartbeat, lease release, the reaping of dead workers'
  leases, the bounded idle wait for the other workers, and the keys' expiry.
"""

import re
import socket

CRAWL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def is_distributed(settings):
    return bool(settings.get("NEWSCRAWL_REDIS_URL")) and bool(settings.get("NEWSCRAWL_CRAWL_ID"))


def crawl_id(settings):
    return str(settings.get("NEWSCRAWL_CRAWL_ID") or "")


def worker_name(job, pid):
    """A worker's name within its crawl: the Scrapyd job id, else host and pid."""
    return str(job) if job else f"{socket.gethostname()}-{pid}"


def key_prefix(spider_name, crawl):
    """Every Redis key of one crawl starts with this (``<spider>:<crawl id>:``)."""
    return f"{spider_name}:{crawl}:"


def _redact(url):
    from newscrawl.state.postgres import redact

    return redact(url)


def redis_security_warning(url):
    """A loud warning for a Redis that anyone on the network may write to, else None.

    scrapy-redis stores requests with pickle: whoever can write to the crawl's Redis can run
    code in every worker. Loopback is this machine only; anything else needs a password."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "unix" or host in ("127.0.0.1", "::1", "localhost"):
        return None
    if parts.password:
        return None
    return (f"SECURITY: Redis at {_redact(url)} is not on loopback and has no password. "
            "Requests are stored with pickle: anyone who can write to this Redis can run code "
            "in every worker. Use a password-protected Redis on a private network "
            "(docs/distributed.md)")


def preflight(get):
    """Check the distributed configuration and reach its servers before crawling.

    ``get(name)``: a setting's value. Returns the one-line error to log, or None."""
    redis_url = (get("NEWSCRAWL_REDIS_URL") or "").strip()
    crawl = (get("NEWSCRAWL_CRAWL_ID") or "").strip()
    state_url = (get("NEWSCRAWL_STATE_URL") or "").strip()
    if state_url and not state_url.startswith(("postgresql://", "postgres://")):
        return "NEWSCRAWL_STATE_URL must be a postgresql:// URL (empty: the SQLite state)"
    if crawl and not redis_url:
        return ("NEWSCRAWL_CRAWL_ID is set without NEWSCRAWL_REDIS_URL: a distributed crawl "
                "needs both (every worker of one crawl gets the same id)")
    if not crawl:
        redis_url = ""  # a node's environment may name Redis; without a crawl id: one process
    if crawl and not CRAWL_ID.match(crawl):
        return (f"NEWSCRAWL_CRAWL_ID {crawl!r}: use letters, digits, '.', '_' and '-' "
                "(at most 100)")
    if redis_url and not state_url:
        return ("a distributed crawl needs the shared state: set NEWSCRAWL_STATE_URL="
                "postgresql://... (the SQLite state is one machine's)")
    if redis_url:
        import redis

        try:
            client = redis.Redis.from_url(redis_url, socket_connect_timeout=5,
                                          socket_timeout=5)
            client.ping()
            client.close()
        except (redis.RedisError, ValueError) as exc:
            return f"Redis at {_redact(redis_url)} is unreachable: {exc}"
    if state_url:
        import psycopg

        try:
            psycopg.connect(state_url, connect_timeout=5).close()
        except (psycopg.Error, ValueError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return f"PostgreSQL at {_redact(state_url)} is unreachable: {reason}"
    return None
