"""With the PostgreSQL state, a crawl's per-article state calls do not block the event loop.

The state pipeline and the incremental middleware hand Scrapy an awaitable when the state is
PostgreSQL (its ``AsyncConnection``), and a value when it is SQLite
(``newscrawl.state.steps``). Here a claim is made slow on purpose (another connection holds
the article's claim row in an open transaction) while a coroutine ticks on the same loop.
"""

import asyncio
import inspect
import threading
import time

import psycopg
import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.items import ArticleItem
from newscrawl.middlewares.incremental import IncrementalMiddleware
from newscrawl.pipelines.state import StatePipeline
from newscrawl.state.postgres import PostgresStateStore
from newscrawl.state.steps import run_steps

URL = "https://www.japantimes.co.jp/news/2020/02/18/national/slow-claim/"
HOLD = 0.5  # seconds the other connection holds the claim row


class Site:
    name = "japantimes"
    hosts = ("www.japantimes.co.jp", "japantimes.co.jp")


class JapanTimes(Spider):
    name = "japantimes"
    site = Site()


def article(url=URL, content_hash="h1"):
    return ArticleItem(url=url, canonical_url=url, site="japantimes", article_id=None,
                       content_hash=content_hash, modified_at=None,
                       published_at="2020-02-18T18:07:56+09:00", headline="slow")


def crawler_for(tmp_path, **settings):
    crawler = get_crawler(JapanTimes, {"NEWSCRAWL_FEED_DIR": str(tmp_path / "feed"),
                                       "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
                                       "EXTENSIONS_BASE": {}, **settings})
    crawler.spider = crawler._create_spider()
    crawler.spider.newscrawl_run_id = "run-1"
    return crawler


@pytest.fixture
def pg_crawler(tmp_path, postgres_schema):
    url, schema = postgres_schema
    return crawler_for(tmp_path, NEWSCRAWL_STATE_URL=url, NEWSCRAWL_STATE_SCHEMA=schema)


def hold_claim(url, schema, seconds):
    """Another worker's transaction that inserted the article's claim and has not ended: a
    claim of the same article waits for it. Rolled back after ``seconds`` from a thread, so a
    blocked event loop cannot keep it open (the test then fails instead of hanging)."""
    conn = psycopg.connect(url)
    conn.execute(f'SET search_path TO "{schema}"')
    conn.execute("INSERT INTO claims (site, canonical_url, run_id, crawl_id, content_hash, "
                 "claimed_at) VALUES ('japantimes', %s, 'other', 'c2', 'h0', 'now')", (URL,))
    timer = threading.Timer(seconds, lambda: (conn.rollback(), conn.close()))
    timer.start()
    return timer


async def ticking_while(awaitable):
    """Await ``awaitable`` while a coroutine ticks every 10 ms: (its result, ticks)."""
    ticks = 0
    done = False

    async def tick():
        nonlocal ticks
        while not done:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.ensure_future(tick())
    try:
        return await awaitable, ticks
    finally:
        done = True
        await ticker


def test_a_slow_claim_does_not_block_the_event_loop(pg_crawler, postgres_schema):
    """The pipeline's claim waits 0.5 s for a row lock: the loop ticks meanwhile, and once the
    other transaction ends the claim goes through, the export is staged and committed."""
    url, schema = postgres_schema
    pipeline = build_from_crawler(StatePipeline, pg_crawler)
    assert pipeline.store.backend == "postgresql"  # opened, schema made (as at spider_opened)
    pipeline.recovered = True

    async def main():
        timer = hold_claim(url, schema, HOLD)
        try:
            started = time.monotonic()
            result = pipeline.process_item(article())
            assert inspect.isawaitable(result), "process_item blocked the event loop"
            item, ticks = await ticking_while(result)
            waited = time.monotonic() - started
        finally:
            timer.join()
        assert item["canonical_url"] == URL
        assert waited >= HOLD * 0.8
        assert ticks >= (HOLD / 0.01) * 0.5, f"the loop ticked {ticks} times in {waited:.2f} s"
        await pipeline.item_scraped(item, response=None)
        await pipeline.engine_stopped()

    asyncio.run(main())
    with PostgresStateStore(url, "japantimes", schema=schema) as store:
        assert store.get(URL).last_run == "run-1"


def test_the_incremental_lookup_is_awaited_with_postgres_and_immediate_with_sqlite(
        pg_crawler, tmp_path):
    request = Request("https://www.japantimes.co.jp/news/2020/02/18/national/other/")

    async def main():
        mw = build_from_crawler(IncrementalMiddleware, pg_crawler)
        result = mw.process_request(request)
        assert inspect.isawaitable(result)
        assert await result is None  # not exported before: sent
        pipeline = build_from_crawler(StatePipeline, pg_crawler)
        await pipeline.engine_stopped()

    asyncio.run(main())
    sqlite = crawler_for(tmp_path / "sqlite")
    mw = build_from_crawler(IncrementalMiddleware, sqlite)
    assert mw.process_request(request) is None  # a value, no coroutine


def test_run_steps_raises_a_failed_call_at_its_yield_either_way():
    def body(call):
        try:
            yield call()
        except ValueError:
            return "caught"
        return "no error"

    def fails():
        raise ValueError("gone")

    async def fails_async():
        raise ValueError("gone")

    assert run_steps(body(lambda: 1)) == "no error"
    assert run_steps(body(fails)) == "caught"
    assert asyncio.run(run_steps(body(fails_async))) == "caught"
    with pytest.raises(IgnoreRequest):
        def refuses():
            yield 1
            raise IgnoreRequest("no")

        run_steps(refuses())
