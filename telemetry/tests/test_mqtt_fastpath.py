"""The PUBLISH fast path: every packet handled once, in order, however the stream is cut."""

from __future__ import annotations

import random
import time

import pytest

from telemetry.metrics import IngestStats
from telemetry.mqtt_fastpath import IngestSocket, MalformedStream, split_packets


def encode_publish(topic: str, payload: bytes, qos: int, packet_id: int,
                   dup: bool = False) -> bytes:
    """A PUBLISH as a broker sends it (MQTT 3.1.1, section 3.3), written out independently
    of the code under test."""
    variable = len(topic.encode()).to_bytes(2, "big") + topic.encode()
    if qos:
        variable += packet_id.to_bytes(2, "big")
    remaining = len(variable) + len(payload)
    length = bytearray()
    while True:
        byte, remaining = remaining % 128, remaining // 128
        length.append(byte | (0x80 if remaining else 0))
        if not remaining:
            break
    return bytes((0x30 | (qos << 1) | (0x08 if dup else 0),)) + bytes(length) + variable \
        + payload


SUBACK = bytes((0x90, 3, 0, 1, 1))
PINGRESP = bytes((0xD0, 0))


def stream(count: int, rng: random.Random):
    packets, expected, passthrough = [], [], []
    for i in range(count):
        if i % 17 == 5:
            packets.append(SUBACK)
            passthrough.append(SUBACK)
            continue
        if i % 29 == 3:
            packets.append(PINGRESP)
            passthrough.append(PINGRESP)
            continue
        qos = i % 2
        topic = f"factories/plant-{i % 3}/devices/dev-{i}/telemetry"
        # Sizes across the 1/2/3-byte remaining-length boundaries (127, 16383).
        payload = bytes(rng.randrange(256) for _ in range(rng.choice((0, 5, 120, 200, 17000))))
        packets.append(encode_publish(topic, payload, qos, (i % 65535) + 1, dup=i % 7 == 1))
        expected.append((topic, payload, qos, (i % 65535) + 1 if qos else 0))
    return b"".join(packets), expected, b"".join(passthrough)


def test_split_packets_on_a_whole_stream():
    data, expected, passthrough = stream(200, random.Random(1))
    publishes, others, consumed, redelivered = split_packets(data)
    assert consumed == len(data)
    assert publishes == expected
    assert others == passthrough
    assert redelivered == sum(1 for i in range(200) if i % 7 == 1 and i % 17 != 5
                              and i % 29 != 3)


def test_split_packets_stops_at_an_incomplete_packet():
    data, expected, _ = stream(40, random.Random(2))
    for cut in random.Random(3).sample(range(1, len(data)), 60):
        publishes, _, consumed, _ = split_packets(data[:cut])
        rest, _, _, _ = split_packets(data[consumed:])
        assert publishes + rest == expected  # nothing lost, nothing twice


def test_a_remaining_length_over_four_bytes_is_refused():
    with pytest.raises(MalformedStream):
        split_packets(bytes((0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F)))


class FakeSocket:
    """Delivers a byte stream in given pieces, like a non-blocking socket would."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = list(pieces)

    def recv(self, size: int) -> bytes:
        if not self.pieces:
            raise BlockingIOError
        piece = self.pieces.pop(0)
        if piece is None:
            return b""
        if len(piece) > size:
            self.pieces.insert(0, piece[size:])
            piece = piece[:size]
        return piece

    def fileno(self) -> int:
        return 99


class FakePaho:
    def __init__(self) -> None:
        self.queued: list[bytes] = []
        self._sock = None
        self._last_bytes_received = 0.0

    def _packet_queue(self, command, packet, mid, qos, info=None):
        self.queued.append(packet)


@pytest.mark.parametrize("seed", range(5))
def test_socket_wrapper_handles_every_publish_once_and_gives_paho_the_rest(seed):
    rng = random.Random(seed)
    data, expected, passthrough = stream(300, rng)
    cuts = sorted(rng.sample(range(1, len(data)), 80))
    pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    handled: list[tuple[str, bytes]] = []
    owed: list[int] = []

    def handler(topic, payload, packet_id, acks):
        handled.append((topic, payload))
        if packet_id:
            owed.append(packet_id)

    paho_client = FakePaho()
    stats = IngestStats()
    wrapped = IngestSocket(FakeSocket(pieces), paho_client, handler, stats)
    paho_client._sock = wrapped
    given_to_paho = bytearray()
    while True:
        try:
            chunk = wrapped.recv(rng.choice((1, 2, 7, 4096)))
        except BlockingIOError:
            if not wrapped._sock.pieces:
                break
            continue
        given_to_paho += chunk
    assert handled == [(t, p) for t, p, _, _ in expected]
    assert bytes(given_to_paho) == passthrough
    assert stats.fastpath_packets == len(expected)
    # Nothing is acknowledged on receipt: the ingester does, once the points are durable.
    assert paho_client.queued == []
    assert owed == [pid for _, _, qos, pid in expected if qos]
    wrapped.acks.acknowledge(owed)
    expected_acks = b"".join(bytes((0x40, 2, pid >> 8, pid & 0xFF)) for pid in owed)
    assert paho_client.queued == [expected_acks]  # one write for all of them
    assert wrapped.fileno() == 99  # everything else reaches the real socket


def test_acknowledgements_of_a_closed_connection_are_dropped():
    paho_client = FakePaho()
    stats = IngestStats()
    old = IngestSocket(FakeSocket([]), paho_client, lambda *a: None, stats)
    paho_client._sock = IngestSocket(FakeSocket([]), paho_client, lambda *a: None, stats)
    old.acks.acknowledge([1, 2, 3])  # its messages are redelivered on the new connection
    assert paho_client.queued == [] and stats.acks_dropped == 3


def test_intake_stops_when_backpressure_says_so():
    data, expected, _ = stream(50, random.Random(9))
    pieces = [data[i:i + 512] for i in range(0, len(data), 512)]
    handled = []
    pauses = []

    def must_pause():
        pauses.append(len(handled))
        return True

    wrapped = IngestSocket(FakeSocket(pieces), FakePaho(),
                           lambda t, p, i, a: handled.append(t), IngestStats(), must_pause)
    with pytest.raises(BlockingIOError):
        wrapped._fill()
    # One chunk read, then no more until the event loop is told to read again.
    assert len(wrapped._sock.pieces) == len(pieces) - 1 and pauses == [len(handled)]


def test_closed_connection_reads_as_empty():
    wrapped = IngestSocket(FakeSocket([None]), FakePaho(), lambda *a: None, IngestStats())
    assert wrapped.recv(1) == b""


def test_publishes_read_past_paho_still_count_as_traffic_for_its_keep_alive():
    """paho drops a connection whose PINGRESP is late unless bytes came in meanwhile; the
    publishes the fast path takes are such bytes."""
    paho_client = FakePaho()
    wrapped = IngestSocket(FakeSocket([encode_publish("t", b"x", 1, 1)]), paho_client,
                           lambda *a: None, IngestStats())
    before = time.monotonic()
    with pytest.raises(BlockingIOError):  # nothing for paho itself
        wrapped._fill()
    assert paho_client._last_bytes_received >= before
