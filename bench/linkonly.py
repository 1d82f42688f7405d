"""A spider that crawls like ``japantimes`` but extracts nothing: the benchmark's baseline.

It follows the same listing pages, pagination and article links (``SectionSpider``'s own
``start`` and ``parse_listing``) and downloads the same article pages, then drops each article
response unread. Kept in ``bench/`` so that it is never deployed with the project's spiders.
"""

from newscrawl.spiders.base import STAT_ARTICLE
from newscrawl.spiders.japantimes import JapanTimesSpider


class LinkOnlySpider(JapanTimesSpider):
    name = "linkonly"

    def parse_article(self, response):
        self.crawler.stats.inc_value(STAT_ARTICLE)
        return []
