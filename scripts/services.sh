#!/usr/bin/env bash
# Start or stop PostgreSQL and Redis with data under a project folder.
# Usage: services.sh start|stop DATA_DIR PG_PORT REDIS_PORT, or services.sh pgdata DATA_DIR
set -euo pipefail
ACTION="$1"; DIR="$(mkdir -p "$2" && cd "$2" && pwd)"; PG_PORT="${3:-}"; REDIS_PORT="${4:-}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# As root the server runs as the postgres user, who must reach its data folder. A clone under
# /root (mode 700) is out of its reach: the cluster then lives in the postgres user's home, one
# folder per data directory, instead of opening /root to other users.
pg_data_dir() {
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$DIR" 2>/dev/null; then
    echo "$DIR/pg"
  else
    echo "$(getent passwd postgres | cut -d: -f6)/invoicehub/$(printf %s "$DIR" | sha256sum | cut -c1-16)/pg"
  fi
}
PGDATA="$(pg_data_dir)"

start() {
  mkdir -p "$DIR"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres:postgres "$PGDATA" "$(dirname "$PGDATA")" && chmod 700 "$PGDATA"
    fi
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
      echo "!! port $PG_PORT is taken by another server (another checkout's PostgreSQL?)." >&2
      echo "   Stop it, or choose other ports (INVOICEHUB_TEST_PG_PORT / INVOICEHUB_TEST_REDIS_PORT for tests)." >&2
      exit 1
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_EXTRA_OPTS:-}" start >/dev/null
  fi
  # Two roles: `invoicehub` owns the tables and runs the migrations; the web and the workers log
  # in as `invoicehub_app`, which may only read and write rows (see migration 0010).
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='invoicehub'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE invoicehub LOGIN CREATEDB PASSWORD 'invoicehub'"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='invoicehub_app'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE invoicehub_app LOGIN PASSWORD 'invoicehub_app'"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='invoicehub'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE invoicehub OWNER invoicehub"

  mkdir -p "$DIR/redis"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --daemonize yes \
      --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log" \
      --maxmemory-policy noeviction --appendonly "${REDIS_APPENDONLY:-yes}" --save "" >/dev/null
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

stop() {
  [ -s "$PGDATA/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

pgdata() { echo "$PGDATA"; }

"$ACTION"
