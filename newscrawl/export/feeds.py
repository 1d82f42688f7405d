"""Feed URI parameters: a per-run id so that feeds of different runs never collide."""

import os
import socket
from datetime import UTC, datetime


def run_id(spider):
    """The Scrapyd job id when there is one, else a UTC timestamp and the process id.

    A worker of a distributed crawl (``NEWSCRAWL_CRAWL_ID``) is ``<crawl id>.<worker>``, the
    worker being the Scrapyd job id or host and pid: unique across machines, so the feeds of
    one crawl's workers never collide, and ``scrapy state --crawl`` finds them by prefix."""
    cached = getattr(spider, "newscrawl_run_id", None)
    if cached:
        return cached
    job = getattr(spider, "_job", None)
    settings = getattr(spider, "settings", None)
    crawl = settings.get("NEWSCRAWL_CRAWL_ID") if settings is not None else None
    if crawl and settings.get("NEWSCRAWL_REDIS_URL"):
        value = f"{crawl}.{job or socket.gethostname() + '-' + str(os.getpid())}"
    elif job:
        value = str(job)
    else:
        value = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"
    # Kept on the spider so the feed, the report and the log all name the same run.
    spider.newscrawl_run_id = value
    return value


def uri_params(params, spider):
    params = dict(params)
    params.setdefault("run_id", run_id(spider))
    return params
