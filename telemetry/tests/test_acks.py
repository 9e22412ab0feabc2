"""Acknowledgements leave as each chunk of a batch becomes durable, never before its points
are: the ledger's arithmetic, then a real write of a batch of many chunks to InfluxDB."""

from __future__ import annotations

import time

from app.stores.timeseries import Point, build_timeseries_store
from telemetry.acks import AckLedger
from telemetry.metrics import IngestStats
from telemetry.spool import DiskSpool
from telemetry.tests.faults import count_points
from telemetry.writer import PointWriter


class RecordingConnection:
    """Stands in for a broker connection's acknowledgement sink: what it was asked to
    acknowledge, and what was durable at that moment."""

    def __init__(self, durable=lambda: None) -> None:
        self.calls: list[tuple[list[int], object]] = []
        self._durable = durable

    def acknowledge(self, packet_ids: list[int]) -> None:
        self.calls.append((list(packet_ids), self._durable()))


def test_a_message_is_released_only_once_all_its_points_are_durable():
    first, second = RecordingConnection(), RecordingConnection()
    ledger, stats = AckLedger(), IngestStats(unacked_messages=5)
    ledger.add(first, 1, 3)  # message 1: points 0-2
    ledger.add(first, 2, 3)  # refused message: no points of its own
    ledger.add(first, 3, 7)
    ledger.add(second, 4, 7)  # the same points mark, on a new connection
    ledger.add(second, 5, 12)
    ledger.send_through(2, stats)
    assert first.calls == [] and stats.unacked_messages == 5
    ledger.send_through(6, stats)
    assert [ids for ids, _ in first.calls] == [[1, 2]] and ledger.count == 3
    ledger.send_through(7, stats)
    assert [ids for ids, _ in first.calls] == [[1, 2], [3]]
    assert [ids for ids, _ in second.calls] == [[4]]
    ledger.send(stats)
    assert [ids for ids, _ in second.calls] == [[4], [5]]
    assert ledger.count == 0 and stats.unacked_messages == 0


async def test_a_batch_of_many_chunks_is_acknowledged_chunk_by_chunk(settings, make,
                                                                     tmp_path):
    factory = await make.factory()
    device = await make.device(factory)
    store = build_timeseries_store(settings)
    await store.start()
    stats = IngestStats()
    writer = PointWriter(store, DiskSpool(tmp_path, 10**6), stats, batch_points=100)
    connection = RecordingConnection(durable=lambda: stats.points_written)
    now = int(time.time() * 1000)
    try:
        for message in range(100):  # 100 messages of 10 points: 10 chunks of 100
            writer.add([Point(factory.id, device.id, f"p{i}", now - message * 1000, 1.0)
                        for i in range(10)])
            writer.acks.add(connection, message + 1, len(writer.pending))
            stats.unacked_messages += 1
        await writer.flush()
    finally:
        await store.close()
    assert await count_points(factory.id) == 1000
    # Each chunk's ten messages left as soon as its points were written, not all at the end.
    assert connection.calls == [(list(range(c * 10 + 1, c * 10 + 11)), (c + 1) * 100)
                                for c in range(10)]
    assert stats.unacked_messages == 0
