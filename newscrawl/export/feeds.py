"""Feed URI parameters: a per-run id so that feeds of different runs never collide."""

import os
from datetime import UTC, datetime


def run_id(spider):
    """The Scrapyd job id when there is one, else a UTC timestamp and the process id."""
    cached = getattr(spider, "newscrawl_run_id", None)
    if cached:
        return cached
    job = getattr(spider, "_job", None)
    value = str(job) if job else datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"
    # Kept on the spider so the feed, the report and the log all name the same run.
    spider.newscrawl_run_id = value
    return value


def uri_params(params, spider):
    params = dict(params)
    params.setdefault("run_id", run_id(spider))
    return params
