"""The Japan Times: everything site-specific is in ``newscrawl/sites/japantimes.py``."""

from newscrawl.sites.japantimes import SITE
from newscrawl.spiders.base import SectionSpider


class JapanTimesSpider(SectionSpider):
    name = "japantimes"
    site = SITE
    allowed_domains = ["japantimes.co.jp"]
