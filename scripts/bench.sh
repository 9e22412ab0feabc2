#!/usr/bin/env bash
# Benchmarks (`make bench-*`). Each installs what it needs, starts the project's test servers
# and prints its figures; the last line of each is its summary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FACTORYOPS_VENV:-$ROOT/.venv}"
cd "$ROOT"
scripts/bootstrap.sh python bench
scripts/services.sh install >/dev/null
scripts/services.sh start >/dev/null

case "${1:-}" in
  ingest) exec "$VENV/bin/python" scripts/bench_ingest.py "${@:2}" ;;
  api) exec "$VENV/bin/python" scripts/bench_api.py "${@:2}" ;;
  alerts) exec "$VENV/bin/python" scripts/bench_alerts.py "${@:2}" ;;
  analytics) exec "$VENV/bin/python" scripts/bench_analytics.py "${@:2}" ;;
  *) echo "usage: scripts/bench.sh ingest|api|alerts|analytics" >&2; exit 2 ;;
esac
