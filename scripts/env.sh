# Sourced by the run and test scripts: tool paths and Reflex's offline settings.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.venv/bin:$ROOT/.data/node/node_modules/.bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_DIR="$ROOT/.data/reflex"
export REFLEX_TELEMETRY_ENABLED=false
export NPM_CONFIG_REGISTRY=https://registry.npmjs.org
export PYTHONUNBUFFERED=1
