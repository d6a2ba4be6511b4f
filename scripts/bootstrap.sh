#!/usr/bin/env bash
# Idempotent set-up of everything Invoice-HUB needs on a Debian/Ubuntu machine:
# system packages, the Python venv, Node 22 + bun (from npm, for Reflex) and the dev secrets.
# Works from a clone anywhere, /root included (scripts/services.sh keeps PostgreSQL's data where
# the postgres user can reach it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DATA="$ROOT/.data"
mkdir -p "$DATA"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(postgresql redis-server chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
              fonts-dejavu-core poppler-utils python3-venv)
# npm (Debian's package) only fetches node 22 and bun below; a machine that has npm keeps its own.
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "!! Invoice-HUB needs Python 3.11 or newer; $PY is $("$PY" -V 2>&1 || echo missing)." >&2
  echo "   Install python3.11 (or newer) and run again with PYTHON=/path/to/python3.11." >&2
  exit 1
fi
# Runtime pins (requirements.txt) and tools (requirements-dev.txt): a change to either reinstalls.
REQ_HASH="$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.requirements-hash 2>/dev/null)" != "$REQ_HASH" ]; then
  echo "==> installing Python packages into .venv"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  echo "$REQ_HASH" > .venv/.requirements-hash
fi

# Reflex needs node >= 22.22 and bun; both come from npm's default registry (nothing else).
NODE_DIR="$DATA/node"
if [ ! -x "$NODE_DIR/node_modules/.bin/node" ] || [ ! -x "$NODE_DIR/node_modules/.bin/bun" ]; then
  echo "==> installing node 22 and bun from npm into .data/node"
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && [ -f package.json ] || echo '{"name":"invoicehub-tools","private":true}' > package.json)
  (cd "$NODE_DIR" && npm install --no-audit --no-fund -s node@22 bun >/dev/null)
fi

# Development secrets, created once (production passes them in the environment).
umask 077
[ -s "$DATA/token-key" ] || .venv/bin/python -c "import base64,os;print('k1:'+base64.urlsafe_b64encode(os.urandom(32)).decode())" > "$DATA/token-key"
[ -s "$DATA/jwt-secret" ] || .venv/bin/python -c "import secrets;print(secrets.token_urlsafe(48))" > "$DATA/jwt-secret"
echo "==> bootstrap done"
