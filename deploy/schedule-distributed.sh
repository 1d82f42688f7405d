#!/usr/bin/env bash
# Schedule one distributed crawl: one job on every Scrapyd node, all with one crawl id.
#
#   deploy/schedule-distributed.sh [SPIDER] [NAME=VALUE ...]
#
# Environment: SCRAPYD_NODES (space-separated Scrapyd URLs, e.g.
# "http://10.0.0.11:6800 http://10.0.0.12:6800"), SCRAPYD_USERNAME, SCRAPYD_PASSWORD (the same
# on every node), NEWSCRAWL_CRAWL_ID (default: <spider>-<UTC minute>, new every run).
# Every node's Scrapyd has NEWSCRAWL_REDIS_URL and NEWSCRAWL_STATE_URL in its own environment
# (docs/distributed.md): they carry passwords, so they are never sent through schedule.json,
# which any Scrapyd user can list. Only the crawl id is: setting=NEWSCRAWL_CRAWL_ID=<id>.
# Prints the crawl id on the last line (`scrapy state --crawl ID` reports it). Exits non-zero
# if any node refused the job; the nodes that accepted it crawl anyway (one worker is a crawl).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

spider="${NEWSCRAWL_SPIDER:-japantimes}"
if [[ $# -gt 0 && "$1" != *=* ]]; then
    spider="$1"
    shift
fi
if [[ -z "${SCRAPYD_NODES:-}" ]]; then
    echo "schedule-distributed.sh: set SCRAPYD_NODES to the Scrapyd URLs of the nodes" >&2
    exit 2
fi
crawl="${NEWSCRAWL_CRAWL_ID:-$spider-$(date -u +%Y%m%dT%H%MZ)}"
if [[ ! "$crawl" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$ ]]; then
    echo "schedule-distributed.sh: bad crawl id '$crawl' (letters, digits, . _ -)" >&2
    exit 2
fi

failed=0
for node in $SCRAPYD_NODES; do
    if ! SCRAPYD_URL="$node" "$here/schedule-crawl.sh" "$spider" \
            "setting=NEWSCRAWL_CRAWL_ID=$crawl" "$@"; then
        echo "schedule-distributed.sh: node $node did not take crawl $crawl" >&2
        failed=1
    fi
done
echo "crawl $crawl"
exit "$failed"
