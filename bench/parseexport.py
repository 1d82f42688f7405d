"""A spider that parses each article page and exports a ready-made record: the benchmark's floor
for any crawl that exports a record per article.

It crawls like ``linkonly`` (the same listings, feeds, sitemaps and article pages), then for each
article page does only what every extracting Scrapy crawl must: parse the page with lxml (the
same ``parse_page`` the extraction uses, timed as ``bench/parse_cpu_s``) and hand one record to
Scrapy's item machinery and the project's feed export. The record is not read from that page:
it is one of a few full records extracted once, before the spider opens, from the scale site's
first pages (``newscrawl.api.extract``: the size the crawl exports), with the page's URL. No
project pipeline runs.

``bench/scale.py`` subtracts ``linkonly``'s CPU per article from this spider's to show how much
of the 2x-the-parse budget for the project's own CPU is spent before any extraction starts.
Kept in ``bench/`` so that it is never deployed with the project's spiders.
"""

import itertools
import time

from newscrawl.extraction.article import parse_page
from newscrawl.spiders.base import STAT_ARTICLE
from newscrawl.spiders.japantimes import JapanTimesSpider

# CPU seconds spent in parse_page, summed over the crawl (read by bench/scale.py).
STAT_PARSE_CPU = "bench/parse_cpu_s"


def sample_records(count=8):
    """Records exactly as the crawl exports them (``newscrawl.api.extract``: extraction,
    cleaning, validation) for the scale site's first article pages, bot walls skipped."""
    from newscrawl.api import extract
    from newscrawl.snapshot.scale import ScaleSite

    site = ScaleSite(max(count * 2, 100), seed=1)
    records = []
    for i in range(site.n):
        if site.is_botwall(i):
            continue
        records.append(extract(site.answer(site.path(i))[2], site.url(i)))
        if len(records) == count:
            break
    return records


class ParseExportSpider(JapanTimesSpider):
    name = "parseexport"
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made before the spider opens: the crawl's CPU is counted from spider_opened on.
        self._records = itertools.cycle(sample_records())

    def parse_article(self, response):
        self.crawler.stats.inc_value(STAT_ARTICLE)
        started = time.process_time()
        parse_page(response)
        # The parse's own CPU in the crawl, so the floor splits into parse and item path.
        self.crawler.stats.inc_value(STAT_PARSE_CPU, time.process_time() - started, start=0.0)
        return [dict(next(self._records), url=response.url)]
