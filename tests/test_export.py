"""Feeds: `scrapy crawl` in a subprocess against the loopback snapshot.

The default feed is one new file per run, ``<NEWSCRAWL_FEED_DIR>/japantimes/japantimes_<run
id>.jsonl``, every schema key in schema order, UTF-8 as it is; the directory comes from the
environment unless ``-s`` says otherwise; ``-O``/``-o`` replace the default feed.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.items import ARTICLE_KEYS
from newscrawl.snapshot import expected_articles
from newscrawl.snapshot.server import SnapshotServer

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "newscrawl" / "schema" / "article.schema.json").read_text("utf-8"))
SECTION = "news/national"
# the section's articles through every way in (its listing, the feeds, the sitemaps)
NATIONAL = sorted(a["url"] for a in expected_articles(sections=[SECTION]))
FEED_NAME = re.compile(r"japantimes_(?P<run_id>\d{8}T\d{6}Z-\d+)\.jsonl")


@pytest.fixture(scope="module")
def server():
    with SnapshotServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return tmp_path_factory.mktemp("export")


def crawl(server, tmp, *args, env_feed_dir=None):
    """One crawl of one section; each run has its own state so that it exports again."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    if env_feed_dir is not None:
        env["NEWSCRAWL_FEED_DIR"] = str(env_feed_dir)
    state = tmp / f"state-{len(list(tmp.glob('state-*')))}"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "japantimes", "-a", f"sections={SECTION}",
         "-s", f"NEWSCRAWL_MIRROR={server.url}", "-s", f"NEWSCRAWL_STATE_DIR={state}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def feeds(directory):
    return sorted((directory / "japantimes").glob("*.jsonl")) if directory.exists() else []


@pytest.fixture(scope="module")
def env_runs(server, runs):
    """Two runs with NEWSCRAWL_FEED_DIR from the environment only."""
    env_dir = runs / "env-feeds"
    crawl(server, runs, env_feed_dir=env_dir)
    first = feeds(env_dir)
    crawl(server, runs, env_feed_dir=env_dir)
    return env_dir, first, feeds(env_dir)


def test_the_default_feed_is_named_per_run_in_the_feed_dir(env_runs):
    env_dir, first, _ = env_runs
    assert len(first) == 1
    feed = first[0]
    assert feed.parent == env_dir / "japantimes"
    assert FEED_NAME.fullmatch(feed.name), feed.name
    # The crawl report sits beside it, under the same run id.
    assert feed.with_name(feed.name.removesuffix(".jsonl") + ".report.json").is_file()


def test_every_line_has_every_schema_key_in_schema_order(env_runs):
    _, first, _ = env_runs
    lines = first[0].read_text("utf-8").splitlines()
    assert len(lines) == len(NATIONAL) == 9
    assert list(SCHEMA["properties"]) == list(ARTICLE_KEYS)
    for line in lines:
        record = json.loads(line)
        assert list(record) == list(SCHEMA["properties"])
    assert sorted(json.loads(line)["url"] for line in lines) == NATIONAL


def test_the_feed_is_utf8_with_non_ascii_as_it_is(env_runs):
    _, first, _ = env_runs
    data = first[0].read_bytes()
    text = data.decode("utf-8")  # strict: fails on anything that is not UTF-8
    assert "¥40,000" in text  # the masks article
    assert "’" in text and "–" in text
    assert "\\u2019" not in text and "\\u00a5" not in text and "\\u2013" not in text


def test_two_runs_give_two_files(env_runs):
    _, first, both = env_runs
    assert len(both) == 2
    assert first[0] in both
    run_ids = {FEED_NAME.fullmatch(f.name)["run_id"] for f in both}
    assert len(run_ids) == 2
    for feed in both:
        assert len(feed.read_text("utf-8").splitlines()) == len(NATIONAL)


def test_s_wins_over_the_environment(server, runs):
    env_dir, s_dir = runs / "env-ignored", runs / "s-feeds"
    crawl(server, runs, "-s", f"NEWSCRAWL_FEED_DIR={s_dir}", env_feed_dir=env_dir)
    assert len(feeds(s_dir)) == 1
    assert len(feeds(s_dir)[0].read_text("utf-8").splitlines()) == len(NATIONAL)
    assert not env_dir.exists()


def test_O_json_writes_a_valid_json_array_and_no_default_feed(server, runs):  # noqa: N802
    out, feed_dir = runs / "out.json", runs / "unused-feeds-O"
    crawl(server, runs, "-O", str(out), "-s", f"NEWSCRAWL_FEED_DIR={feed_dir}")
    records = json.loads(out.read_text("utf-8"))
    assert isinstance(records, list) and len(records) == len(NATIONAL)
    assert all(list(r) == list(ARTICLE_KEYS) for r in records)
    assert "¥40,000" in out.read_text("utf-8")
    assert feeds(feed_dir) == []
    # -O overwrites.
    crawl(server, runs, "-O", str(out), "-s", f"NEWSCRAWL_FEED_DIR={feed_dir}")
    assert len(json.loads(out.read_text("utf-8"))) == len(NATIONAL)


def test_o_jsonl_appends_lines(server, runs):
    out, feed_dir = runs / "appended.jsonl", runs / "unused-feeds-o"
    crawl(server, runs, "-o", str(out), "-s", f"NEWSCRAWL_FEED_DIR={feed_dir}")
    first = out.read_text("utf-8").splitlines()
    assert len(first) == len(NATIONAL)
    crawl(server, runs, "-o", str(out), "-s", f"NEWSCRAWL_FEED_DIR={feed_dir}")
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 2 * len(NATIONAL)
    n = len(NATIONAL)
    assert lines[:n] == first  # the first run's lines are kept, the second run's follow
    assert sorted(json.loads(line)["url"] for line in lines[n:]) == NATIONAL
    assert all(list(json.loads(line)) == list(ARTICLE_KEYS) for line in lines)
    assert feeds(feed_dir) == []
