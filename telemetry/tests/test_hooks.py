"""Contract tests of the installed paho-mqtt and aiomqtt: the internals the fast path and
the pause of intake rely on exist, have the expected shape and behave as expected. A
version bump that breaks one fails here (and the ingester would fall back at start-up)."""

from __future__ import annotations

import asyncio
import socket

import aiomqtt
import paho.mqtt.client as paho

from telemetry.acks import PUBACK, pubacks
from telemetry.hooks import fast_path_problems, stock_path_problems


async def test_installed_versions_have_every_hook():
    assert stock_path_problems() == []
    assert fast_path_problems() == []


async def test_a_changed_signature_is_named(monkeypatch):
    def _packet_queue(self, command, packet, mid, qos, info=None, *, priority=0):
        raise AssertionError("never called")

    monkeypatch.setattr(paho.Client, "_packet_queue", _packet_queue)
    problems = fast_path_problems()
    assert len(problems) == 1 and "_packet_queue" in problems[0]
    assert stock_path_problems() == []  # the stock path does not need it


async def test_a_missing_public_method_stops_even_the_stock_path(monkeypatch):
    monkeypatch.delattr(paho.Client, "manual_ack_set")
    assert any("manual_ack_set" in p for p in stock_path_problems())


class RecordingSocket:
    def __init__(self) -> None:
        self.sent = bytearray()

    def send(self, data) -> int:
        self.sent += data
        return len(data)

    def fileno(self) -> int:
        return -1

    def close(self) -> None:
        pass


def test_packets_queued_through_paho_reach_the_socket_it_holds():
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311)
    recorder = RecordingSocket()
    client._sock = recorder  # the attribute the fast path replaces with its wrapper
    client._packet_queue(PUBACK, pubacks([1, 300, 65535]), 0, 1)
    while client.want_write():
        client.loop_write()
    assert bytes(recorder.sent) == bytes((0x40, 2, 0, 1, 0x40, 2, 1, 44, 0x40, 2, 255, 255))


def test_paho_reads_through_the_socket_attribute():
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311)
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    reads = []

    class Wrapper:
        def recv(self, size):
            reads.append(size)
            return ours.recv(size)

        def __getattr__(self, name):
            return getattr(ours, name)

    client._sock = Wrapper()
    client._state = paho._ConnectionState.MQTT_CS_CONNECTED
    theirs.send(bytes((0xD0, 0)))  # PINGRESP
    client.loop_read()
    assert reads  # paho took its bytes from the object in `_sock`
    ours.close()
    theirs.close()


async def test_aiomqtt_registers_a_reader_for_the_socket_it_is_handed():
    client = aiomqtt.Client("127.0.0.1", identifier="hook-contract")
    ours, theirs = socket.socketpair()
    loop = asyncio.get_running_loop()
    client._on_socket_open(client._client, None, ours)
    await asyncio.sleep(0.05)  # aiomqtt schedules the registration on the loop
    try:
        assert loop.remove_reader(ours.fileno())  # a reader was registered on that socket
    finally:
        if client._misc_task is not None:
            client._misc_task.cancel()
        ours.close()
        theirs.close()


def test_paho_keeps_a_connection_alive_while_bytes_arrive():
    """The fast path marks `_last_bytes_received` for the publishes it reads past paho; the
    keep-alive must judge by it: with a ping long unanswered, fresh bytes keep the
    connection and stale ones drop it."""
    import time

    def connected_client(bytes_age: float) -> paho.Client:
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311)
        now = time.monotonic()
        client._keepalive = 1
        client._state = paho._ConnectionState.MQTT_CS_CONNECTED
        client._sock = RecordingSocket()
        client._ping_t = now - 5  # a PINGREQ unanswered for five keep-alives
        client._last_msg_out = now
        client._last_bytes_received = now - bytes_age
        return client

    alive = connected_client(bytes_age=0.0)
    alive._check_keepalive()
    assert alive._sock is not None
    stale = connected_client(bytes_age=5.0)
    stale._check_keepalive()
    assert stale._sock is None
