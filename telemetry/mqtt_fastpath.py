"""The ingester's receive path for PUBLISH packets (MQTT 3.1.1 framing: no properties).

aiomqtt (on paho) manages the connection: connecting, subscribing, keep-alive, reconnecting,
TLS. For every message, though, paho spends tens of microseconds of Python — reading the
header a byte per system call, building message objects, matching topic callbacks, queueing
one acknowledgement at a time — and in a profile of the ingester under load that was more
than half of its time. So the socket paho reads from is wrapped: the wrapper reads the
stream in large chunks, hands every complete QoS 0/1 PUBLISH straight to the ingester with
its packet id and the connection's `FastPathAcks` (the ingester acknowledges once the points
are durable, many at a time), and passes every other packet (CONNACK, SUBACK, PINGRESP, QoS 2
flows) to paho unchanged. paho only ever receives whole packets, so its state machine is
never entered mid-packet.

This leans on paho and aiomqtt internals (`_on_socket_open`, `_sock`, `_packet_queue`);
telemetry.hooks checks them at start-up and the ingester falls back to the stock path
when they are not as expected."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from telemetry.acks import FastPathAcks
from telemetry.metrics import IngestStats

PUBLISH = 0x30
DUP = 0x08
READ_SIZE = 262_144
# Reads per readiness event before control goes back to the event loop, so that a broker
# sending faster than we store cannot starve the flush loop.
READS_PER_EVENT = 4

# (topic, payload, packet id or 0 for QoS 0, acknowledgement sink)
Handler = Callable[[str, bytes, int, FastPathAcks], None]


class MalformedStream(Exception):
    """A remaining-length field longer than MQTT allows: the connection is unusable."""


def _remaining_length(data: bytes, start: int) -> tuple[int, int] | None:
    """(length, index after the field), or None when the field is not complete yet."""
    value = 0
    multiplier = 1
    index = start
    while True:
        if index >= len(data):
            return None
        byte = data[index]
        index += 1
        value += (byte & 0x7F) * multiplier
        if not byte & 0x80:
            return value, index
        multiplier *= 128
        if multiplier > 128 ** 3:
            raise MalformedStream("remaining length longer than four bytes")


def split_packets(data: bytes) -> tuple[list[tuple[str, bytes, int, int]], bytes, int, int]:
    """Walk the complete packets at the start of `data`.

    Returns (publishes, passthrough, consumed, redelivered): `publishes` as (topic, payload,
    qos, packet id) for QoS 0/1 PUBLISH packets, `passthrough` the bytes of every other
    complete packet (for paho, in order), how many bytes of `data` were used (the rest is an
    incomplete packet that needs more data), and how many publishes carried the DUP flag."""
    publishes: list[tuple[str, bytes, int, int]] = []
    passthrough: list[bytes] = []
    index = 0
    redelivered = 0
    end_of_data = len(data)
    while index + 2 <= end_of_data:
        header = data[index]
        field = _remaining_length(data, index + 1)
        if field is None:
            break
        length, body = field
        end = body + length
        if end > end_of_data:
            break
        qos = (header >> 1) & 0x03
        if header & 0xF0 == PUBLISH and qos < 2 and length >= 2:
            topic_length = (data[body] << 8) | data[body + 1]
            cursor = body + 2 + topic_length
            packet_id = 0
            if qos:
                packet_id = (data[cursor] << 8) | data[cursor + 1]
                cursor += 2
            if cursor <= end:
                topic = data[body + 2:body + 2 + topic_length].decode("utf-8", "replace")
                publishes.append((topic, data[cursor:end], qos, packet_id))
                if header & DUP:
                    redelivered += 1
                index = end
                continue
        passthrough.append(data[index:end])
        index = end
    return publishes, b"".join(passthrough), index, redelivered


class IngestSocket:
    """Stands in for the broker connection's socket inside paho (see the module doc).
    Anything but `recv` and `pending` goes to the real socket. `must_pause` is asked after
    each chunk: when it answers True reading stops (it has paused the connection)."""

    __slots__ = ("_sock", "_client", "_handler", "_carry", "_for_paho", "_offset", "_stats",
                 "_must_pause", "acks")

    def __init__(self, sock, paho_client, handler: Handler, stats: IngestStats,
                 must_pause: Callable[[], bool] = lambda: False) -> None:
        self._sock = sock
        self._client = paho_client
        self._handler = handler
        self._stats = stats
        self._must_pause = must_pause
        self.acks = FastPathAcks(paho_client, self, stats)
        self._carry = b""  # the start of a packet still arriving
        self._for_paho = b""
        self._offset = 0

    def recv(self, size: int) -> bytes:
        if self._offset >= len(self._for_paho) and not self._fill():
            return b""  # closed by the broker: paho reads this as a lost connection
        chunk = self._for_paho[self._offset:self._offset + size]
        self._offset += len(chunk)
        return chunk

    def pending(self) -> int:
        # Bytes a TLS socket has decrypted but not handed out yet count too: the event
        # loop would not report them as readable.
        ssl_pending = self._sock.pending() if hasattr(self._sock, "pending") else 0
        return len(self._for_paho) - self._offset + ssl_pending

    def _fill(self) -> bool:
        """Read until there is a packet for paho (True) or the connection closed (False);
        BlockingIOError, as from a real non-blocking socket, when there is nothing for paho
        yet. Publishes found on the way are handed to the ingester, which acknowledges them
        once durable."""
        for _ in range(READS_PER_EVENT):
            data = self._sock.recv(READ_SIZE)  # BlockingIOError passes through to paho
            if not data:
                self._for_paho, self._offset = b"", 0
                return False
            # paho judges the connection alive by the packets it reads itself, and it reads
            # no PUBLISH here: without this, a PINGRESP queued behind a long backlog (intake
            # paused by a slow store) arrived after the keep-alive and paho dropped a
            # connection that was delivering all along.
            self._client._last_bytes_received = monotonic()
            data = self._carry + data if self._carry else data
            publishes, passthrough, consumed, redelivered = split_packets(data)
            self._carry = data[consumed:]
            handler = self._handler
            acks = self.acks
            for topic, payload, qos, packet_id in publishes:
                handler(topic, payload, packet_id if qos else 0, acks)
            stats = self._stats
            stats.fastpath_packets += len(publishes)
            if redelivered:
                stats.redeliveries += redelivered
            if passthrough:
                self._for_paho, self._offset = passthrough, 0
                if publishes:
                    self._must_pause()
                return True
            if publishes and self._must_pause():
                break
        # More may be waiting; the socket stays readable, so the event loop comes back
        # (unless intake was just paused).
        raise BlockingIOError

    def __getattr__(self, name: str):
        return getattr(self._sock, name)
