"""Exactly once across runs: what earlier runs exported.

Two backends with one API, chosen here and nowhere else:

- ``sqlite`` (the default): one file per site under ``NEWSCRAWL_STATE_DIR``, one machine;
- ``postgres``: ``NEWSCRAWL_STATE_URL=postgresql://...`` (schema ``NEWSCRAWL_STATE_SCHEMA``),
  shared by every worker of a distributed crawl (docs/distributed.md).
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
