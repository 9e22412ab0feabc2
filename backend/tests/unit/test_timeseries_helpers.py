"""Pieces of the time-series store that need no server: the ordered merge behind exports,
time conversions and the adapter chosen from settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.core.config import Settings
from app.stores.timeseries import build_timeseries_store
from app.stores.timeseries.base import check_aggregate_arguments, from_epoch_ms, to_epoch_ms
from app.stores.timeseries.influx import InfluxTimeSeriesStore, server_generation
from app.stores.timeseries.ordered_merge import merge_in_time_order
from app.stores.timeseries.sqlite import SqliteTimeSeriesStore


def _row(device_id: int, ms: int):
    return (device_id, "p", from_epoch_ms(ms), float(ms))


def _stream(chunks):
    async def gen():
        for chunk in chunks:
            yield chunk

    return gen()


async def _collect(streams, chunk_size):
    return [chunk async for chunk in merge_in_time_order(streams, chunk_size)]


class TestOrderedMerge:
    async def test_merges_in_time_order_with_bounded_chunks(self):
        a = [[_row(1, t) for t in (1, 4, 9)], [], [_row(1, t) for t in (10, 20)]]
        b = [[_row(2, t) for t in (2, 3)], [_row(2, t) for t in (9, 30)]]
        c: list = []
        chunks = await _collect([_stream(a), _stream(b), _stream(c)], chunk_size=3)
        assert all(0 < len(chunk) <= 3 for chunk in chunks)
        rows = [row for chunk in chunks for row in chunk]
        assert [to_epoch_ms(r[2]) for r in rows] == [1, 2, 3, 4, 9, 9, 10, 20, 30]
        # Ties keep the order of the streams.
        assert [r[0] for r in rows if to_epoch_ms(r[2]) == 9] == [1, 2]

    async def test_single_stream_passes_through_without_empty_chunks(self):
        chunks = await _collect([_stream([[_row(1, 1)], [], [_row(1, 2)]])], chunk_size=10)
        assert chunks == [[_row(1, 1)], [_row(1, 2)]]

    async def test_abandoned_merge_closes_its_streams(self):
        closed = []

        def stream(name):
            async def gen():
                try:
                    for t in range(100):
                        yield [_row(1, t)]
                finally:
                    closed.append(name)

            return gen()

        merged = merge_in_time_order([stream("a"), stream("b")], chunk_size=2)
        await anext(merged)
        await merged.aclose()
        assert sorted(closed) == ["a", "b"]


class TestTime:
    def test_epoch_ms_round_trip_is_exact(self):
        for ms in (0, 1, 999, 1_700_000_000_001, 253_402_300_799_999, -1, -86_400_001):
            assert to_epoch_ms(from_epoch_ms(ms)) == ms

    def test_aware_and_naive(self):
        moment = datetime(2026, 1, 5, 12, 0, 0, 123_000, tzinfo=UTC)
        assert to_epoch_ms(moment) == 1_767_614_400_123
        assert to_epoch_ms(moment.replace(tzinfo=None)) == 1_767_614_400_123
        shifted = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
        assert to_epoch_ms(shifted) == 1_767_614_400_123

    def test_from_epoch_ms_is_utc(self):
        assert from_epoch_ms(0).utcoffset() == timedelta(0)

    @pytest.mark.parametrize("interval, agg", [(0, "mean"), (-5, "mean"), (1.5, "mean"),
                                               (True, "mean"), (60, "median")])
    def test_bad_aggregate_arguments(self, interval, agg):
        with pytest.raises(ValueError):
            check_aggregate_arguments(interval, agg)


class TestServerGeneration:
    @pytest.mark.parametrize("header, generation", [
        ("1.6.7~rc0", 1), ("1.8.10", 1), ("v2.7.10", 2), ("2.7.1", 2), ("3.0.1", 3),
        ("v3.1.0-nightly", 3), ("", None), (None, None), ("unknown", None),
    ])
    def test_parses_version_header(self, header, generation):
        assert server_generation(header) == generation


class TestBuildStore:
    def test_sqlite(self, tmp_path):
        settings = Settings(tsdb_backend="sqlite", tsdb_sqlite_path=tmp_path / "ts.db")
        store = build_timeseries_store(settings)
        assert isinstance(store, SqliteTimeSeriesStore)
        assert store.path == tmp_path / "ts.db"

    def test_influxdb(self):
        settings = Settings(
            tsdb_backend="influxdb",
            influx_url="http://influx.example:8086/",
            influx_database="plant",
            influx_retention_policy="one_year",
            influx_token="secret-token",
        )
        store = build_timeseries_store(settings)
        assert isinstance(store, InfluxTimeSeriesStore)
        assert (store.url, store.database, store.retention_policy) == (
            "http://influx.example:8086", "plant", "one_year"
        )


def test_a_truncated_influx_result_is_an_error_but_a_long_series_is_not():
    import pytest

    from app.stores.timeseries.base import TimeSeriesQueryError
    from app.stores.timeseries.influx import _statement_results

    long_series = {"results": [{"statement_id": 0, "series": [
        {"name": "telemetry", "columns": ["time", "last"], "values": [[1, 2.0]],
         "partial": True}]}]}
    assert _statement_results(long_series)[0]["series"][0]["values"] == [[1, 2.0]]
    truncated = {"results": [{"statement_id": 0, "partial": True, "series": []}]}
    with pytest.raises(TimeSeriesQueryError, match="max-row-limit"):
        _statement_results(truncated)
