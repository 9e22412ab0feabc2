"""The PUBLISH fast path: every packet handled once, in order, however the stream is cut."""

from __future__ import annotations

import random

import pytest

from telemetry.mqtt_fastpath import IngestSocket, MalformedStream, split_packets


def encode_publish(topic: str, payload: bytes, qos: int, packet_id: int) -> bytes:
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
    return bytes((0x30 | (qos << 1),)) + bytes(length) + variable + payload


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
        packets.append(encode_publish(topic, payload, qos, (i % 65535) + 1))
        expected.append((topic, payload, qos, (i % 65535) + 1 if qos else 0))
    return b"".join(packets), expected, b"".join(passthrough)


def test_split_packets_on_a_whole_stream():
    data, expected, passthrough = stream(200, random.Random(1))
    publishes, others, consumed = split_packets(data)
    assert consumed == len(data)
    assert publishes == expected
    assert others == passthrough


def test_split_packets_stops_at_an_incomplete_packet():
    data, expected, _ = stream(40, random.Random(2))
    for cut in random.Random(3).sample(range(1, len(data)), 60):
        publishes, _, consumed = split_packets(data[:cut])
        rest, _, _ = split_packets(data[consumed:])
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

    def _packet_queue(self, command, packet, mid, qos, info=None):
        self.queued.append(packet)


@pytest.mark.parametrize("seed", range(5))
def test_socket_wrapper_handles_every_publish_once_and_gives_paho_the_rest(seed):
    rng = random.Random(seed)
    data, expected, passthrough = stream(300, rng)
    cuts = sorted(rng.sample(range(1, len(data)), 80))
    pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    handled: list[tuple[str, bytes]] = []
    paho_client = FakePaho()
    wrapped = IngestSocket(FakeSocket(pieces), paho_client, lambda t, p: handled.append((t, p)))
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
    acks = b"".join(paho_client.queued)
    expected_acks = b"".join(bytes((0x40, 2, pid >> 8, pid & 0xFF))
                             for _, _, qos, pid in expected if qos)
    assert acks == expected_acks
    assert wrapped.fileno() == 99  # everything else reaches the real socket


def test_closed_connection_reads_as_empty():
    wrapped = IngestSocket(FakeSocket([None]), FakePaho(), lambda t, p: None)
    assert wrapped.recv(1) == b""
