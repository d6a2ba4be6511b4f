#!/usr/bin/env bash
# `make bench`: every benchmark in bench/ against the services `make run` uses (started here when
# they are not running); prints each one's last line. Full outputs go to test-artifacts/bench/.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/services.sh start "$ROOT/.data" 5433 6380 >/dev/null
LOGS="$ROOT/test-artifacts/bench"
mkdir -p "$LOGS"
WEB_URL="${INVOICEHUB_WEB_URL:-http://127.0.0.1:8000}"
status=0
for bench in bench/*.py; do
  name="$(basename "$bench" .py)"
  if [ "$name" = "api_load" ] && ! curl -fs -o /dev/null "$WEB_URL/api/v1/health"; then
    echo "$name: skipped (needs the web app of \`make run\` at $WEB_URL)"
    continue
  fi
  if python "$bench" >"$LOGS/$name.log" 2>&1; then
    echo "$name: $(tail -n 1 "$LOGS/$name.log")"
  else
    echo "$name: FAILED (last lines of $LOGS/$name.log below)"
    tail -n 5 "$LOGS/$name.log" | sed 's/^/    /'
    status=1
  fi
done
exit $status
