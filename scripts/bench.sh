#!/usr/bin/env bash
# `make bench`: every benchmark in bench/ against the services `make run` uses (started here when
# they are not running); prints each one's last line and writes them all, with the machine's
# load, to test-artifacts/bench/results.txt. Full outputs go to test-artifacts/bench/.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# Ports of the services to start when they are down (defaults: the ones `make run` uses).
bash scripts/services.sh start "$ROOT/.data" "${BENCH_PG_PORT:-5433}" "${BENCH_REDIS_PORT:-6380}" >/dev/null
LOGS="$ROOT/test-artifacts/bench"
mkdir -p "$LOGS"
WEB_URL="${INVOICEHUB_WEB_URL:-http://127.0.0.1:8000}"
RESULTS="$LOGS/results.txt"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >"$RESULTS"
status=0
for bench in bench/*.py; do
  name="$(basename "$bench" .py)"
  [ "$name" = "floor_app" ] && continue  # served by api_load, not a benchmark
  if [ "$name" = "api_load" ] && ! curl -fs -o /dev/null "$WEB_URL/api/v1/health"; then
    echo "$name: skipped (needs the web app of \`make run\` at $WEB_URL)" | tee -a "$RESULTS"
    continue
  fi
  if python "$bench" >"$LOGS/$name.log" 2>&1; then
    echo "$name: $(tail -n 1 "$LOGS/$name.log")" | tee -a "$RESULTS"
  else
    echo "$name: FAILED (last lines of $LOGS/$name.log below)" | tee -a "$RESULTS"
    tail -n 5 "$LOGS/$name.log" | sed 's/^/    /'
    status=1
  fi
done
echo "# done $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS"
exit $status
