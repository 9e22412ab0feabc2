"""The time-series store: one interface (`TimeSeriesStore`), an InfluxDB adapter for
deployments and an SQLite adapter for the embedded single-machine default."""

from __future__ import annotations

from app.core.config import Settings
from app.stores.timeseries.base import (
    AGGREGATIONS,
    Aggregation,
    LatestValue,
    Point,
    RawRow,
    SeriesKey,
    TimeSeriesError,
    TimeSeriesQueryError,
    TimeSeriesStore,
    TimeSeriesUnavailable,
)
from app.stores.timeseries.influx import InfluxTimeSeriesStore
from app.stores.timeseries.line_protocol import encode_points, is_storable_key
from app.stores.timeseries.sqlite import SqliteTimeSeriesStore

__all__ = [
    "AGGREGATIONS",
    "Aggregation",
    "LatestValue",
    "Point",
    "RawRow",
    "SeriesKey",
    "TimeSeriesError",
    "TimeSeriesQueryError",
    "TimeSeriesStore",
    "TimeSeriesUnavailable",
    "build_timeseries_store",
    "encode_points",
    "is_storable_key",
]


def build_timeseries_store(settings: Settings) -> TimeSeriesStore:
    """The adapter `settings.tsdb_backend` names, not yet started."""
    if settings.tsdb_backend == "influxdb":
        return InfluxTimeSeriesStore.from_settings(settings)
    if settings.tsdb_backend == "sqlite":
        return SqliteTimeSeriesStore.from_settings(settings)
    raise ValueError(f"unknown tsdb_backend {settings.tsdb_backend!r}")
