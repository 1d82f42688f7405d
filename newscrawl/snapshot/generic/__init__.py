"""The generic sites of the snapshot: news sites without a site module, in two markups.

``harbor-gazette/`` (a WordPress theme) and ``northfield-tribune/`` (a server-rendered Next.js
site), each a snapshot root the server serves (``SnapshotServer(site="harbor-gazette")``,
``python -m newscrawl.snapshot serve --site harbor-gazette``), with its ground truth in
``expected.json``. ``python -m newscrawl.snapshot.generic.build`` regenerates them from
``data.py``; see ``build.py`` for what each holds.
"""

import json

from newscrawl.snapshot import SNAPSHOT_SITES


def load_generic_expected(site):
    """The ground truth of a generic site of the snapshot, by name."""
    return json.loads((SNAPSHOT_SITES[site] / "expected.json").read_text(encoding="utf-8"))
