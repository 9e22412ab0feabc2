#!/usr/bin/env bash
# The test command. `scripts/test.sh all` (what `make test` runs) installs what is missing,
# starts the project's own servers on loopback, and runs every suite; one failing suite
# fails the run. Parts: backend (including the deployment checks) telemetry frontend e2e.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${FACTORYOPS_VENV:-$ROOT/.venv}"

say() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

services() {
  scripts/bootstrap.sh s3
  scripts/services.sh install
  scripts/services.sh start
  eval "$(scripts/services.sh env)"
}

backend() {
  say "backend suites (unit + integration on MariaDB, InfluxDB, Redis, Mosquitto, S3)"
  (cd backend && "$VENV/bin/pytest" -q -p no:cacheprovider "$@")
}

telemetry() {
  say "telemetry suites"
  (cd telemetry && "$VENV/bin/pytest" -q -p no:cacheprovider "$@")
}

frontend() {
  say "web app: API types up to date, lint, unit tests, build"
  scripts/bootstrap.sh node
  scripts/api_types.sh --check
  (cd frontend && npm run -s lint && npm run -s test && npm run -s build >/dev/null)
}

e2e() {
  say "browser tests in Chromium"
  scripts/bootstrap.sh browser spa
  scripts/e2e.sh
}

part="${1:-all}"
shift || true
case "$part" in
  all)
    scripts/bootstrap.sh python node browser deploy
    services
    backend
    telemetry
    frontend
    e2e
    say "all suites passed"
    ;;
  backend|telemetry) scripts/bootstrap.sh python deploy node browser; services; "$part" "$@" ;;
  frontend) scripts/bootstrap.sh python; frontend ;;
  e2e) scripts/bootstrap.sh python; services; e2e ;;
  *) echo "unknown part: $part" >&2; exit 2 ;;
esac
