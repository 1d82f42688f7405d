"""DuplicatesPipeline: one story, one record within a run."""

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.items import ArticleItem
from newscrawl.pipelines.duplicates import DuplicatesPipeline

URL = "https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"


class Site:
    name = "japantimes"
    hosts = ("www.japantimes.co.jp", "japantimes.co.jp")


class JapanTimes(Spider):
    name = "japantimes"
    site = Site()


def article(url=URL, canonical_url=None, article_id="2254010", content_hash="h-masks",
            section="National"):
    return ArticleItem(url=url, canonical_url=canonical_url or url, site="japantimes",
                       article_id=article_id, content_hash=content_hash, section=section,
                       headline="6,000 surgical masks stolen")


@pytest.fixture
def crawler():
    crawler = get_crawler(JapanTimes)
    crawler.spider = crawler._create_spider()
    return crawler


@pytest.fixture
def pipeline(crawler):
    return build_from_crawler(DuplicatesPipeline, crawler)


def duplicates(crawler):
    return {k: v for k, v in crawler.stats.get_stats().items()
            if k.startswith("newscrawl/duplicates/")}


@pytest.mark.parametrize(
    "variant",
    [
        URL + "#.XZKZykZKjD4",                             # AddThis fragment
        URL + "?utm_source=twitter&utm_medium=social",     # tracking query
        URL.replace("https://", "http://"),                # http
        URL.replace("www.", ""),                           # without www
        URL.replace("https://www.", "HTTP://WWW.").replace("/news/", "//news/"),
    ],
)
def test_same_canonical_url_however_linked_is_exported_once(pipeline, crawler, variant):
    assert pipeline.process_item(article()) is not None
    # the same story listed in another section, reached by the variant link; the loader's
    # canonical URL is the variant too when the page had no rel=canonical
    with pytest.raises(DropItem, match=r"duplicate \(canonical_url\)"):
        pipeline.process_item(article(url=variant, article_id=None, content_hash="other",
                                      section="Asia Pacific"))
    assert duplicates(crawler) == {"newscrawl/duplicates/canonical_url": 1}


def test_same_article_id_under_another_url(pipeline, crawler):
    pipeline.process_item(article())
    with pytest.raises(DropItem, match=r"duplicate \(article_id\)"):
        pipeline.process_item(article(url="https://www.japantimes.co.jp/?p=2254010",
                                      content_hash="preview-hash"))
    assert duplicates(crawler) == {"newscrawl/duplicates/article_id": 1}


def test_same_body_under_another_url_and_id(pipeline, crawler):
    pipeline.process_item(article())
    with pytest.raises(DropItem, match=r"duplicate \(content_hash\)"):
        pipeline.process_item(article(url="https://www.japantimes.co.jp/news/2020/02/19/x/",
                                      article_id="999"))
    assert duplicates(crawler) == {"newscrawl/duplicates/content_hash": 1}


def test_article_id_is_per_site(pipeline):
    pipeline.process_item(article())
    other = article(url="https://example.org/a/", content_hash="other")
    other["site"] = "othersite"
    assert pipeline.process_item(other) is other


def test_different_articles_all_pass_and_missing_keys_are_no_key(pipeline, crawler):
    for n in range(5):
        item = article(url=f"https://www.japantimes.co.jp/news/2020/02/18/a-{n}/",
                       article_id=None, content_hash=None)
        assert pipeline.process_item(item) is item
    assert duplicates(crawler) == {}


def test_first_key_that_matches_is_the_one_counted(pipeline, crawler):
    pipeline.process_item(article())
    with pytest.raises(DropItem):
        pipeline.process_item(article())  # all three keys match
    assert duplicates(crawler) == {"newscrawl/duplicates/canonical_url": 1}


def test_an_item_another_worker_claimed_is_forgotten_not_a_duplicate(pipeline):
    # a distributed crawl: the state pipeline dropped it because another worker claimed it;
    # when that worker dies the article comes back here and must be exported
    first = article()
    pipeline.process_item(first)
    pipeline.item_dropped(first, exception=DropItem("claimed: run w1 exports this version"))
    assert pipeline.process_item(article()) is not None
    # any other drop keeps it: a second copy is a duplicate
    pipeline.item_dropped(article(), exception=DropItem("unchanged: exported by run r1"))
    with pytest.raises(DropItem, match="duplicate"):
        pipeline.process_item(article())
