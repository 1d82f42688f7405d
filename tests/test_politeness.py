"""A crawl is polite by default: robots.txt obeyed, a User-Agent naming the project and a
contact URL, AutoThrottle on, a delay, modest concurrency. Checked on the settings a live
crawl gets and on what a real loopback server sees from a real crawl."""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.utils.project import get_project_settings

from newscrawl.snapshot.__main__ import copy_snapshot
from newscrawl.snapshot.server import SnapshotHandler, SnapshotServer

ROOT = Path(__file__).resolve().parents[1]


def live_settings():
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        return get_project_settings()
    finally:
        os.chdir(old)


def test_live_crawl_settings_are_polite():
    settings = live_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") <= 1
    ua = settings.get("USER_AGENT")
    assert ua.startswith("newscrawl/") and re.search(r"\+https?://\S+", ua), ua
    # the unthrottled slot is only for the loopback mirror
    assert set(settings.getdict("DOWNLOAD_SLOTS")) == {"newscrawl-mirror"}
    assert not settings.get("NEWSCRAWL_MIRROR")


def test_callback_outputs_are_not_given_a_hundred_workers_each():
    # Scrapy starts CONCURRENT_ITEMS asyncio tasks per response; its default (100) cost more
    # CPU per page than parsing it (settings.py)
    assert live_settings().getint("CONCURRENT_ITEMS") <= 16


class RecordingServer(SnapshotServer):
    def start(self):
        super().start()
        self.seen = []
        lock = threading.Lock()
        seen = self.seen

        class Recording(SnapshotHandler):
            def _answer(self, with_body):
                with lock:
                    seen.append((urlsplit(self.path).path, self.headers.get("User-Agent")))
                return super()._answer(with_body)

        self.httpd.RequestHandlerClass = Recording
        return self


def test_robots_txt_is_obeyed_and_the_user_agent_is_sent(tmp_path):
    snapshot = tmp_path / "snapshot"
    copy_snapshot(snapshot)
    robots = snapshot / "site" / "robots.txt"
    # the site forbids one section's second page and one article
    article = "/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"
    robots.write_text(robots.read_text("utf-8").replace(
        "Disallow: /search/\n", f"Disallow: /search/\nDisallow: /news/national/page/\n"
        f"Disallow: {article}\n"), "utf-8")
    with RecordingServer(root=snapshot) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "japantimes", "-a", "sections=news/national",
             "-s", f"NEWSCRAWL_MIRROR={server.url}", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 's'}",
             "-O", str(tmp_path / "out.jsonl")],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")},
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    paths = [path for path, _ in server.seen]
    assert paths[0] == "/robots.txt"
    assert "/news/national/" in paths
    assert "/news/national/page/2/" not in paths
    assert article not in paths
    assert len(paths) > 5  # it did crawl the allowed articles
    agents = {agent for _, agent in server.seen}
    assert agents == {live_settings().get("USER_AGENT")}
    assert "'robotstxt/forbidden': 2" in proc.stderr
