"""A spider that parses each article page and exports a ready-made record: the benchmark's floor
for any crawl that exports a record per article.

It crawls like ``linkonly`` (the same listings, feeds, sitemaps and article pages), then for each
article page does only what every extracting Scrapy crawl must: parse the page with lxml (the
same ``parse_page`` the extraction uses) and hand one record of the right size to Scrapy's item
machinery and the project's feed export. The record is not read from the page: it is one of a
few records the scale site expects (``ScaleSite.expected_record``), with the page's URL. No
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


def sample_records(count=8):
    """Records as the crawl exports them for the scale site's first articles (no bot walls)."""
    from newscrawl.snapshot.scale import ScaleSite

    site = ScaleSite(max(count * 2, 100), seed=1)
    records = []
    for i in range(site.n):
        record = site.expected_record(i)
        if record is not None:
            record.pop("index", None)
            records.append(record)
        if len(records) == count:
            break
    return records


class ParseExportSpider(JapanTimesSpider):
    name = "parseexport"
    custom_settings = {"ITEM_PIPELINES": {}}

    def parse_article(self, response):
        self.crawler.stats.inc_value(STAT_ARTICLE)
        if not hasattr(self, "_records"):
            self._records = itertools.cycle(sample_records())
        started = time.process_time()
        parse_page(response)
        # The parse's own CPU in the crawl, so the floor splits into parse and item path.
        self.crawler.stats.inc_value("bench/parse_cpu_s", time.process_time() - started,
                                     start=0.0)
        return [dict(next(self._records), url=response.url)]
