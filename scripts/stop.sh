#!/usr/bin/env bash
# `make stop`: stop exactly the processes `make run` started (one PID file each, in .data/pids)
# and the databases unless --keep-services. Each was started with setsid, so its PID is also its
# process group: the group ends with it (reflex's frontend build, granian's workers).
cd "$(dirname "$0")/.."
DATA="$PWD/.data"
STOP_WAIT_SECONDS=15
groups=()
for f in "$DATA"/pids/*.pid; do
  [ -e "$f" ] || continue
  pid="$(cat "$f")"
  rm -f "$f"
  [[ "$pid" =~ ^[0-9]+$ ]] || continue
  # A PID file outlives its process; a recycled PID that leads no group of ours is left alone.
  [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ] || continue
  kill -TERM -- "-$pid" 2>/dev/null && groups+=("$pid")
done
for _ in $(seq $(( STOP_WAIT_SECONDS * 5 ))); do
  alive=()
  for pid in "${groups[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && break
  sleep 0.2
done
for pid in "${alive[@]}"; do
  echo "!! process group $pid did not stop in ${STOP_WAIT_SECONDS} s; killing it"
  kill -KILL -- "-$pid" 2>/dev/null || true
done
if [ "${1:-}" != "--keep-services" ]; then
  bash scripts/services.sh stop "$DATA" 5433 6380
fi
echo "stopped"
