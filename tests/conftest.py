"""Real Redis and PostgreSQL for the distributed tests, each test in its own namespace.

``NEWSCRAWL_TEST_REDIS_URL`` and ``NEWSCRAWL_TEST_POSTGRES_URL`` name the servers (``.ci/run``
sets them). Without them those tests are skipped with one line saying how to run them; with
``NEWSCRAWL_REQUIRE_SERVICES=1`` (CI) a missing or unreachable server fails them instead.
Every test gets its own PostgreSQL schema (dropped after) and its own Redis key prefix (its
keys deleted after); nothing it did not create is touched.
"""

import os
import uuid

import pytest

HOW = ("set NEWSCRAWL_TEST_REDIS_URL=redis://127.0.0.1:6379/0 and "
       "NEWSCRAWL_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test to run it")


def _missing(what):
    message = f"{what} not available: {HOW}"
    if os.environ.get("NEWSCRAWL_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (NEWSCRAWL_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def postgres_schema():
    """(URL, schema) of a fresh schema in the test PostgreSQL, dropped afterwards."""
    url = os.environ.get("NEWSCRAWL_TEST_POSTGRES_URL")
    if not url:
        _missing("PostgreSQL")
    psycopg = pytest.importorskip("psycopg")
    schema = "nc_test_" + uuid.uuid4().hex[:12]
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _missing(f"PostgreSQL at {url} ({exc})")
    try:
        yield url, schema
    finally:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.close()


@pytest.fixture
def redis_crawl():
    """(Redis URL, crawl id) with a crawl id no other test uses; its keys deleted afterwards."""
    url = os.environ.get("NEWSCRAWL_TEST_REDIS_URL")
    if not url:
        _missing("Redis")
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        _missing(f"Redis at {url} ({exc})")
    crawl_id = "test-" + uuid.uuid4().hex[:12]
    try:
        yield url, crawl_id
    finally:
        # its crawl id and the ids it derives from it (``<id>-other``): unique, ours only
        for key in client.scan_iter(match=f"*:{crawl_id}*", count=1000):
            client.delete(key)
        client.close()
