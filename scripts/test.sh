#!/usr/bin/env bash
# `make test`: lint, then every test against real PostgreSQL, Redis, the emulator and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "==> lint"
ruff check invoicehub worker tests bench
ruff format --check invoicehub worker tests bench
mypy invoicehub worker
echo "==> tests"
mkdir -p test-artifacts
status=0
pytest -q "$@" || status=$?
bash scripts/services.sh stop "$ROOT/.data/test" "${INVOICEHUB_TEST_PG_PORT:-5435}" "${INVOICEHUB_TEST_REDIS_PORT:-6385}" || true
exit $status
