"""Acknowledgements held back until what they acknowledge is durable.

A QoS 1 message is acknowledged to the broker only once its points are in the time-series
store or in the disk spool (or once it was refused: nothing of it needs keeping). Until then
the broker keeps it in the session's in-flight window and sends it again (DUP) on the next
connection, so a crash at any moment loses nothing.

Each message carries its packet id and the `AckSink` of the connection it came on. A sink
of a connection that has since closed drops its acknowledgements: the broker redelivers
those messages on the new connection (a duplicate write of the same points, harmless for
devices that send `ts`). Acknowledgements may leave in another order than the messages
came (a message waiting for its device lookup is acknowledged later than the ones after
it); Mosquitto and EMQX match PUBACKs by packet id."""

from __future__ import annotations

import struct
from bisect import bisect_right
from collections.abc import Callable
from typing import Protocol

from telemetry.metrics import IngestStats

PUBACK = 0x40
# A PUBACK read as one big-endian 32-bit word: type, remaining length 2, packet id.
_PUBACK_WORD = 0x40020000


def pubacks(packet_ids: list[int]) -> bytes:
    """The PUBACK packets of these ids, back to back, in one call."""
    return struct.pack(f">{len(packet_ids)}I", *[_PUBACK_WORD | i for i in packet_ids])


class AckSink(Protocol):
    def acknowledge(self, packet_ids: list[int]) -> None: ...


class FastPathAcks:
    """PUBACKs of one broker connection, queued in one write through paho's own output queue
    (so they wait for the socket to be writable like every packet paho sends)."""

    __slots__ = ("_client", "_socket", "_stats")

    def __init__(self, paho_client, socket, stats: IngestStats) -> None:
        self._client = paho_client
        self._socket = socket
        self._stats = stats

    @property
    def current(self) -> bool:
        return self._client._sock is self._socket

    def acknowledge(self, packet_ids: list[int]) -> None:
        if not self.current:
            self._stats.acks_dropped += len(packet_ids)
            return
        self._client._packet_queue(PUBACK, pubacks(packet_ids), 0, 1)
        self._stats.acks_sent += len(packet_ids)


class PahoAcks:
    """The stock path: paho in manual-acknowledgement mode, one `ack` call per message."""

    __slots__ = ("_client", "_socket", "_stats")

    def __init__(self, paho_client, stats: IngestStats) -> None:
        self._client = paho_client
        self._socket = paho_client.socket()
        self._stats = stats

    def acknowledge(self, packet_ids: list[int]) -> None:
        if self._client.socket() is not self._socket or self._socket is None:
            self._stats.acks_dropped += len(packet_ids)
            return
        for packet_id in packet_ids:
            self._client.ack(packet_id, 1)
        self._stats.acks_sent += len(packet_ids)


class CountdownAcks:
    """Messages replayed from a spool file: once all of them are durable again, `done`
    runs (it removes the file)."""

    __slots__ = ("_remaining", "_done")

    def __init__(self, count: int, done: Callable[[], None]) -> None:
        self._remaining = count
        self._done = done

    def acknowledge(self, packet_ids: list[int]) -> None:
        self._remaining -= len(packet_ids)
        if self._remaining <= 0:
            self._done()


class AckLedger:
    """Acknowledgements owed for one batch of points, grouped by sink in arrival order. Each
    remembers how many of the batch's points had been buffered once its message was
    handled (`points_end`): all its points lie before that mark, so when the batch is made
    durable chunk by chunk, every chunk releases the acknowledgements up to it. (Sending them
    only at the end of a batch of 200,000 points held intake paused for the whole write, past
    the keep-alive on a slow store.) `add` is on the per-message path: one comparison and
    two appends."""

    __slots__ = ("groups", "count")

    def __init__(self) -> None:
        # [sink, packet ids, their points_end marks], marks never decreasing
        self.groups: list[tuple[AckSink, list[int], list[int]]] = []
        self.count = 0

    def add(self, sink: AckSink, packet_id: int, points_end: int = 0) -> None:
        groups = self.groups
        if groups and groups[-1][0] is sink:
            group = groups[-1]
            group[1].append(packet_id)
            group[2].append(points_end)
        else:
            groups.append((sink, [packet_id], [points_end]))
        self.count += 1

    def send_through(self, durable_points: int, stats: IngestStats) -> None:
        """Acknowledge every message whose points are all among the first
        `durable_points` of the batch."""
        groups = self.groups
        sent = 0
        finished = 0
        for sink, packet_ids, ends in groups:
            ready = bisect_right(ends, durable_points)
            if ready == len(packet_ids):
                sink.acknowledge(packet_ids)
                sent += ready
                finished += 1
                continue
            if ready:
                sink.acknowledge(packet_ids[:ready])
                del packet_ids[:ready]
                del ends[:ready]
                sent += ready
            break
        if finished:
            del groups[:finished]
        self.count -= sent
        stats.unacked_messages -= sent

    def send(self, stats: IngestStats) -> None:
        for sink, packet_ids, _ends in self.groups:
            sink.acknowledge(packet_ids)
        stats.unacked_messages -= self.count
        self.groups = []
        self.count = 0
