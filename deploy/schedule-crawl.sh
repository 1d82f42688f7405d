#!/usr/bin/env bash
# Schedule one newscrawl job on Scrapyd through schedule.json; for cron and the systemd timer.
#
#   deploy/schedule-crawl.sh [SPIDER] [NAME=VALUE ...]
#
# Each NAME=VALUE is sent as is: a spider argument (sections=news,business  max_pages=3) or a
# setting (setting=NEWSCRAWL_RECRAWL_HOURS=24). SPIDER defaults to $NEWSCRAWL_SPIDER, else
# japantimes.
# Environment: SCRAPYD_URL (default http://127.0.0.1:6800), SCRAPYD_USERNAME, SCRAPYD_PASSWORD,
# NEWSCRAWL_PROJECT (default newscrawl).
# Exits non-zero (cron mails it, systemd marks the unit failed) when Scrapyd cannot be reached,
# refuses the credentials, or answers with an error. A job that another job of the same site
# turns away (overlap guard) is not an error here: Scrapyd accepted it; it ends at once.
set -euo pipefail

url="${SCRAPYD_URL:-http://127.0.0.1:6800}"
project="${NEWSCRAWL_PROJECT:-newscrawl}"
spider="${NEWSCRAWL_SPIDER:-japantimes}"
if [[ $# -gt 0 && "$1" != *=* ]]; then
    spider="$1"
    shift
fi

if [[ -z "${SCRAPYD_USERNAME:-}" || -z "${SCRAPYD_PASSWORD:-}" ]]; then
    echo "schedule-crawl.sh: set SCRAPYD_USERNAME and SCRAPYD_PASSWORD" >&2
    exit 2
fi

args=(--data-urlencode "project=$project" --data-urlencode "spider=$spider")
for pair in "$@"; do
    args+=(--data-urlencode "$pair")
done

# The credentials go to curl through its config on stdin, never on its command line (which
# any local user can read in ps).
esc() { local s="${1//\\/\\\\}"; printf '%s' "${s//\"/\\\"}"; }
response="$(
    printf 'user = "%s:%s"\n' "$(esc "$SCRAPYD_USERNAME")" "$(esc "$SCRAPYD_PASSWORD")" |
        curl --silent --show-error --fail --max-time 30 --config - \
            "${args[@]}" "${url%/}/schedule.json"
)" || {
    echo "schedule-crawl.sh: schedule.json at $url failed (spider $spider)" >&2
    exit 1
}

# Scrapyd reports its errors ("spider not found", ...) with HTTP 200 and "status": "error".
if [[ "$response" != *'"status": "ok"'* ]]; then
    echo "schedule-crawl.sh: Scrapyd refused the job: $response" >&2
    exit 1
fi
echo "$response"
