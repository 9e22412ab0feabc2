"""Throughput of the time-series write path, run by hand (not part of the test suites):

    .venv/bin/python -m app.stores.timeseries.benchmark --influx-url http://127.0.0.1:8096

Reports line-protocol encoding of 50,000 points, then end-to-end writes (encode, gzip, HTTP)
to InfluxDB in batches of 5,000 to 20,000 points, and the same batches into SQLite. Points
go to a database of their own (`factoryops_bench` by default) under a fresh factory id."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from app.stores.timeseries.base import Point, TimeSeriesStore
from app.stores.timeseries.influx import InfluxTimeSeriesStore
from app.stores.timeseries.line_protocol import LineProtocolEncoder
from app.stores.timeseries.sqlite import SqliteTimeSeriesStore

DEVICES = 500
PARAMETERS = [f"param {i}" for i in range(8)] + ["Leistung ΣP (kW)", "power-factor"]


def make_points(count: int, factory_id: int, start_ms: int) -> list[Point]:
    """Rounds of every device publishing every parameter, one second apart."""
    rng = random.Random(count)
    per_round = DEVICES * len(PARAMETERS)
    return [
        Point(factory_id, 1 + (i // len(PARAMETERS)) % DEVICES, PARAMETERS[i % len(PARAMETERS)],
              start_ms + (i // per_round) * 1000, rng.uniform(0, 1000))
        for i in range(count)
    ]


def bench_encoding(points: list[Point], repeats: int = 7) -> None:
    encoder = LineProtocolEncoder()
    encoder.encode(points)  # warm the series cache, as a running ingester has
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        body = encoder.encode(points)
        timings.append(time.perf_counter() - started)
    best, median = min(timings), statistics.median(timings)
    cold = LineProtocolEncoder()
    started = time.perf_counter()
    cold.encode(points)
    cold_time = time.perf_counter() - started
    print(f"encode_points, {len(points):,} points, {len(body) / len(points):.0f} bytes/point:")
    print(f"  warm cache: best {best * 1000:.1f} ms ({len(points) / best:,.0f} points/s), "
          f"median {median * 1000:.1f} ms ({len(points) / median:,.0f} points/s)")
    print(f"  cold cache: {cold_time * 1000:.1f} ms ({len(points) / cold_time:,.0f} points/s)")


async def bench_writes(name: str, store: TimeSeriesStore, total: int, batch_sizes) -> None:
    async with store:
        await store.ensure_database()
        for batch_size in batch_sizes:
            factory_id = 10**12 + uuid.uuid4().int % 10**12
            start_ms = (int(time.time()) - 3600) * 1000
            points = make_points(total, factory_id, start_ms)
            batches = [points[i:i + batch_size] for i in range(0, total, batch_size)]
            await store.write(batches[0])  # connection set up, series created
            started = time.perf_counter()
            for batch in batches[1:]:
                await store.write(batch)
            elapsed = time.perf_counter() - started
            written = total - len(batches[0])
            print(f"  {name}, batches of {batch_size:>6,}: {written / elapsed:>10,.0f} points/s "
                  f"({elapsed / (len(batches) - 1) * 1000:.0f} ms per batch)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--influx-url", default="http://127.0.0.1:8096")
    parser.add_argument("--database", default="factoryops_bench")
    parser.add_argument("--points", type=int, default=200_000,
                        help="points written per batch size")
    parser.add_argument("--skip-influx", action="store_true")
    args = parser.parse_args()

    bench_encoding(make_points(50_000, 1, 1_767_571_200_000))
    batch_sizes = (5_000, 10_000, 20_000)
    print(f"writes, {args.points:,} points per batch size, one batch in flight:")
    if not args.skip_influx:
        for gzip_writes in (True, False):
            store = InfluxTimeSeriesStore(args.influx_url, args.database,
                                          gzip_writes=gzip_writes)
            label = "InfluxDB gzip" if gzip_writes else "InfluxDB plain"
            await bench_writes(label, store, args.points, batch_sizes)
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteTimeSeriesStore(Path(folder) / "bench.db")
        await bench_writes("SQLite", store, args.points, batch_sizes)


if __name__ == "__main__":
    asyncio.run(main())
