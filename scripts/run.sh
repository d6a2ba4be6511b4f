#!/usr/bin/env bash
# `make run`: bootstrap, start every process with demo data, stop them all on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
source scripts/env.sh
DATA="$ROOT/.data"; LOGS="$DATA/logs"; PIDS="$DATA/pids"
mkdir -p "$LOGS" "$PIDS"
bash scripts/stop.sh --keep-services >/dev/null 2>&1 || true

echo "==> starting PostgreSQL (127.0.0.1:5433) and Redis (127.0.0.1:6380)"
bash scripts/services.sh start "$DATA" 5433 6380
echo "==> applying migrations (as the tables' owner; the processes below log in as invoicehub_app)"
invoicehub db upgrade

start() {  # name, command...
  local name="$1"; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}
wait_http() {  # url, seconds
  for _ in $(seq $(( $2 * 5 ))); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "!! $1 did not answer in $2 s (see $LOGS)"; return 1
}

echo "==> starting the Allegro emulator (127.0.0.1:8300)"
start emulator python -m invoicehub.emulator --host 127.0.0.1 --port 8300
wait_http http://127.0.0.1:8300/__emulator/health 30
echo "==> starting the KSeF 2.0 emulator (127.0.0.1:8310)"
start ksef-emulator python -m invoicehub.emulator.ksef --host 127.0.0.1 --port 8310
wait_http http://127.0.0.1:8310/__emulator/health 30
echo "==> seeding demo data"
invoicehub demo seed
if [ -f worker/main.py ]; then
  echo "==> starting 2 RQ workers (with scheduler) and rqscheduler"
  start worker-1 python -m worker.main worker
  start worker-2 python -m worker.main worker
  start scheduler python -m worker.main scheduler
fi
echo "==> building and starting the web app (Reflex prod, one port)"
start web reflex run --env prod --single-port --backend-port 8000 --backend-host 127.0.0.1 --loglevel warning
wait_http http://127.0.0.1:8000/api/v1/health 240 || wait_http http://127.0.0.1:8000/ping 5

cat <<MSG

  Invoice-HUB is running
    App            http://127.0.0.1:8000/         (login page: /login)
    API docs       http://127.0.0.1:8000/api/v1/docs
    Admin          http://127.0.0.1:8000/admin/allegro   and queues /admin/rq/
    Allegro (emu)  http://127.0.0.1:8300/  (demo seller login: demo_seller)
    KSeF (emu)     http://127.0.0.1:8310/v2  (the demo company sends its invoices there)
    Demo logins    demo@invoicehub.local / ${INVOICEHUB_DEMO_PASSWORD:-demo-password}   (seller)
                   admin@invoicehub.local / ${INVOICEHUB_DEMO_PASSWORD:-demo-password}  (platform admin)
    Logs           .data/logs/        Stop: Ctrl-C or make stop

MSG
trap 'echo; echo "==> stopping"; bash scripts/stop.sh; exit 0' INT TERM
while true; do
  for f in "$PIDS"/*.pid; do
    pid="$(cat "$f")"
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "!! $(basename "$f" .pid) exited; see $LOGS/$(basename "$f" .pid).log"; rm -f "$f"
    fi
  done
  sleep 2
done
