"""What the benchmarks share: the project's test servers, logging, and MQTT session
housekeeping on the test broker."""

from __future__ import annotations

import shlex
import statistics
import subprocess
import time
from pathlib import Path

import paho.mqtt.client as paho

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "scripts" / "services.sh"


def log(message: str) -> None:
    print(message, flush=True)


def services_env() -> dict[str, str]:
    """Start the project's test servers (idempotent) and return their addresses, the
    TEST_* variables of `scripts/services.sh env`."""
    subprocess.run([str(SERVICES), "start"], check=True, stdout=subprocess.DEVNULL)
    text = subprocess.run([str(SERVICES), "env"], check=True, capture_output=True,
                          text=True).stdout
    env = {}
    for line in text.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    return env


def drop_session(host: str, port: int, client_id: str) -> None:
    """Discard a persistent session a benchmark's subscriber left on the broker; it would
    otherwise queue every later message for a client that never returns."""
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=paho.MQTTv311, clean_session=True)
    client.connect(host, port)
    client.loop_start()
    time.sleep(0.2)
    client.disconnect()
    client.loop_stop()


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]
