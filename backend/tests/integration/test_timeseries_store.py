"""One contract for every time-series adapter, run against a real influxd and a real SQLite
file. Each test writes under factory ids of its own, so tests neither clean up nor race.

InfluxDB comes from TEST_INFLUX_URL / TEST_INFLUX_DATABASE (`scripts/services.sh start
influxdb` serves the defaults). A server that does not answer fails the suite."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from app.stores.timeseries import (
    LatestValue,
    Point,
    TimeSeriesQueryError,
    TimeSeriesStore,
    TimeSeriesUnavailable,
)
from app.stores.timeseries.base import from_epoch_ms, to_epoch_ms
from app.stores.timeseries.influx import InfluxTimeSeriesStore
from app.stores.timeseries.line_protocol import is_storable_key
from app.stores.timeseries.sqlite import SqliteTimeSeriesStore

INFLUX_URL = os.environ.get("TEST_INFLUX_URL", "http://127.0.0.1:8096")
INFLUX_DATABASE = os.environ.get("TEST_INFLUX_DATABASE", "factoryops_test")

# A Monday at midnight UTC: a multiple of every interval used below except 7 s. All points
# stay within a few days of it, so InfluxDB opens only a shard or two.
T0 = datetime(2026, 1, 5, tzinfo=UTC)
T0_MS = to_epoch_ms(T0)

NASTY_PARAMETERS = [
    "power factor",
    "reactive-power",
    "a,b",
    "k=v",
    "it's",
    'say "hi"',
    "back\\slash",
    "double\\\\backslash",
    "\\,",
    "a\\ b",
    "x\\=y",
    " padded ",
    "Leistung ΣP (kW)",
    "温度",
    "'; DROP SERIES FROM telemetry; --",
    "😀",
]


def at(offset_ms: int) -> datetime:
    return from_epoch_ms(T0_MS + offset_ms)


def _new_store(backend: str, sqlite_path) -> TimeSeriesStore:
    if backend == "influxdb":
        return InfluxTimeSeriesStore(INFLUX_URL, INFLUX_DATABASE, timeout_seconds=10)
    return SqliteTimeSeriesStore(sqlite_path)


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory):
    return tmp_path_factory.mktemp("timeseries") / "timeseries.db"


@pytest.fixture(params=["influxdb", "sqlite"])
async def store(request, sqlite_path):
    store = _new_store(request.param, sqlite_path)
    await store.start()
    try:
        try:
            await store.ping()
        except TimeSeriesUnavailable as exc:
            pytest.fail(f"{request.param} is not reachable ({exc}); start it with "
                        "`scripts/services.sh start influxdb` or set TEST_INFLUX_URL",
                        pytrace=False)
        await store.ensure_database()
        yield store
    finally:
        await store.close()


def new_factory_id() -> int:
    return 10**12 + uuid.uuid4().int % 10**14


@pytest.fixture
def factory_id() -> int:
    return new_factory_id()


async def collect_raw(store, factory_id, series, start, end, chunk_size=10_000):
    chunks = [chunk async for chunk in store.raw(factory_id, series, start, end, chunk_size)]
    assert all(0 < len(chunk) <= chunk_size for chunk in chunks)
    return chunks, [row for chunk in chunks for row in chunk]


def assert_time_ordered(rows):
    times = [row[2] for row in rows]
    assert times == sorted(times)


# --- reachability ----------------------------------------------------------------------------

async def test_ping(store):
    await store.ping()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["influxdb", "sqlite"])
async def unreachable_store(request, tmp_path):
    if request.param == "influxdb":
        store = InfluxTimeSeriesStore(f"http://127.0.0.1:{_closed_port()}", "factoryops",
                                      timeout_seconds=2)
    else:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the database folder should be")
        store = SqliteTimeSeriesStore(blocker / "timeseries.db")
    await store.start()  # starting must not need the backend
    yield store
    await store.close()


async def test_unreachable_backend_raises_unavailable(unreachable_store, factory_id):
    store = unreachable_store
    with pytest.raises(TimeSeriesUnavailable):
        await store.ping()
    with pytest.raises(TimeSeriesUnavailable):
        await store.write([Point(factory_id, 1, "p", T0_MS, 1.0)])
    with pytest.raises(TimeSeriesUnavailable):
        await store.latest(factory_id, 1)
    with pytest.raises(TimeSeriesUnavailable):
        await store.latest_many(factory_id, [1])
    with pytest.raises(TimeSeriesUnavailable):
        await store.aggregate(factory_id, [(1, "p")], T0, at(60_000), 10, "mean")
    with pytest.raises(TimeSeriesUnavailable):
        await collect_raw(store, factory_id, [(1, "p")], T0, at(60_000))
    with pytest.raises(TimeSeriesUnavailable):
        await store.delete_device(factory_id, 1)


# --- latest ----------------------------------------------------------------------------------

async def test_latest_returns_each_parameters_last_value_with_its_own_time(store, factory_id):
    await store.write([
        Point(factory_id, 1, "voltage", T0_MS + 1_000, 229.0),
        Point(factory_id, 1, "voltage", T0_MS + 5_000, 231.5),
        Point(factory_id, 1, "current", T0_MS + 2_000, 10.0),
        Point(factory_id, 2, "voltage", T0_MS + 9_000, 400.0),
    ])
    # An older point arriving later must not replace the latest value.
    await store.write([Point(factory_id, 1, "voltage", T0_MS + 3_000, 1.0)])

    assert await store.latest(factory_id, 1) == {
        "voltage": LatestValue(at(5_000), 231.5),
        "current": LatestValue(at(2_000), 10.0),
    }
    assert await store.latest(factory_id, 1, ["current", "missing"]) == {
        "current": LatestValue(at(2_000), 10.0)
    }
    assert await store.latest(factory_id, 1, []) == {}
    assert await store.latest(factory_id, 3) == {}
    latest = await store.latest(factory_id, 1)
    assert latest["voltage"].ts.tzinfo is not None


async def test_latest_many_answers_for_every_requested_device(store, factory_id):
    await store.write([
        Point(factory_id, 1, "p", T0_MS + 1_000, 1.0),
        Point(factory_id, 1, "q", T0_MS + 2_000, 2.0),
        Point(factory_id, 2, "p", T0_MS + 3_000, 3.0),
        Point(factory_id, 4, "p", T0_MS + 4_000, 4.0),
    ])
    assert await store.latest_many(factory_id, [1, 2, 3]) == {
        1: {"p": LatestValue(at(1_000), 1.0), "q": LatestValue(at(2_000), 2.0)},
        2: {"p": LatestValue(at(3_000), 3.0)},
        3: {},
    }
    assert await store.latest_many(factory_id, []) == {}


async def test_latest_many_with_many_devices(store, factory_id):
    devices = list(range(1, 601))
    await store.write([Point(factory_id, d, "p", T0_MS + d, float(d)) for d in devices])
    found = await store.latest_many(factory_id, devices)
    assert found == {d: {"p": LatestValue(at(d), float(d))} for d in devices}


# --- aggregates ------------------------------------------------------------------------------

# (offset in seconds, value). With start = +3 s and end = +50 s and 10 s buckets:
#   [0, 10): 2, 3 (the point at 0 is before start)   [10, 20): 4, 5   [20, 30): 6
#   [30, 40): empty, left out   [40, 50): 8   and the point at 50 is at the exclusive end.
AGGREGATE_POINTS = [(0, 1.0), (3, 2.0), (9.999, 3.0), (10, 4.0), (15, 5.0), (29, 6.0),
                    (41, 8.0), (50, 9.0)]
AGGREGATE_EXPECTED = {
    "mean": [2.5, 4.5, 6.0, 8.0],
    "min": [2.0, 4.0, 6.0, 8.0],
    "max": [3.0, 5.0, 6.0, 8.0],
    "first": [2.0, 4.0, 6.0, 8.0],
    "last": [3.0, 5.0, 6.0, 8.0],
    "sum": [5.0, 9.0, 6.0, 8.0],
    "count": [2.0, 2.0, 1.0, 1.0],
}


@pytest.mark.parametrize("agg", sorted(AGGREGATE_EXPECTED))
async def test_aggregate_buckets_bounds_and_values(store, factory_id, agg):
    await store.write([
        Point(factory_id, 7, "power", T0_MS + round(seconds * 1000), value)
        for seconds, value in AGGREGATE_POINTS
    ])
    result = await store.aggregate(factory_id, [(7, "power")], at(3_000), at(50_000), 10, agg)
    assert list(result) == [(7, "power")]
    # The first bucket is stamped with its aligned start, before the range's start.
    assert result[(7, "power")] == [
        (at(offset), value)
        for offset, value in zip((0, 10_000, 20_000, 40_000), AGGREGATE_EXPECTED[agg],
                                 strict=True)
    ]


async def test_aggregate_aligns_buckets_to_epoch_multiples(store, factory_id):
    rng = random.Random(7)
    interval_ms = 7_000
    offsets = sorted(rng.sample(range(0, 120_000, 250), 200))
    points = [Point(factory_id, 1, "p", T0_MS + o, float(rng.randint(-50, 50))) for o in offsets]
    await store.write(points)
    start, end = T0_MS + 1_234, T0_MS + 100_001

    buckets: dict[int, list[float]] = defaultdict(list)
    for point in points:
        if start <= point.ts_ms < end:
            buckets[point.ts_ms // interval_ms * interval_ms].append(point.value)

    for agg, reference in (("count", len), ("sum", sum), ("min", min), ("max", max)):
        result = await store.aggregate(factory_id, [(1, "p")], from_epoch_ms(start),
                                       from_epoch_ms(end), 7, agg)
        assert result[(1, "p")] == [
            (from_epoch_ms(bucket), float(reference(values)))
            for bucket, values in sorted(buckets.items())
        ], agg
    mean = (await store.aggregate(factory_id, [(1, "p")], from_epoch_ms(start),
                                  from_epoch_ms(end), 7, "mean"))[(1, "p")]
    assert [t for t, _ in mean] == [from_epoch_ms(b) for b in sorted(buckets)]
    for (_, got), values in zip(mean, (buckets[b] for b in sorted(buckets)), strict=True):
        assert got == pytest.approx(sum(values) / len(values))


async def test_aggregate_answers_of_more_than_ten_thousand_buckets_are_complete(store,
                                                                                 factory_id):
    """InfluxDB 1.x marks series longer than 10,000 rows `partial` even when it sends them
    whole; that must not read as a truncated answer."""
    points = [Point(factory_id, d, "p", T0_MS + i * 1000, float(i))
              for d in (1, 2) for i in range(12_500)]
    await store.write(points)
    result = await store.aggregate(factory_id, [(1, "p"), (2, "p")], from_epoch_ms(T0_MS),
                                   from_epoch_ms(T0_MS + 12_500_000), 1, "last")
    assert [len(result[(d, "p")]) for d in (1, 2)] == [12_500, 12_500]
    assert result[(2, "p")][-1] == (from_epoch_ms(T0_MS + 12_499_000), 12_499.0)


async def test_aggregate_many_devices_in_one_call(store, factory_id):
    points = []
    for device in (1, 2, 3):
        for parameter in ("power", "energy"):
            for minute in range(6):
                value = device * 100 + (10 if parameter == "energy" else 0) + minute
                points.append(Point(factory_id, device, parameter, T0_MS + minute * 60_000,
                                    float(value)))
    await store.write(points)
    wanted = [(1, "power"), (2, "energy"), (3, "power"), (3, "energy"), (9, "power")]
    result = await store.aggregate(factory_id, wanted, T0, at(6 * 60_000), 180, "max")
    assert result == {
        (1, "power"): [(at(0), 102.0), (at(180_000), 105.0)],
        (2, "energy"): [(at(0), 212.0), (at(180_000), 215.0)],
        (3, "power"): [(at(0), 302.0), (at(180_000), 305.0)],
        (3, "energy"): [(at(0), 312.0), (at(180_000), 315.0)],
        (9, "power"): [],
    }


async def test_aggregate_of_an_empty_or_inverted_range(store, factory_id):
    await store.write([Point(factory_id, 1, "p", T0_MS, 1.0)])
    assert await store.aggregate(factory_id, [(1, "p")], at(1), at(1), 10, "mean") == {
        (1, "p"): []
    }
    assert await store.aggregate(factory_id, [(1, "p")], at(10), T0, 10, "mean") == {
        (1, "p"): []
    }
    assert await store.aggregate(factory_id, [], T0, at(10), 10, "mean") == {}


async def test_aggregate_refuses_bad_arguments(store, factory_id):
    with pytest.raises(ValueError):
        await store.aggregate(factory_id, [(1, "p")], T0, at(10), 0, "mean")
    with pytest.raises(ValueError):
        await store.aggregate(factory_id, [(1, "p")], T0, at(10), 10, "median")


# --- raw export ------------------------------------------------------------------------------

async def test_raw_streams_every_point_in_time_order_in_chunks(store, factory_id):
    series = [(d, p) for d in (1, 2, 3) for p in ("a", "b")]
    points = [
        Point(factory_id, d, p, T0_MS + i * 1_000, float(i * 10 + d))
        for i in range(200) for d, p in series
    ]
    await store.write(points)
    start, end = at(10_000), at(150_000)
    chunks, rows = await collect_raw(store, factory_id, series, start, end, chunk_size=50)
    assert len(chunks) > 5
    assert_time_ordered(rows)
    expected = {
        (p.device_id, p.parameter, from_epoch_ms(p.ts_ms), p.value)
        for p in points if start <= from_epoch_ms(p.ts_ms) < end
    }
    assert len(rows) == len(expected) == 140 * 6
    assert set(rows) == expected

    _, only_b = await collect_raw(store, factory_id, [(2, "b")], T0, at(5_000))
    assert only_b == [(2, "b", at(i * 1_000), float(i * 10 + 2)) for i in range(5)]


async def test_raw_when_one_timestamp_holds_more_points_than_a_chunk(store, factory_id):
    series = [(d, f"p{n}") for d in (1, 2) for n in range(6)]
    points = [Point(factory_id, d, p, T0_MS + t, float(t)) for t in (0, 1, 2) for d, p in series]
    await store.write(points)
    chunks, rows = await collect_raw(store, factory_id, series, T0, at(10), chunk_size=5)
    assert len(rows) == 36 and len(set(rows)) == 36
    assert_time_ordered(rows)
    assert {(d, p) for d, p, _, _ in rows} == set(series)


async def test_raw_across_more_series_than_one_query_can_name(store, factory_id):
    names = [f"{i:03d} Leistungsfaktor L1 ΣP (kW) 温度 'q' \"d\" a,b=c"[:64] for i in range(150)]
    series = [(1 + i % 3, name) for i, name in enumerate(names)]
    points = [
        Point(factory_id, d, name, T0_MS + (i * 7 + k * 1_000) % 5_000, float(i * 10 + k))
        for i, (d, name) in enumerate(series) for k in range(3)
    ]
    await store.write(points)
    chunks, rows = await collect_raw(store, factory_id, series, T0, at(10_000), chunk_size=100)
    assert len(chunks) >= 4
    assert_time_ordered(rows)
    assert set(rows) == {(p.device_id, p.parameter, from_epoch_ms(p.ts_ms), p.value)
                         for p in points}
    assert len(rows) == len(points)


async def test_raw_of_nothing(store, factory_id):
    assert await collect_raw(store, factory_id, [(1, "p")], T0, at(1_000)) == ([], [])
    assert await collect_raw(store, factory_id, [], T0, at(1_000)) == ([], [])


# --- names -----------------------------------------------------------------------------------

async def test_nasty_parameter_names_round_trip(store, factory_id):
    points = [
        Point(factory_id, 5, name, T0_MS + t * 1_000, float(i * 100 + t))
        for i, name in enumerate(NASTY_PARAMETERS) for t in range(3)
    ]
    await store.write(points)

    latest = await store.latest(factory_id, 5)
    assert latest == {
        name: LatestValue(at(2_000), float(i * 100 + 2)) for i, name in enumerate(NASTY_PARAMETERS)
    }
    assert await store.latest(factory_id, 5, NASTY_PARAMETERS[:3]) == {
        name: latest[name] for name in NASTY_PARAMETERS[:3]
    }
    assert (await store.latest_many(factory_id, [5]))[5] == latest

    series = [(5, name) for name in NASTY_PARAMETERS]
    sums = await store.aggregate(factory_id, series, T0, at(3_000), 60, "sum")
    assert sums == {
        (5, name): [(T0, float(3 * i * 100 + 3))] for i, name in enumerate(NASTY_PARAMETERS)
    }

    _, rows = await collect_raw(store, factory_id, series, T0, at(3_000), chunk_size=7)
    assert sorted(rows) == sorted(
        (5, p.parameter, from_epoch_ms(p.ts_ms), p.value) for p in points
    )


async def test_random_names_built_from_escape_characters_round_trip(store, factory_id):
    rng = random.Random(20260105)
    alphabet = "\\\\\\ ,,='\"ab温😀#"
    names = set()
    while len(names) < 300:
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if is_storable_key(name):
            names.add(name)
    names = sorted(names)
    await store.write([Point(factory_id, 1, name, T0_MS + i, float(i))
                       for i, name in enumerate(names)])
    assert await store.latest(factory_id, 1) == {
        name: LatestValue(at(i), float(i)) for i, name in enumerate(names)
    }
    sample = names[::7]
    assert set(await store.latest(factory_id, 1, sample)) == set(sample)


async def test_unstorable_parameter_names_are_skipped_alike(store, factory_id):
    # A trailing backslash cannot be written to InfluxDB (it escapes the delimiter after it),
    # so both adapters leave such keys out, and only them.
    await store.write([
        Point(factory_id, 1, "ends with\\", T0_MS, 1.0),
        Point(factory_id, 1, "\\", T0_MS, 2.0),
        Point(factory_id, 1, "_reserved", T0_MS, 3.0),
        Point(factory_id, 1, "fine", T0_MS, 4.0),
    ])
    assert await store.latest(factory_id, 1) == {"fine": LatestValue(T0, 4.0)}


async def test_non_finite_values_are_skipped(store, factory_id):
    await store.write([
        Point(factory_id, 1, "p", T0_MS, float("nan")),
        Point(factory_id, 1, "p", T0_MS + 1, float("inf")),
        Point(factory_id, 1, "p", T0_MS + 2, 2.0),
        Point(factory_id, 1, "q", T0_MS + 3, float("-inf")),
    ])
    assert await store.latest(factory_id, 1) == {"p": LatestValue(at(2), 2.0)}


# --- tenancy, overwrites, deletes ------------------------------------------------------------

async def test_two_factories_with_the_same_devices_never_mix(store):
    first, second = new_factory_id(), new_factory_id()
    for factory, value in ((first, 1.0), (second, 2.0)):
        await store.write([
            Point(factory, 1, "p", T0_MS + t * 1_000, value) for t in range(5)
        ] + [Point(factory, 2, "p", T0_MS, value)])

    for factory, value in ((first, 1.0), (second, 2.0)):
        assert await store.latest(factory, 1) == {"p": LatestValue(at(4_000), value)}
        assert await store.latest_many(factory, [1, 2]) == {
            1: {"p": LatestValue(at(4_000), value)}, 2: {"p": LatestValue(T0, value)}
        }
        assert await store.aggregate(factory, [(1, "p")], T0, at(5_000), 60, "sum") == {
            (1, "p"): [(T0, 5 * value)]
        }
        _, rows = await collect_raw(store, factory, [(1, "p"), (2, "p")], T0, at(5_000))
        assert len(rows) == 6 and {row[3] for row in rows} == {value}

    await store.delete_device(first, 1)
    assert await store.latest(first, 1) == {}
    assert await store.latest(second, 1) == {"p": LatestValue(at(4_000), 2.0)}
    _, rows = await collect_raw(store, second, [(1, "p")], T0, at(5_000))
    assert len(rows) == 5


async def test_writing_the_same_series_and_time_again_overwrites(store, factory_id):
    await store.write([Point(factory_id, 1, "p", T0_MS, 1.0)])
    await store.write([Point(factory_id, 1, "p", T0_MS, 2.0)])
    # Within one batch the later point wins, as a later write would.
    await store.write([
        Point(factory_id, 1, "q", T0_MS, 1.0),
        Point(factory_id, 1, "q", T0_MS, 3.0),
    ])

    assert await store.latest(factory_id, 1) == {
        "p": LatestValue(T0, 2.0), "q": LatestValue(T0, 3.0)
    }
    _, rows = await collect_raw(store, factory_id, [(1, "p"), (1, "q")], T0, at(1))
    assert sorted(rows) == [(1, "p", T0, 2.0), (1, "q", T0, 3.0)]
    counts = await store.aggregate(factory_id, [(1, "p")], T0, at(1_000), 1, "count")
    assert counts == {(1, "p"): [(T0, 1.0)]}


async def test_delete_device_removes_only_that_device(store, factory_id):
    await store.write([
        Point(factory_id, device, parameter, T0_MS + t, float(t))
        for device in (1, 2) for parameter in ("a", "b") for t in range(10)
    ])
    await store.delete_device(factory_id, 1)
    assert await store.latest(factory_id, 1) == {}
    assert await store.latest_many(factory_id, [1, 2]) == {
        1: {}, 2: {"a": LatestValue(at(9), 9.0), "b": LatestValue(at(9), 9.0)}
    }
    _, rows = await collect_raw(store, factory_id, [(1, "a"), (2, "a")], T0, at(10))
    assert {row[0] for row in rows} == {2}
    assert await store.aggregate(factory_id, [(1, "a")], T0, at(10), 1, "count") == {
        (1, "a"): []
    }
    await store.delete_device(factory_id, 1)  # deleting again is harmless
    # A device id may be used again after its delete.
    await store.write([Point(factory_id, 1, "a", T0_MS + 100, 5.0)])
    assert await store.latest(factory_id, 1) == {"a": LatestValue(at(100), 5.0)}


# --- adapter-specific ------------------------------------------------------------------------

async def test_influx_reports_bad_queries_as_query_errors():
    async with InfluxTimeSeriesStore(INFLUX_URL, INFLUX_DATABASE) as store:
        with pytest.raises(TimeSeriesQueryError):
            await store._query("SELEC nonsense")
        with pytest.raises(TimeSeriesQueryError):
            await store._query('SELECT bogus("value") FROM "telemetry"')


async def test_influx_missing_database_is_unavailable_not_a_bad_request(factory_id):
    missing = f"factoryops_missing_{uuid.uuid4().hex[:12]}"
    async with InfluxTimeSeriesStore(INFLUX_URL, missing) as store:
        with pytest.raises(TimeSeriesUnavailable):
            await store.write([Point(factory_id, 1, "p", T0_MS, 1.0)])
        with pytest.raises(TimeSeriesUnavailable):
            await store.latest(factory_id, 1)


async def test_influx_writes_without_compression(factory_id):
    async with InfluxTimeSeriesStore(INFLUX_URL, INFLUX_DATABASE, gzip_writes=False) as store:
        await store.write([Point(factory_id, 1, "plain", T0_MS, 1.25)])
        assert await store.latest(factory_id, 1) == {"plain": LatestValue(T0, 1.25)}


async def test_influx_large_batch_is_compressed_off_the_event_loop(factory_id):
    points = [Point(factory_id, d, f"parameter {p}", T0_MS + t, float(t))
              for d in range(10) for p in range(10) for t in range(200)]
    async with InfluxTimeSeriesStore(INFLUX_URL, INFLUX_DATABASE) as store:
        await store.write(points)
        counts = await store.aggregate(factory_id, [(9, "parameter 9")], T0, at(200), 60, "count")
        assert counts == {(9, "parameter 9"): [(T0, 200.0)]}


async def test_sqlite_file_is_shared_between_writer_and_reader_stores(tmp_path, factory_id):
    path = tmp_path / "shared" / "timeseries.db"
    async with SqliteTimeSeriesStore(path) as writer, SqliteTimeSeriesStore(path) as reader:
        await writer.ensure_database()
        await writer.write([Point(factory_id, 1, "p", T0_MS, 1.0)])
        assert await reader.latest(factory_id, 1) == {"p": LatestValue(T0, 1.0)}
        await writer.write([Point(factory_id, 1, "p", T0_MS + 1, 2.0)])
        assert await reader.latest(factory_id, 1) == {"p": LatestValue(at(1), 2.0)}


async def test_sqlite_store_can_be_started_again_after_close(tmp_path, factory_id):
    store = SqliteTimeSeriesStore(tmp_path / "timeseries.db")
    async with store:
        await store.write([Point(factory_id, 1, "p", T0_MS, 1.0)])
    async with store:
        assert await store.latest(factory_id, 1) == {"p": LatestValue(T0, 1.0)}



@pytest.mark.parametrize("backend", ["influxdb", "sqlite"])
def test_store_serves_successive_event_loops(backend, tmp_path, factory_id):
    # Workers may run each job under its own asyncio.run(); one store must serve them all.
    store = _new_store(backend, tmp_path / "timeseries.db")

    async def job(offset: int):
        await store.write([Point(factory_id, 1, "p", T0_MS + offset, float(offset))])
        return await store.latest(factory_id, 1)

    try:
        for offset in range(3):
            assert asyncio.run(job(offset)) == {"p": LatestValue(at(offset), float(offset))}
    finally:
        asyncio.run(store.close())
