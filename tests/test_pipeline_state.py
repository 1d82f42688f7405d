"""StatePipeline: across runs, each article is exported once, and again only when it changed."""

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newscrawl.items import ArticleItem
from newscrawl.pipelines.state import StatePipeline
from newscrawl.state.sqlite import StateStore

BASE = "https://www.japantimes.co.jp/news/2020/02/18/national/"


class Site:
    name = "japantimes"
    hosts = ("www.japantimes.co.jp", "japantimes.co.jp")


class JapanTimes(Spider):
    name = "japantimes"
    site = Site()


def article(slug, content_hash=None, modified_at=None, article_id=None, url=None):
    canonical = BASE + slug + "/"
    return ArticleItem(url=url or canonical, canonical_url=canonical, site="japantimes",
                       article_id=article_id, content_hash=content_hash or f"hash-{slug}",
                       modified_at=modified_at, published_at="2020-02-18T18:07:56+09:00",
                       headline=slug)


def send(crawler, signal, **kwargs):
    results = crawler.signals.send_catch_log(signal, **kwargs)
    failures = [r for _, r in results if isinstance(r, Failure)]
    assert not failures, failures[0].getTraceback()


class Run:
    """One crawl, as far as the state pipeline sees it: items in, exported ones signalled."""

    def __init__(self, state_dir, run_id, **spider_kwargs):
        # Scrapy's own extensions are not started here: only this pipeline listens.
        self.crawler = get_crawler(JapanTimes, {"NEWSCRAWL_STATE_DIR": str(state_dir),
                                                "EXTENSIONS_BASE": {}})
        self.crawler.spider = self.crawler._create_spider(**spider_kwargs)
        self.crawler.spider.newscrawl_run_id = run_id
        self.pipeline = build_from_crawler(StatePipeline, self.crawler)
        self.exported = []
        self.unchanged = []

    def feed(self, *items, export=True):
        for item in items:
            try:
                out = self.pipeline.process_item(item)
            except DropItem as exc:
                assert "unchanged" in str(exc)
                self.unchanged.append(item["headline"])
                continue
            if export:
                send(self.crawler, signals.item_scraped, item=out, response=None,
                     spider=self.crawler.spider)
                self.exported.append(out["headline"])
        return self

    def finish(self):
        self.crawler.stats.set_value("finish_reason", "finished")
        send(self.crawler, signals.engine_stopped)
        return self

    def stat(self, key):
        return self.crawler.stats.get_value(key, 0)


def test_second_run_exports_only_new_articles(tmp_path):
    first = Run(tmp_path, "run1").feed(article("a"), article("b")).finish()
    assert first.exported == ["a", "b"]
    assert first.stat("newscrawl/exported/new") == 2

    second = Run(tmp_path, "run2").feed(article("a"), article("b"), article("c")).finish()
    assert second.exported == ["c"]
    assert second.unchanged == ["a", "b"]
    assert second.stat("newscrawl/unchanged") == 2
    assert second.stat("newscrawl/exported/new") == 1
    # an unchanged article is not a dropped page
    assert second.stat("newscrawl/dropped") == 0

    with StateStore.for_site(tmp_path, "japantimes") as store:
        assert store.article_count() == 3
        assert store.get(BASE + "a/").last_run == "run1"
        run = store.last_run()
        assert run["run_id"] == "run2"
        assert run["counts"]["unchanged"] == 2 and run["counts"]["new"] == 1


@pytest.mark.parametrize(
    "changed",
    [{"content_hash": "hash-a-v2"}, {"modified_at": "2020-02-19T09:00:00+09:00"}],
)
def test_changed_article_is_exported_again_as_updated(tmp_path, changed):
    Run(tmp_path, "run1").feed(article("a"), article("b")).finish()
    second = Run(tmp_path, "run2").feed(article("a", **changed), article("b")).finish()
    assert second.exported == ["a"]
    assert second.stat("newscrawl/exported/updated") == 1
    assert second.stat("newscrawl/exported/new") == 0
    # and the state now holds the new version: a third run exports nothing
    third = Run(tmp_path, "run3").feed(article("a", **changed), article("b")).finish()
    assert third.exported == []
    with StateStore.for_site(tmp_path, "japantimes") as store:
        assert store.get(BASE + "a/").exports == 2


def test_known_under_another_url_by_article_id_or_body(tmp_path):
    Run(tmp_path, "run1").feed(article("a", article_id="42"), article("b")).finish()
    second = Run(tmp_path, "run2").feed(
        article("a-renamed", article_id="42", content_hash="hash-a"),  # slug edited
        article("b-copy", content_hash="hash-b"),                      # same body elsewhere
    ).finish()
    assert second.exported == []
    assert second.unchanged == ["a-renamed", "b-copy"]


def test_tracking_and_http_variants_of_an_exported_url_are_unchanged(tmp_path):
    Run(tmp_path, "run1").feed(article("a")).finish()
    variant = article("a")
    variant["canonical_url"] = "http://japantimes.co.jp/news/2020/02/18/national/a/?utm_source=x"
    assert Run(tmp_path, "run2").feed(variant).finish().unchanged == ["a"]


def test_fresh_run_exports_everything_and_still_records(tmp_path):
    Run(tmp_path, "run1").feed(article("a")).finish()
    fresh = Run(tmp_path, "run2", fresh="1").feed(article("a"), article("b")).finish()
    assert fresh.exported == ["a", "b"]
    assert fresh.stat("newscrawl/exported/repeated") == 1
    assert fresh.stat("newscrawl/exported/new") == 1
    assert Run(tmp_path, "run3").feed(article("b")).finish().exported == []


def test_fresh_0_is_not_fresh(tmp_path):
    Run(tmp_path, "run1").feed(article("a")).finish()
    assert Run(tmp_path, "run2", fresh="0").feed(article("a")).finish().exported == []


def test_an_item_not_exported_is_not_recorded(tmp_path):
    # accepted here, then dropped (e.g. by a later pipeline) or never reaching the feed
    run = Run(tmp_path, "run1").feed(article("a"), export=False)
    send(run.crawler, signals.item_dropped, item=article("a"), response=None,
         exception=DropItem("x"), spider=run.crawler.spider)
    run.finish()
    assert Run(tmp_path, "run2").feed(article("a")).finish().exported == ["a"]


def test_nothing_is_recorded_before_the_run_ends(tmp_path):
    """A run killed before its feeds were stored: its articles are exported again."""
    Run(tmp_path, "run1").feed(article("a"))  # no engine_stopped: killed
    with StateStore.for_site(tmp_path, "japantimes") as store:
        assert store.article_count() == 0
        assert store.summary()["uncommitted"] == 1
    assert Run(tmp_path, "run2").feed(article("a")).finish().exported == ["a"]


def test_failed_feed_storage_records_nothing(tmp_path, caplog):
    run = Run(tmp_path, "run1").feed(article("a"))
    run.crawler.stats.set_value("feedexport/failed_count/S3FeedStorage", 1)
    run.finish()
    assert "Feed storage failed" in caplog.text
    assert Run(tmp_path, "run2").feed(article("a")).finish().exported == ["a"]


def test_a_job_turned_away_by_the_overlap_guard_touches_nothing(tmp_path):
    run = Run(tmp_path, "run1")
    run.crawler.stats.set_value("newscrawl/overlap", 1)
    run.finish()
    assert not (tmp_path / "japantimes.sqlite3").exists()


def test_pipeline_needs_no_spider_argument(tmp_path):
    run = Run(tmp_path, "run1")
    item = article("a")
    assert run.pipeline.process_item(item) is item


def test_unfinished_feeds_of_killed_runs_are_removed_not_the_running_ones(tmp_path):
    feeds = tmp_path / "output" / "japantimes"
    feeds.mkdir(parents=True)
    killed = [feeds / "japantimes_20261127T010000Z-11.jsonl.part",
              feeds / "japantimes_20261127T020000Z-12.json.part"]
    running = feeds / "japantimes_run2.jsonl.part"
    kept = [feeds / "japantimes_20261126T010000Z-10.jsonl",  # a stored feed
            tmp_path / "output" / "other" / "other_x.jsonl.part"]  # another spider's
    for path in killed + kept + [running]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"url": "x"}\n')
    StatePipeline.remove_unfinished_feeds(str(tmp_path / "output"), "japantimes", "run2")
    assert [p.exists() for p in killed] == [False, False]
    assert running.exists()
    assert all(p.exists() for p in kept)


def test_a_run_sweeps_the_parts_killed_runs_left(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # NEWSCRAWL_FEED_DIR defaults to ./output
    part = tmp_path / "output" / "japantimes" / "japantimes_run0.jsonl.part"
    part.parent.mkdir(parents=True)
    part.write_text("")
    own = part.with_name("japantimes_run1.jsonl.part")
    own.write_text("")
    Run(tmp_path / "state", "run1").feed(article("a")).finish()
    assert not part.exists()
    assert own.exists()
