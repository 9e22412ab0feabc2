"""The outbox across a queue outage: a private Redis (never the shared one) behind a TCP
proxy is the broker of a real Celery worker with beat; the proxy stalls Redis while a rule
fires, so the alert's writer cannot hand its delivery to the queue. When Redis answers again
the notification goes out, once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.database import session_scope
from app.core.task_queue import QUEUE_NOTIFICATIONS, SEND_NOTIFICATION, publish_task
from app.models import NotificationDelivery, Rule
from app.services.rules.engine import RuleEngine
from app.services.rules.versions import RuleVersions
from app.stores.timeseries.base import to_epoch_ms
from pytest_factoryops.tcp_proxy import TcpProxy
from tests.support.notification_endpoints import free_port

BACKEND = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_redis(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(10)


@pytest.fixture
async def broker(private_redis):
    proxy = TcpProxy("127.0.0.1", private_redis)
    await proxy.start()
    yield proxy
    proxy.restore()
    await proxy.close()


@pytest.fixture
def worker(broker, inbox, tmp_path):
    """A worker with beat on the notifications queue, its broker behind the proxy."""
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "CELERY_BROKER_URL": f"redis://127.0.0.1:{broker.port}/0",
           "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{broker.port}/1",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox.port), "SMTP_STARTTLS": "false",
           "NOTIFICATION_SWEEP_SECONDS": "1", "RULE_CLOCK_SECONDS": "3600",
           "LOG_JSON": "false"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app.workers.celery_app", "worker", "-B",
             "-Q", "notifications", "-c", "1", "-n", f"outage-{uuid.uuid4().hex[:8]}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING",
             "-s", str(tmp_path / "beat-schedule")],
            cwd=BACKEND, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    yield process, log_path
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def messages_to(inbox, address: str, count: int, within: float) -> None:
    """Wait (letting the proxy's traffic flow) until `count` messages reached `address`."""
    deadline = time.monotonic() + within
    while len(inbox.to(address)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(inbox.to(address))} of {count} messages")
        await asyncio.sleep(0.1)


@pytest.fixture
async def engine(app, settings):
    versions = RuleVersions(settings.redis_url)
    yield RuleEngine(app.state.resources.latest, versions)
    await versions.close()


async def fire(engine, device) -> list[int]:
    ts = to_epoch_ms(datetime.now(UTC))
    outcome = await engine.evaluate_batch({str(device.factory_id): {str(device.id): {
        "power_kw": [ts, 150.0]}}})
    [raised] = outcome.raised
    return list(raised.delivery_ids)


async def test_a_rule_fired_while_redis_stalls_notifies_once_it_answers(
        engine, make, tenant, settings, broker, worker, inbox):
    process, log_path = worker
    queue = settings.model_copy(update={"celery_broker_url":
                                        f"redis://127.0.0.1:{broker.port}/0"})
    # The inbox is shared with other modules' tests: an address of this test's own.
    ops = f"ops-{uuid.uuid4().hex[:8]}@plant.example"
    async with session_scope() as session:
        session.add(Rule(factory_id=tenant.id, name="High power", cooldown_minutes=0,
                         condition={"parameter": "power_kw", "operator": ">", "value": 100},
                         channels=["email"], recipients={"emails": [ops]}))
        await session.commit()
    warm_up, outage = await make.device(tenant), await make.device(tenant)

    # The worker is up: a first alert goes out the ordinary way.
    [first] = await fire(engine, warm_up)
    await publish_task(queue, SEND_NOTIFICATION, QUEUE_NOTIFICATIONS, [tenant.id, first])
    await messages_to(inbox, ops, 1, within=60)

    broker.pause()
    [delivery_id] = await fire(engine, outage)
    # The writer's hand-off stalls with Redis (it may time out, or sit in a buffer until
    # Redis answers): either way the delivery is already in the outbox.
    with contextlib.suppress(TimeoutError, OSError):
        await publish_task(queue, SEND_NOTIFICATION, QUEUE_NOTIFICATIONS,
                           [tenant.id, delivery_id], deadline_s=2)
    await asyncio.sleep(3)
    assert len(inbox.to(ops)) == 1, "nothing gets through a stalled Redis"

    broker.restore()
    try:
        await messages_to(inbox, ops, 2, within=90)
    except TimeoutError:
        raise AssertionError("not sent after Redis returned; worker log:\n"
                             + log_path.read_text()[-3000:]) from None
    await asyncio.sleep(4)  # several more sweeps: still one message
    assert process.poll() is None
    assert len(inbox.to(ops)) == 2
    async with session_scope() as session:
        row = (await session.execute(select(NotificationDelivery).where(
            NotificationDelivery.factory_id == tenant.id,
            NotificationDelivery.id == delivery_id))).scalar_one()
    assert (row.status, row.attempts) == ("sent", 1)
