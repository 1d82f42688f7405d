"""One body for a state-using method, whichever backend answers: ``run_steps``.

The SQLite state answers at once (a local file, microseconds): its calls return values. The
PostgreSQL state answers over a connection: on the crawl's hot path its calls return
awaitables (``newscrawl.state.postgres.AsyncPostgresStateStore``), so the asyncio event loop
keeps downloading and parsing while the database works.

A method that uses the state is written once, as a generator that yields each state call and
gets its result back: ``known = yield calls.lookup_url(url)``. ``run_steps`` runs it:

- while the calls return values, synchronously: the method returns its result as it always
  did (SQLite: no coroutine, no trip through the event loop, the same behaviour and tests);
- from the first awaitable on, as a coroutine, which Scrapy awaits (item pipelines, downloader
  middlewares and the signals sent with ``send_catch_log_async`` take a value or an
  awaitable alike). A call's exception is raised at its ``yield``, so ``try``/``except``
  around a call works either way.
"""

import inspect


def run_steps(steps):
    """Run the generator ``steps``: its return value, or an awaitable of it (see above)."""
    value = None
    while True:
        try:
            step = steps.send(value)
        except StopIteration as stop:
            return stop.value
        if inspect.isawaitable(step):
            return _finish(steps, step)
        value = step


async def _finish(steps, step):
    while True:
        try:
            if inspect.isawaitable(step):
                try:
                    value = await step
                except Exception as exc:  # the call failed: raised at its yield
                    step = steps.throw(exc)
                    continue
            else:
                value = step
            step = steps.send(value)
        except StopIteration as stop:
            return stop.value

