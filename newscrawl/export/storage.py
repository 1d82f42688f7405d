"""Local feeds that exist complete or not at all.

Scrapy's ``FileFeedStorage`` writes items straight into the feed file: a crawl killed
(SIGKILL, OOM, a lost machine) leaves a feed with the items exported so far, maybe a torn last
line, while the incremental state (``newscrawl.pipelines.state``) records nothing of a run
that did not end. The next run then exports those articles again: two feeds hold them.

``AtomicFileFeedStorage`` writes to ``<feed>.part`` and, when Scrapy stores the feed at the
end of the crawl, flushes it to disk and renames it to ``<feed>`` (``os.replace``: atomic on
POSIX). A killed run leaves only a ``.part`` file, which no consumer reads (``*.jsonl`` does
not match it) and which the next run does not need: its articles were not recorded, so they
are exported again, and that run deletes it (``StatePipeline.remove_unfinished_feeds``).
Feeds with ``overwrite: False`` (``-o``) that already exist are copied into the ``.part``
first, so appending keeps working.

Settings: ``FEED_STORAGES = {"": ..., "file": "newscrawl.export.storage.AtomicFileFeedStorage"}``.
"""

import logging
import os
import shutil
from pathlib import Path

from scrapy.extensions.feedexport import FileFeedStorage

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"


class AtomicFileFeedStorage(FileFeedStorage):
    def open(self, spider):
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.part = path.with_name(path.name + PART_SUFFIX)
        if self.write_mode == "ab" and path.exists():
            shutil.copyfile(path, self.part)
            return self.part.open("ab")
        return self.part.open("wb")

    def store(self, file):
        file.flush()
        os.fsync(file.fileno())
        file.close()
        os.replace(self.part, self.path)
        _fsync_dir(Path(self.path).parent)
        logger.debug("Feed stored: %s", self.path)


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
