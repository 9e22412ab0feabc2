"""`factoryops mosquitto-auth` against a real Mosquitto 2 broker started by this test, with
anonymous access off: a device reaches the ingester through its own topic and through no
other, and devices without a valid, enabled token are turned away at the door."""

from __future__ import annotations

import asyncio
import contextlib
import grp
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import aiomqtt
import pytest

from pytest_factoryops import unique

MOSQUITTO = "/usr/sbin/mosquitto"
INGESTER = ("ingester-test", "ingester-password-42")
BACKEND = Path(__file__).resolve().parents[2]


def _spare_port(preferred: int = 1894) -> int:
    for port in range(preferred, preferred + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no spare port for the test broker")


def _broker_user() -> str:
    """Mosquitto started as root drops to the `mosquitto` user, which must then be able to
    read its files (as scripts/services.sh arranges for the shared test broker)."""
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("mosquitto")
            return "mosquitto"
        except KeyError:
            return "root"
    return pwd.getpwuid(os.geteuid()).pw_name


async def _wait_for_port(port: int, broker: asyncio.subprocess.Process, log: Path) -> None:
    for _ in range(100):
        if broker.returncode is not None:
            pytest.fail(f"mosquitto exited with {broker.returncode}:\n{log.read_text()}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            await asyncio.sleep(0.1)
    pytest.fail(f"mosquitto did not listen on {port}:\n{log.read_text()}")


async def _write_auth_files(folder: Path, group: str) -> str:
    """Runs the real command, as an operator would."""
    env = {**os.environ, "MQTT_USERNAME": INGESTER[0], "MQTT_PASSWORD": INGESTER[1]}
    command = [sys.executable, "-m", "app.cli", "mosquitto-auth",
               "--password-file", str(folder / "passwords"), "--acl-file", str(folder / "acl")]
    if os.geteuid() == 0:
        command += ["--group", group]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=BACKEND, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = (await asyncio.wait_for(process.communicate(), 120))[0].decode()
    assert process.returncode == 0, output
    return output


@pytest.fixture
async def mosquitto_folder() -> AsyncIterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="factoryops-mosquitto-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def broker_of(mosquitto_folder):
    """Starts Mosquitto on the files in the folder; stops it at the end of the test."""
    started: list[asyncio.subprocess.Process] = []

    async def start() -> int:
        port = _spare_port()
        user = _broker_user()
        conf = mosquitto_folder / "mosquitto.conf"
        conf.write_text(
            f"user {user}\n"
            f"listener {port} 127.0.0.1\n"
            "allow_anonymous false\n"
            f"password_file {mosquitto_folder / 'passwords'}\n"
            f"acl_file {mosquitto_folder / 'acl'}\n"
            "persistence false\n"
            "log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n"
            "log_type information\n"
            "connection_messages true\n")
        log = mosquitto_folder / "mosquitto.log"
        with log.open("wb") as output:
            broker = await asyncio.create_subprocess_exec(
                MOSQUITTO, "-c", str(conf), stdout=output, stderr=subprocess.STDOUT)
        started.append(broker)
        start.last = broker  # for a test that signals it (SIGHUP: reload the files)
        await _wait_for_port(port, broker, log)
        return port

    yield start
    for broker in started:
        if broker.returncode is None:
            broker.terminate()
        try:
            await asyncio.wait_for(broker.wait(), 10)
        except TimeoutError:
            broker.kill()
            await broker.wait()


async def _register(client, tenant, key: str) -> dict:
    r = await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": key, "name": key})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _client(port: int, username: str, password: str, identifier: str) -> aiomqtt.Client:
    return aiomqtt.Client("127.0.0.1", port, username=username, password=password,
                          identifier=identifier, protocol=aiomqtt.ProtocolVersion.V311,
                          timeout=5)


async def _refused(port: int, username: str, password: str) -> bool:
    try:
        async with _client(port, username, password, unique("refused")):
            return False
    except aiomqtt.MqttError:
        return True


async def _until_last(subscriber: aiomqtt.Client, folder: Path) -> list[tuple[str, bytes]]:
    received: list[tuple[str, bytes]] = []
    try:
        async with asyncio.timeout(10):
            async for message in subscriber.messages:
                received.append((message.topic.value, message.payload))
                if message.payload == b"last":
                    return received
    except TimeoutError:
        log = (folder / "mosquitto.log").read_text()
        pytest.fail(f"received only {received}; broker log:\n{log}")
    return received


async def test_devices_publish_to_their_own_topic_only(client, make, mosquitto_folder,
                                                       broker_of):
    tenant = await make.tenant()
    slug = tenant.factory.slug
    meter = await _register(client, tenant, unique("meter"))
    neighbour = await _register(client, tenant, unique("meter"))
    disabled = await _register(client, tenant, unique("meter"))
    colon = await _register(client, tenant, "aa:bb:cc:dd")
    r = await client.post(f"/api/v1/devices/{disabled['device']['id']}/deactivate",
                          headers=tenant.headers)
    assert r.status_code == 200

    group = grp.getgrgid(pwd.getpwnam(_broker_user()).pw_gid).gr_name
    output = await _write_auth_files(mosquitto_folder, group)
    assert f"skipped {slug}/aa:bb:cc:dd" in output
    passwords = (mosquitto_folder / "passwords").read_text()
    acl = (mosquitto_folder / "acl").read_text()
    meter_user = f"{slug}/{meter['device']['device_key']}"
    assert f"\n{meter_user}:$7$101$" in passwords
    assert f"user {meter_user}\ntopic write {meter['credentials']['topic']}\n" in acl
    assert f"{INGESTER[0]}:$7$" in passwords and INGESTER[1] not in passwords
    assert disabled["device"]["device_key"] not in passwords
    assert meter["credentials"]["password"] not in passwords
    assert oct((mosquitto_folder / "passwords").stat().st_mode & 0o777) == "0o640"

    port = await broker_of()
    own = meter["credentials"]["topic"]
    async with _client(port, *INGESTER, identifier=unique("ingester")) as plain, \
            _client(port, *INGESTER, identifier=unique("ingester")) as shared, \
            _client(port, meter_user, meter["credentials"]["password"],
                    identifier=meter_user) as device:
        await plain.subscribe("factories/+/devices/+/telemetry", qos=1)
        # Several ingesters split the load through a shared subscription.
        await shared.subscribe("$share/ingest/factories/+/devices/+/telemetry", qos=1)
        # Refused publications are dropped silently by the broker; the message published
        # after them, to the device's own topic, arrives only once they were handled.
        await device.publish(neighbour["credentials"]["topic"], b'{"metrics":{"kw":1}}', qos=1)
        await device.publish(f"factories/{slug}/devices/x/telemetry", b"{}", qos=1)
        await device.publish("factories/other/devices/y/telemetry", b"{}", qos=1)
        await device.publish(own, b"marker", qos=1)
        # The ingester reads; it does not write.
        await plain.publish(own, b"from-ingester", qos=1)
        await device.publish(own, b"last", qos=1)
        received = await asyncio.gather(_until_last(plain, mosquitto_folder),
                                        _until_last(shared, mosquitto_folder))
    for messages in received:
        assert messages == [(own, b"marker"), (own, b"last")]

    assert await _refused(port, meter_user, "not-the-token")
    assert await _refused(port, f"{slug}/{disabled['device']['device_key']}",
                          disabled["credentials"]["password"])
    assert await _refused(port, f"{slug}/aa:bb:cc:dd", colon["credentials"]["password"])
    assert await _refused(port, "anonymous-nobody", "")

    # A rotated token replaces the old one once the files are written again and the broker
    # reloads them.
    r = await client.post(f"/api/v1/devices/{meter['device']['id']}/rotate-token",
                          headers=tenant.headers)
    new_token = r.json()["data"]["credentials"]["password"]
    await _write_auth_files(mosquitto_folder, group)
    port = await broker_of()
    assert await _refused(port, meter_user, meter["credentials"]["password"])
    async with _client(port, meter_user, new_token, identifier=meter_user):
        pass


async def test_a_revoked_device_loses_its_live_session_at_the_next_reload(
        client, make, mosquitto_folder, broker_of):
    """Mosquitto has no API to end a session, but it re-reads its files on SIGHUP and then
    drops the sessions of users they no longer hold: regenerating the files after disabling
    a device cuts off the session it still had. A device never receives `$SYS` topics."""
    import signal

    tenant = await make.tenant()
    meter = await _register(client, tenant, unique("meter"))
    user = f"{tenant.factory.slug}/{meter['device']['device_key']}"
    own = meter["credentials"]["topic"]
    group = grp.getgrgid(pwd.getpwnam(_broker_user()).pw_gid).gr_name
    await _write_auth_files(mosquitto_folder, group)
    port = await broker_of()
    async with _client(port, *INGESTER, identifier=unique("ingester")) as ingester:
        await ingester.subscribe("factories/+/devices/+/telemetry", qos=1)
        device = _client(port, user, meter["credentials"]["password"], identifier=user)
        await device.__aenter__()
        await device.subscribe("$SYS/#", qos=0)
        await device.publish(own, b"before", qos=1)
        sys_topics = []
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(1.5):
                async for message in device.messages:
                    sys_topics.append(message.topic.value)
        assert sys_topics == []

        r = await client.post(f"/api/v1/devices/{meter['device']['id']}/deactivate",
                              headers=tenant.headers)
        assert r.status_code == 200
        await _write_auth_files(mosquitto_folder, group)
        log = mosquitto_folder / "mosquitto.log"
        reloads = log.read_text().count("Reloading config")
        broker_of.last.send_signal(signal.SIGHUP)
        for _ in range(200):
            if log.read_text().count("Reloading config") > reloads:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("mosquitto did not reload")
        cut_off = False
        for _ in range(30):
            try:
                await device.publish(own, b"after-revocation", qos=1)
            except aiomqtt.MqttError:
                cut_off = True
                break
            await asyncio.sleep(0.1)
        assert cut_off, "the revoked device is still connected"
        with contextlib.suppress(aiomqtt.MqttError):
            await device.__aexit__(None, None, None)
        received: list[bytes] = []
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(2):
                async for message in ingester.messages:
                    received.append(message.payload)
    assert received == [b"before"]
    assert await _refused(port, user, meter["credentials"]["password"])
