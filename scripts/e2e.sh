#!/usr/bin/env bash
# Browser tests: the platform runs as `make run` runs it, but on the test servers (a fresh
# MariaDB database, InfluxDB, Redis, Mosquitto) and on spare ports; Playwright drives
# Chromium against it. Expects the variables of `scripts/services.sh env`. Arguments go to
# `playwright test` (e.g. `scripts/e2e.sh e2e/dialogs.spec.ts`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FACTORYOPS_VENV:-$ROOT/.venv}"
PORT="${E2E_PORT:-8765}"
E2E_DB="factoryops_${E2E_NAME:-e2e}"
LOG="$ROOT/.services/${E2E_NAME:-e2e}-platform.log"
mkdir -p "$(dirname "$LOG")"

"$VENV/bin/python" - "$E2E_DB" <<'PY'
import asyncio, os, sys
from sqlalchemy import text
from app.core.database import build_engine

async def main(name):
    engine = build_engine(os.environ["TEST_DATABASE_ADMIN_URL"])
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        await conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    await engine.dispose()

asyncio.run(main(sys.argv[1]))
PY

# A fresh time-series database too: ids restart with the fresh metadata database.
curl -sf -XPOST "$TEST_INFLUX_URL/query" --data-urlencode "q=DROP DATABASE $E2E_DB" >/dev/null
curl -sf -XPOST "$TEST_INFLUX_URL/query" --data-urlencode "q=CREATE DATABASE $E2E_DB" >/dev/null

export DATABASE_URL="${TEST_DATABASE_URL%/*}/$E2E_DB"
export REDIS_URL="$TEST_REDIS_URL" TSDB_BACKEND=influxdb INFLUX_URL="$TEST_INFLUX_URL"
export INFLUX_DATABASE="$E2E_DB" MQTT_HOST="$TEST_MQTT_HOST"
# Celery's queues in a Redis database of their own (E2E_CELERY_DB when two checkouts share
# the servers).
export MQTT_PORT="$TEST_MQTT_PORT" CELERY_BROKER_URL="${TEST_REDIS_URL%/*}/${E2E_CELERY_DB:-1}"
export DATA_DIR="$ROOT/.services/${E2E_NAME:-e2e}-data" LOG_LEVEL=WARNING
export MQTT_CLIENT_ID="factoryops-${E2E_NAME:-e2e}-ingester" FACTORYOPS_EXTERNAL_BROKER=1
export INGEST_METRICS_PORT=0
# Short clocks: a silent device is found, and escalation reminders go out, within seconds.
export RULE_CLOCK_SECONDS=2 NOTIFICATION_SWEEP_SECONDS=2
# Email goes to a real SMTP server that files each message where the tests can read it.
export E2E_MAIL_DIR="$ROOT/.services/${E2E_NAME:-e2e}-mail"
export SMTP_HOST=127.0.0.1 SMTP_PORT="${E2E_SMTP_PORT:-$((PORT + 60))}"
rm -rf "$E2E_MAIL_DIR"
# What the browser tests publish with, as a device would.
export E2E_MQTT_URL="mqtt://$TEST_MQTT_HOST:$TEST_MQTT_PORT"
# The device simulator the rules test drives a machine with.
export E2E_SIMULATOR="$VENV/bin/factoryops-simulator"
rm -rf "$DATA_DIR"

"$VENV/bin/python" "$ROOT/scripts/mail_sink.py" --port "$SMTP_PORT" --dir "$E2E_MAIL_DIR" &
mail_sink=$!
"$VENV/bin/python" "$ROOT/scripts/run_platform.py" --port "$PORT" >"$LOG" 2>&1 &
platform=$!
cleanup() {
  kill -TERM "$platform" "$mail_sink" 2>/dev/null || true
  wait "$platform" "$mail_sink" 2>/dev/null || true
  # The ingester's persistent session would otherwise keep queueing every later test's
  # messages in the shared test broker.
  "$VENV/bin/python" -c "
import time, paho.mqtt.client as m
c = m.Client(m.CallbackAPIVersion.VERSION2, client_id='$MQTT_CLIENT_ID', clean_session=True)
c.connect('$TEST_MQTT_HOST', $TEST_MQTT_PORT); c.loop_start(); time.sleep(0.3); c.disconnect()
" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; then break; fi
  if ! kill -0 "$platform" 2>/dev/null; then
    echo "the platform did not start; its log:" >&2; tail -40 "$LOG" >&2; exit 1
  fi
  sleep 0.5
done

cd "$ROOT/frontend"
E2E_BASE_URL="http://127.0.0.1:$PORT" npx playwright test "$@" || {
  echo "platform log (tail):" >&2; tail -40 "$LOG" >&2; exit 1; }
