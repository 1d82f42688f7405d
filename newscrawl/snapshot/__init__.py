"""An offline snapshot of The Japan Times, served from loopback.

Everything the crawler and its tests need to run without the internet: listing pages of four
sections in both site layouts, article pages, the special cases a crawler must survive (bot
wall, truncated page, server error, tracking link, paywalled previews, an article listed
twice), ``/robots.txt`` and ``/feed/``.

- ``manifest.json`` maps each served path (with its query string when it has one) to
  ``{"file", "status", "content_type"}``; ``file`` is relative to ``site/``.
- ``expected.json`` is the ground truth: one record per good article, plus ``special``
  (the URLs of the special cases) and ``listings`` (the listing pages of each section).

All pages except the real 2020 article and the real feed are synthetic; see docs/snapshot.md.
``python -m newscrawl.snapshot build`` regenerates them from the data in this package.
"""

import json
from pathlib import Path

SNAPSHOT_DIR = Path(__file__).resolve().parent
SITE_HOST = "www.japantimes.co.jp"
SITE_ORIGIN = f"https://{SITE_HOST}"

# The section listing paths the snapshot holds, in crawl order.
SECTIONS = ("news/national", "news/asia-pacific", "news/japan", "business")


def _root(root=None):
    return Path(root) if root is not None else SNAPSHOT_DIR


def load_manifest(root=None):
    """The manifest of the snapshot at ``root`` (default: the packaged one)."""
    return json.loads((_root(root) / "manifest.json").read_text(encoding="utf-8"))


def load_expected(root=None):
    """The ground truth of the snapshot at ``root`` (default: the packaged one)."""
    return json.loads((_root(root) / "expected.json").read_text(encoding="utf-8"))
