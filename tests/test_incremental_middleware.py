"""IncrementalMiddleware: requests for what is known are not sent."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.incremental import IncrementalMiddleware
from newscrawl.state.sqlite import StateStore

OLD = "https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/masks-stolen/"
RECENT = "https://www.japantimes.co.jp/news/2026/11/27/national/recent-story/"
LISTING = "https://www.japantimes.co.jp/news/national/"


class Site:
    name = "japantimes"
    hosts = ("www.japantimes.co.jp", "japantimes.co.jp")


class JapanTimes(Spider):
    name = "japantimes"
    site = Site()


@pytest.fixture
def state_dir(tmp_path):
    recent = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")
    with StateStore.for_site(tmp_path, "japantimes") as store:
        store.stage("run1", {"canonical_url": OLD, "published_at": "2020-02-18T18:07:56+09:00"})
        store.stage("run1", {"canonical_url": RECENT, "published_at": recent})
        store.commit_run("run1")
    return tmp_path


def middleware(state_dir, recrawl_hours=48, **spider_kwargs):
    crawler = get_crawler(JapanTimes, {"NEWSCRAWL_STATE_DIR": str(state_dir),
                                       "NEWSCRAWL_RECRAWL_HOURS": recrawl_hours})
    crawler.spider = crawler._create_spider(**spider_kwargs)
    mw = build_from_crawler(IncrementalMiddleware, crawler)
    mw.spider_opened(crawler.spider)
    return mw, crawler.stats


def sent(mw, url, **kwargs):
    try:
        return mw.process_request(Request(url, **kwargs)) is None
    except IgnoreRequest:
        return False


@pytest.mark.parametrize(
    "url",
    [
        OLD,
        OLD + "?utm_source=twitter#.XZKZykZKjD4",
        OLD.replace("https://www.", "http://"),
    ],
)
def test_exported_article_outside_the_recrawl_window_is_not_fetched(state_dir, url):
    mw, stats = middleware(state_dir)
    assert not sent(mw, url)
    assert stats.get_value("newscrawl/requests/skipped_seen") == 1


def test_exported_article_inside_the_recrawl_window_is_fetched_again(state_dir):
    mw, stats = middleware(state_dir)
    assert sent(mw, RECENT)
    assert stats.get_value("newscrawl/requests/recrawl") == 1
    assert stats.get_value("newscrawl/requests/skipped_seen") is None


def test_the_window_is_a_setting(state_dir):
    mw, _ = middleware(state_dir, recrawl_hours=1)
    assert not sent(mw, RECENT)
    years = (time.time() - datetime(2020, 2, 18, tzinfo=UTC).timestamp()) / 3600 + 48
    mw, _ = middleware(state_dir, recrawl_hours=years)
    assert sent(mw, OLD)


def test_listing_pages_and_unknown_articles_are_fetched(state_dir):
    mw, stats = middleware(state_dir)
    assert sent(mw, LISTING)
    assert sent(mw, LISTING + "page/2/")
    assert sent(mw, "https://www.japantimes.co.jp/news/2026/11/28/national/new-story/")
    # a page the spider marks as a listing page is never skipped by the state
    assert sent(mw, OLD, meta={"newscrawl_listing": True})
    assert stats.get_value("newscrawl/requests/skipped_seen") is None


def test_fresh_ignores_the_state(state_dir):
    mw, stats = middleware(state_dir, fresh="1")
    assert sent(mw, OLD)
    assert stats.get_value("newscrawl/requests/skipped_seen") is None


def test_a_url_already_requested_in_this_run_is_not_requested_again(tmp_path):
    mw, stats = middleware(tmp_path)
    url = "https://www.japantimes.co.jp/news/2026/11/28/national/new-story/"
    assert sent(mw, url)
    for variant in (url + "#comments", url + "?utm_medium=social",
                    url.replace("https://www.", "http://")):
        assert not sent(mw, variant)
    assert stats.get_value("newscrawl/requests/skipped_duplicate") == 3
    # pagination queries are not tracking: different listing pages
    assert sent(mw, LISTING + "?page=2")
    assert sent(mw, LISTING + "?page=3")


def test_retries_and_redirect_hops_are_not_duplicates(tmp_path):
    mw, stats = middleware(tmp_path)
    url = "http://japantimes.co.jp/news/2026/11/28/national/new-story/"
    assert sent(mw, url)
    assert sent(mw, url, dont_filter=True)  # a retry
    hop = "https://www.japantimes.co.jp/news/2026/11/28/national/new-story/"
    assert sent(mw, hop, meta={"redirect_urls": [url]})
    assert stats.get_value("newscrawl/requests/skipped_duplicate") is None


def test_no_state_yet_sends_everything(tmp_path):
    mw, _ = middleware(tmp_path / "empty")
    assert sent(mw, OLD)


# --- change signals from discovery (sitemap lastmod, feed dates) ---------------------------
def ts(text):
    return datetime.fromisoformat(text).timestamp()


def test_a_newer_change_signal_fetches_an_old_exported_article_again(state_dir):
    mw, stats = middleware(state_dir)
    newer = ts("2023-11-25T10:00:00+09:00")
    assert sent(mw, OLD, meta={"newscrawl_changed": newer})
    assert stats.get_value("newscrawl/requests/changed") == 1


def test_a_signal_no_newer_than_the_record_does_not(state_dir):
    mw, stats = middleware(state_dir)
    assert not sent(mw, OLD, meta={"newscrawl_changed": ts("2020-02-18T18:07:56+09:00")})
    assert not sent(mw, OLD + "?x=1", meta={"newscrawl_changed": ts("2019-01-01T00:00:00")})
    assert stats.get_value("newscrawl/requests/changed") is None


def test_a_signal_that_fetched_an_unchanged_page_is_remembered(state_dir):
    newer = ts("2023-11-25T10:00:00+09:00")
    with StateStore.for_site(state_dir, "japantimes") as store:
        store.note_signal(OLD, newer)
        assert store.get(OLD).signal_ts == newer
    mw, _ = middleware(state_dir)
    assert not sent(mw, OLD, meta={"newscrawl_changed": newer})
    mw, _ = middleware(state_dir)
    assert sent(mw, OLD, meta={"newscrawl_changed": newer + 60})


def test_a_signal_retry_is_sent_only_when_the_first_request_was_skipped(state_dir):
    mw, _ = middleware(state_dir)
    assert not sent(mw, OLD)  # skipped: exported before, no signal
    newer = ts("2023-11-25T10:00:00+09:00")
    retry = {"newscrawl_changed": newer, "newscrawl_signal_retry": True}
    assert sent(mw, OLD, meta=retry, dont_filter=True)
    new_url = "https://www.japantimes.co.jp/news/2023/11/24/japan/brand-new/"
    assert sent(mw, new_url)  # fetched: not in the state
    assert not sent(mw, new_url, meta=retry, dont_filter=True)  # never fetched twice
    fresh, _ = middleware(state_dir, fresh="1")
    assert sent(fresh, OLD)
    assert not sent(fresh, OLD, meta=retry, dont_filter=True)


def test_a_signal_retry_that_overtakes_its_first_request_takes_its_place(state_dir):
    # Scrapy's scheduler is LIFO: the retry (with the newer signal) may come first
    mw, stats = middleware(state_dir)
    retry = {"newscrawl_changed": ts("2023-11-25T10:00:00+09:00"),
             "newscrawl_signal_retry": True}
    assert sent(mw, OLD, meta=retry, dont_filter=True)
    assert not sent(mw, OLD, meta={"newscrawl_changed": ts("2020-02-18T18:07:56+09:00")})
    assert stats.get_value("newscrawl/requests/skipped_duplicate") == 1


def test_the_downloaders_retry_of_a_signal_request_is_sent(state_dir):
    # a 503 on the request that a newer signal let through: its retry is the same fetch
    mw, _ = middleware(state_dir)
    request = Request(OLD, dont_filter=True,
                      meta={"newscrawl_changed": ts("2023-11-25T10:00:00+09:00"),
                            "newscrawl_signal_retry": True})
    assert mw.process_request(request) is None
    retry = request.replace(dont_filter=True)
    retry.meta["retry_times"] = 1
    assert mw.process_request(retry) is None
