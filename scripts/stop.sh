#!/usr/bin/env bash
# `make stop`: stop every process `make run` started (and the databases unless --keep-services).
cd "$(dirname "$0")/.."
DATA="$PWD/.data"
for f in "$DATA"/pids/*.pid; do
  [ -e "$f" ] || continue
  pid="$(cat "$f")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  rm -f "$f"
done
sleep 1
pkill -f "reflex run --env prod --single-port --backend-port 8000" 2>/dev/null || true
if [ "${1:-}" != "--keep-services" ]; then
  bash scripts/services.sh stop "$DATA" 5433 6380
fi
echo "stopped"
