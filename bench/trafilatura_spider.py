"""The peer of ``bench/scale.py``: a plain Scrapy spider that extracts with trafilatura.

What a Scrapy user writes without this project: a ``SitemapSpider`` reading the site's
sitemaps from ``robots.txt`` whose callback calls ``trafilatura.extract`` (JSON with metadata)
and yields the result, exported as JSON Lines by Scrapy's feed exports. No state, no
validation, no deduplication beyond Scrapy's dupefilter. It runs with plain Scrapy settings,
only borrowing the project's mirror download handler to reach the loopback site, and the
project's concurrency (8 requests at a time, no delay), so that both crawls download alike.
"""

import json

import trafilatura
from scrapy.settings import Settings
from scrapy.spiders import SitemapSpider

MIRROR_HANDLER = "newscrawl.middlewares.mirror.MirrorDownloadHandler"


class TrafilaturaSpider(SitemapSpider):
    name = "trafilatura"
    sitemap_urls = ["https://www.japantimes.co.jp/robots.txt"]

    def parse(self, response):
        self.crawler.stats.inc_value("bench/article_pages")
        extracted = trafilatura.extract(response.text, url=response.url, output_format="json",
                                        with_metadata=True)
        if extracted:
            yield json.loads(extracted)


def plain_settings(mirror, feed_path):
    settings = Settings()
    settings.setdict({
        "NEWSCRAWL_MIRROR": mirror,
        "DOWNLOAD_HANDLERS": {"http": MIRROR_HANDLER, "https": MIRROR_HANDLER},
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "FEEDS": {feed_path: {"format": "jsonlines", "encoding": "utf-8"}},
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
    }, priority="cmdline")
    return settings
