"""Exactly once across runs: what earlier runs exported.

Two backends with one API, chosen here and nowhere else:

- ``sqlite`` (the default): one file per site under ``NEWSCRAWL_STATE_DIR``, one machine;
- ``postgres``: ``NEWSCRAWL_STATE_URL=postgresql://...`` (schema ``NEWSCRAWL_STATE_SCHEMA``),
  shared by every worker of a distributed crawl (docs/distributed.md).

A crawl reaches the state two ways: ``crawler_store`` (synchronous: once per run, rarely, and
the commands) and ``crawler_calls`` (the calls made per request and per article, written with
``newscrawl.state.steps.run_steps``: values from SQLite, awaitables from PostgreSQL).
"""

from newscrawl.state.sqlite import StateStore


def state_url(settings):
    return (settings.get("NEWSCRAWL_STATE_URL") or "").strip()


def is_postgres_url(url):
    return url.startswith(("postgresql://", "postgres://"))


def open_store(settings, site):
    """The state store of one site, as the settings choose."""
    url = state_url(settings)
    if url:
        if not is_postgres_url(url):
            raise ValueError("NEWSCRAWL_STATE_URL must be a postgresql:// URL "
                             "(leave it empty for the SQLite state)")
        from newscrawl.state.postgres import PostgresStateStore

        schema = settings.get("NEWSCRAWL_STATE_SCHEMA") or "newscrawl"
        return PostgresStateStore(url, site, schema=schema)
    state_dir = settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl"
    return StateStore.for_site(state_dir, site)


def crawler_store(crawler):
    """The state store of the crawler's site, opened once per crawler and shared by the
    incremental middleware, the state pipeline and the overlap guard."""
    from newscrawl.state.sqlite import site_name

    store = getattr(crawler, "_newscrawl_state_store", None)
    if store is None or store.db is None:
        store = open_store(crawler.settings, site_name(crawler.spider))
        crawler._newscrawl_state_store = store
    return store


def crawler_calls(crawler):
    """Where the crawler's per-request and per-article state calls go (``lookup_url``, ``find``,
    ``claim``, ``stage``, ``unclaim``, ``note_signal``, ``refresh_lock``).

    SQLite: the store itself (its calls return values: a local file answers in microseconds,
    and a trip through the event loop would cost more than the query). PostgreSQL: its
    asynchronous twin on the same schema (its calls return awaitables, run on the asyncio
    reactor's loop: the crawl goes on while the database answers)."""
    store = crawler_store(crawler)  # opens the database and creates the schema, if need be
    if store.backend != "postgresql":
        return store
    calls = getattr(crawler, "_newscrawl_state_calls", None)
    if calls is None:
        from newscrawl.state.postgres import AsyncPostgresStateStore

        calls = AsyncPostgresStateStore(store.url, store.site, schema=store.schema)
        crawler._newscrawl_state_calls = calls
    return calls


def close_crawler_stores(crawler):
    """Close the crawler's state connections: None, or an awaitable when an asynchronous
    connection must be closed too (a signal handler may return either)."""
    store = getattr(crawler, "_newscrawl_state_store", None)
    if store is not None:
        store.close()
    calls = getattr(crawler, "_newscrawl_state_calls", None)
    if calls is None:
        return None
    crawler._newscrawl_state_calls = None
    return calls.aclose()


STAT_STATE_ERROR = "newscrawl/state/unavailable"


def state_unavailable(crawler, exc):
    """The state database cannot be reached mid-crawl: log one ERROR and close the spider
    (finish reason ``state_unavailable``). Called by every component that uses the state."""
    import logging

    if crawler.stats.get_value(STAT_STATE_ERROR):
        return
    crawler.stats.set_value(STAT_STATE_ERROR, 1)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    logging.getLogger(__name__).error(
        "The state database is unreachable (%s): this worker stops; what it exported is "
        "recorded by the next run, from its stored feed", reason)
    engine = crawler.engine
    if engine is not None and engine.spider is not None:
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(engine.close_spider_async(reason="state_unavailable"))
