#!/usr/bin/env bash
# Start Scrapyd for newscrawl with the project's scrapyd.conf, in one data folder:
#   $NEWSCRAWL_HOME/scrapyd/{logs,eggs,dbs}   Scrapyd's logs, deployed eggs, queues and job list
#   $NEWSCRAWL_HOME/feeds/                    NEWSCRAWL_FEED_DIR: one feed per job
#   $NEWSCRAWL_HOME/state/                    NEWSCRAWL_STATE_DIR: incremental state + site locks
# NEWSCRAWL_HOME defaults to ~/newscrawl. NEWSCRAWL_FEED_DIR / NEWSCRAWL_STATE_DIR already set
# in the environment are kept. Jobs inherit this environment from Scrapyd.
#
# Requires SCRAPYD_USERNAME and SCRAPYD_PASSWORD (Scrapyd 1.6 reads them): without them Scrapyd
# would run with authentication disabled, so this script refuses to start.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -z "${SCRAPYD_USERNAME:-}" || -z "${SCRAPYD_PASSWORD:-}" ]]; then
    echo "run-scrapyd.sh: set SCRAPYD_USERNAME and SCRAPYD_PASSWORD (Scrapyd's basic auth)" >&2
    exit 2
fi
if [[ "$SCRAPYD_USERNAME" == *:* ]]; then
    echo "run-scrapyd.sh: SCRAPYD_USERNAME must not contain ':'" >&2
    exit 2
fi

home="${NEWSCRAWL_HOME:-$HOME/newscrawl}"
export NEWSCRAWL_FEED_DIR="${NEWSCRAWL_FEED_DIR:-$home/feeds}"
export NEWSCRAWL_STATE_DIR="${NEWSCRAWL_STATE_DIR:-$home/state}"
mkdir -p "$home/scrapyd" "$NEWSCRAWL_FEED_DIR" "$NEWSCRAWL_STATE_DIR"

# Scrapyd reads ./scrapyd.conf from its working directory; the relative *_dir settings in it
# resolve there too. Linked, not copied: edits to the project's file apply on restart.
ln -sfn "$repo/scrapyd.conf" "$home/scrapyd/scrapyd.conf"
cd "$home/scrapyd"

scrapyd="${SCRAPYD_BIN:-$repo/.venv/bin/scrapyd}"
if [[ ! -x "$scrapyd" ]]; then
    scrapyd="$(command -v scrapyd)" || {
        echo "run-scrapyd.sh: no scrapyd: run 'make venv' or set SCRAPYD_BIN" >&2
        exit 2
    }
fi
exec "$scrapyd" "$@"
