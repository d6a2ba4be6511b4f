# Sourced by the run and test scripts: tool paths and Reflex's offline settings.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.venv/bin:$ROOT/.data/node/node_modules/.bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_DIR="$ROOT/.data/reflex"
export REFLEX_TELEMETRY_ENABLED=false
export PYTHONUNBUFFERED=1
# Web server processes, the same for `make run` and the tests' web app (2 cores: 2 workers).
export GRANIAN_WORKERS="${GRANIAN_WORKERS:-2}"
