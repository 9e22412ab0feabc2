"""Telemetry suites get the backend's fixtures (fresh migrated MariaDB database, test
servers, data builders) from the `pytest_factoryops` plugin the backend package registers,
and add here a Mosquitto of their own, ingesters (in process, or as child processes for the
fault tests) and an MQTT publisher."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import paho.mqtt.client as paho
import pytest

from pytest_factoryops import require_env


def mqtt_address() -> tuple[str, int]:
    return require_env("TEST_MQTT_HOST"), int(require_env("TEST_MQTT_PORT"))


def discard_session(client_id: str) -> None:
    """Drop a persistent session the broker keeps for a finished test's ingester; otherwise
    it would queue every later test's messages."""
    host, port = mqtt_address()
    c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id,
                    protocol=paho.MQTTv311, clean_session=True)
    c.connect(host, port)
    c.loop_start()
    time.sleep(0.2)
    c.disconnect()
    c.loop_stop()


class Publisher:
    """A QoS 1 publisher that counts broker acknowledgements."""

    def __init__(self, client_id: str | None = None, clean_session: bool = True,
                 port: int | None = None) -> None:
        host, shared_port = mqtt_address()
        port = port or shared_port
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"test-pub-{uuid.uuid4().hex[:8]}",
                                  protocol=paho.MQTTv311, clean_session=clean_session)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.acked: set[int] = set()
        self.client.on_publish = lambda _c, _u, mid, _r, _p: self.acked.add(mid)
        self.client.connect(host, port)
        self.client.loop_start()
        self.sent: list[int] = []

    def publish(self, topic: str, payload: bytes | str, qos: int = 1) -> int:
        info = self.client.publish(topic, payload, qos=qos)
        self.sent.append(info.mid)
        return info.mid

    async def wait_acked(self, within: float = 30) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if all(mid in self.acked for mid in self.sent):
                return
            await asyncio.sleep(0.02)
        missing = len([m for m in self.sent if m not in self.acked])
        raise AssertionError(f"{missing} publishes not acknowledged by the broker")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publisher():
    pub = Publisher()
    yield pub
    pub.close()


@pytest.fixture
def ingest_settings(settings, tmp_path, private_broker):
    return settings.model_copy(update={
        "mqtt_client_id": f"test-ingester-{uuid.uuid4().hex[:8]}",
        "ingest_spool_dir": tmp_path / "spool",
        "ingest_flush_interval_ms": 100,
        "ingest_cache_ttl_seconds": 30,
        "ingest_metrics_port": 0,
        # Tests publish a device's messages far faster than a meter would; the quota tests
        # set the rate limits they exercise.
        "ingest_quota_burst_messages": 1_000_000,
        "mqtt_host": mqtt_address()[0],
        "mqtt_port": mqtt_address()[1],
    })


@pytest.fixture
async def ingester_factory(ingest_settings):
    """Start ingesters (in this process, on the test servers); all are stopped at the end."""
    from telemetry.ingester import Ingester

    started: list[Ingester] = []

    async def start(**overrides):
        ingester = Ingester(ingest_settings.model_copy(update=overrides))
        await ingester.start()
        await ingester.wait_connected(10)
        started.append(ingester)
        return ingester

    yield start
    for ingester in started:
        if ingester._tasks:
            await ingester.stop()
        discard_session(ingester.subscriber_client_id)


async def eventually(check, within: float = 20, interval: float = 0.1):
    """Poll `check` (sync or async) until it returns a truthy value."""
    deadline = time.monotonic() + within
    last = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within} s (last: {last!r})")


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")


@pytest.fixture(scope="session", autouse=True)
def private_broker(tmp_path_factory):
    """A Mosquitto of this session's own (plain and TLS listeners), which every test of the
    suite uses: they count every message and break things (restart the broker, flood it),
    which the shared test broker's other users must neither see nor cause."""
    from telemetry.tests.brokers import PrivateMosquitto

    broker = PrivateMosquitto(tmp_path_factory.mktemp("mosquitto"))
    broker.start()
    shared = os.environ.get("TEST_MQTT_PORT")
    os.environ["TEST_MQTT_PORT"] = str(broker.port)
    yield broker
    if shared is not None:
        os.environ["TEST_MQTT_PORT"] = shared
    broker.stop()


@pytest.fixture
def spawn_ingester(tmp_path, private_broker):
    """Ingesters as child processes on the private broker; each keeps its client id and
    spool folder across `start()` calls (a restart), and is killed at the end."""
    from telemetry.tests.processes import IngesterProcess

    started: list[IngesterProcess] = []

    def spawn(**env) -> IngesterProcess:
        options = {
            "mqtt_host": "127.0.0.1", "mqtt_port": private_broker.port,
            "mqtt_client_id": f"fault-ingester-{uuid.uuid4().hex[:8]}",
            "ingest_spool_dir": tmp_path / f"spool-{len(started)}",
            "ingest_flush_interval_ms": 100,
            # As in process: test devices publish far faster than meters.
            "ingest_quota_burst_messages": 1_000_000,
            **env,
        }
        process = IngesterProcess(tmp_path / f"ingester-{len(started)}.log", **options)
        started.append(process)
        return process

    yield spawn
    for process in started:
        process.cleanup()
