"""Embedded time-series store for a single machine: one SQLite file shared by the ingester
(writes) and the API and workers (reads), in WAL mode so readers never wait for a writer.

Blocking sqlite3 calls run on worker threads: one writer thread, so that batches commit in
order without competing for the write lock inside this process, and a few reader threads,
each with its own connection. sqlite3 releases the GIL while SQLite works.

Each write also upserts `telemetry_latest`, so `latest` is a primary-key lookup."""

from __future__ import annotations

import asyncio
import math
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import orjson

from app.core.config import Settings
from app.stores.timeseries import sqlite_rollups as rollup_sql
from app.stores.timeseries.base import (
    Aggregation,
    LatestValue,
    Point,
    RawRow,
    RollupSource,
    SeriesKey,
    TimeSeriesQueryError,
    TimeSeriesStore,
    TimeSeriesUnavailable,
    from_epoch_ms,
    unique_series,
)
from app.stores.timeseries.line_protocol import is_storable_key
from app.stores.timeseries.rollups import (
    LEVEL_BY_NAME,
    LEVEL_MEASUREMENTS,
    Coverage,
    RollupRow,
    StorageUse,
    touched_minutes,
)

T = TypeVar("T")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS telemetry (
        factory_id INTEGER NOT NULL,
        device_id INTEGER NOT NULL,
        parameter TEXT NOT NULL,
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (factory_id, device_id, parameter, ts)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS telemetry_latest (
        factory_id INTEGER NOT NULL,
        device_id INTEGER NOT NULL,
        parameter TEXT NOT NULL,
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (factory_id, device_id, parameter)
    ) WITHOUT ROWID""",
    *rollup_sql.ROLLUP_SCHEMA,
)
# Rows per transaction when purging, so that the ingester never waits long for the lock.
_PURGE_BATCH = 10_000
_BACKUP_FILE = "timeseries.sqlite3"

_UPSERT_POINT = """
    INSERT INTO telemetry (factory_id, device_id, parameter, ts, value) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (factory_id, device_id, parameter, ts) DO UPDATE SET value = excluded.value"""

# ">=" so that rewriting the newest point also rewrites the latest value, as in InfluxDB.
_UPSERT_LATEST = """
    INSERT INTO telemetry_latest (factory_id, device_id, parameter, ts, value)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (factory_id, device_id, parameter) DO UPDATE
    SET ts = excluded.ts, value = excluded.value
    WHERE excluded.ts >= telemetry_latest.ts"""

# SQLite takes the bare `value` column from the row that holds MAX(ts) / MIN(ts).
_AGGREGATE_COLUMNS = {
    "mean": "AVG(t.value)",
    "min": "MIN(t.value)",
    "max": "MAX(t.value)",
    "sum": "SUM(t.value)",
    "count": "COUNT(t.value)",
    "last": "t.value, MAX(t.ts)",
    "first": "t.value, MIN(t.ts)",
}

# The wanted series travel as one JSON parameter, so any number of them fits in one
# statement; CROSS JOIN keeps them the outer loop, each one a primary-key range scan.
_AGGREGATE_SQL = """
    WITH wanted(device_id, parameter) AS (
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:series)
    )
    SELECT t.device_id, t.parameter,
           t.ts - ((t.ts % :interval) + :interval) % :interval AS bucket, {columns}
    FROM wanted AS w CROSS JOIN telemetry AS t
    WHERE t.factory_id = :factory_id AND t.device_id = w.device_id
      AND t.parameter = w.parameter AND t.ts >= :start AND t.ts < :end
    GROUP BY t.device_id, t.parameter, bucket
    ORDER BY t.device_id, t.parameter, bucket"""

_RAW_PAGE_SQL = """
    SELECT ts, value FROM telemetry
    WHERE factory_id = ? AND device_id = ? AND parameter = ? AND ts >= ? AND ts < ?
    ORDER BY ts LIMIT ?"""

# Exports of many series merge one page per series; below this page size the thread hops
# would cost more than the memory saved.
_MIN_SERIES_PAGE = 256

_TRANSIENT_MESSAGES = ("locked", "busy", "disk", "unable to open", "readonly", "full")


def _translate_error(exc: sqlite3.Error) -> Exception:
    message = f"SQLite time-series store: {exc}"
    if isinstance(exc, sqlite3.OperationalError):
        if any(part in str(exc).lower() for part in _TRANSIENT_MESSAGES):
            return TimeSeriesUnavailable(message)
        return TimeSeriesQueryError(message)
    if isinstance(exc, sqlite3.ProgrammingError | sqlite3.IntegrityError):
        return TimeSeriesQueryError(message)
    # Corruption and other engine failures: keep the data and let the caller retry.
    return TimeSeriesUnavailable(message)


class SqliteTimeSeriesStore(TimeSeriesStore):
    def __init__(
        self, path: Path | str, *, reader_threads: int = 2, busy_timeout_ms: int = 15_000
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._reader_threads = reader_threads
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: ThreadPoolExecutor | None = None
        self._readers: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._schema_ready = False
        self._storable: dict[str, bool] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> SqliteTimeSeriesStore:
        return cls(settings.tsdb_sqlite_path)

    # --- threads and connections -------------------------------------------------------------

    async def start(self) -> None:
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="tsdb-sqlite-write")
            self._readers = ThreadPoolExecutor(
                self._reader_threads, thread_name_prefix="tsdb-sqlite-read"
            )

    async def close(self) -> None:
        writer, readers = self._writer, self._readers
        self._writer = self._readers = None
        for executor in (writer, readers):
            if executor is not None:
                await asyncio.to_thread(executor.shutdown, wait=True)
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path,
            timeout=self._busy_timeout_ms / 1000,
            isolation_level=None,  # explicit BEGIN/COMMIT only
            check_same_thread=False,  # close() runs on another thread
        )
        # Several processes share the file: wait for locks instead of failing at once.
        connection.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        with self._connections_lock:
            self._connections.append(connection)
        return connection

    def _thread_connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        if not self._schema_ready:
            for statement in _SCHEMA:
                connection.execute(statement)
            self._schema_ready = True
        return connection

    def _call(self, work: Callable[..., T], *args: Any) -> T:
        try:
            return work(self._thread_connection(), *args)
        except sqlite3.Error as exc:
            raise _translate_error(exc) from exc
        except OSError as exc:  # the folder for the file cannot be created
            raise TimeSeriesUnavailable(f"SQLite time-series store: {exc}") from exc

    async def _read(self, work: Callable[..., T], *args: Any) -> T:
        if self._readers is None:
            await self.start()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._call, work, *args)

    async def _write(self, work: Callable[..., T], *args: Any) -> T:
        if self._writer is None:
            await self.start()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, self._call, work, *args)

    # --- lifecycle ---------------------------------------------------------------------------

    async def ping(self) -> None:
        await self._read(lambda connection: connection.execute("SELECT 1").fetchone())

    async def ensure_database(self) -> None:
        await self._write(lambda _connection: None)  # opening a connection creates the schema

    # --- writes ------------------------------------------------------------------------------

    def _is_storable(self, parameter: str) -> bool:
        # Only the writer thread uses this cache.
        known = self._storable.get(parameter)
        if known is None:
            if len(self._storable) > 100_000:
                self._storable.clear()
            known = self._storable[parameter] = is_storable_key(parameter)
        return known

    def _write_points(self, connection: sqlite3.Connection, points: Sequence[Point]) -> None:
        rows: list[tuple] = []
        newest: dict[tuple[int, int, str], tuple] = {}
        isfinite = math.isfinite
        for factory_id, device_id, parameter, ts_ms, value in points:
            value = float(value)
            if not isfinite(value) or not self._is_storable(parameter):
                continue
            row = (int(factory_id), int(device_id), parameter, int(ts_ms), value)
            rows.append(row)
            key = row[:3]
            current = newest.get(key)
            # Later points in a batch win ties, as a later write would.
            if current is None or row[3] >= current[3]:
                newest[key] = row
        if not rows:
            return
        touched = touched_minutes(rows)
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(_UPSERT_POINT, rows)
            connection.executemany(_UPSERT_LATEST, list(newest.values()))
            # In the same transaction: a stored point always has its change record.
            rollup_sql.record_changes(connection, int(time.time() * 1000), touched)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    async def write(self, points: Sequence[Point]) -> None:
        if points:
            # Filtering runs on the writer thread too, keeping the event loop free.
            await self._write(self._write_points, points)

    async def delete_device(self, factory_id: int, device_id: int) -> None:
        def delete(connection: sqlite3.Connection) -> None:
            connection.execute("BEGIN IMMEDIATE")
            try:
                for table in ("telemetry", "telemetry_latest", *LEVEL_MEASUREMENTS.values()):
                    connection.execute(
                        f"DELETE FROM {table} WHERE factory_id = ? AND device_id = ?",
                        (int(factory_id), int(device_id)),
                    )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

        await self._write(delete)

    # --- reads -------------------------------------------------------------------------------

    async def latest(
        self, factory_id: int, device_id: int, parameters: Sequence[str] | None = None
    ) -> dict[str, LatestValue]:
        sql = (
            "SELECT parameter, ts, value FROM telemetry_latest "
            "WHERE factory_id = ? AND device_id = ?"
        )
        args: list[Any] = [int(factory_id), int(device_id)]
        if parameters is not None:
            wanted = list(dict.fromkeys(parameters))
            if not wanted:
                return {}
            sql += " AND parameter IN (SELECT value FROM json_each(?))"
            args.append(orjson.dumps(wanted).decode())
        rows = await self._read(lambda connection: connection.execute(sql, args).fetchall())
        return {parameter: LatestValue(from_epoch_ms(ts), value) for parameter, ts, value in rows}

    async def latest_many(
        self, factory_id: int, device_ids: Sequence[int]
    ) -> dict[int, dict[str, LatestValue]]:
        found: dict[int, dict[str, LatestValue]] = {int(d): {} for d in device_ids}
        if not found:
            return found
        sql = (
            "SELECT device_id, parameter, ts, value FROM telemetry_latest "
            "WHERE factory_id = ? AND device_id IN (SELECT value FROM json_each(?))"
        )
        args = (int(factory_id), orjson.dumps(list(found)).decode())
        rows = await self._read(lambda connection: connection.execute(sql, args).fetchall())
        for device_id, parameter, ts, value in rows:
            found[device_id][parameter] = LatestValue(from_epoch_ms(ts), value)
        return found

    async def _aggregate_raw_into(
        self,
        found: dict[SeriesKey, list[tuple[datetime, float]]],
        factory_id: int,
        start_ms: int,
        end_ms: int,
        interval_seconds: int,
        agg: Aggregation,
    ) -> None:
        sql = _AGGREGATE_SQL.format(columns=_AGGREGATE_COLUMNS[agg])
        args = {
            "series": orjson.dumps(list(found)).decode(),
            "interval": interval_seconds * 1000,
            "factory_id": int(factory_id),
            "start": start_ms,
            "end": end_ms,
        }
        rows = await self._read(lambda connection: connection.execute(sql, args).fetchall())
        for row in rows:
            found[(row[0], row[1])].append((from_epoch_ms(row[2]), float(row[3])))

    async def _series_pages(
        self,
        factory_id: int,
        key: SeriesKey,
        start_ms: int,
        end_ms: int,
        page_size: int,
    ) -> AsyncIterator[list[RawRow]]:
        device_id, parameter = key
        cursor = start_ms
        while cursor < end_ms:
            args = (int(factory_id), device_id, parameter, cursor, end_ms, page_size)
            rows = await self._read(
                lambda connection, args=args: connection.execute(_RAW_PAGE_SQL, args).fetchall()
            )
            if not rows:
                return
            yield [(device_id, parameter, from_epoch_ms(ts), value) for ts, value in rows]
            if len(rows) < page_size:
                return
            # One point per series and timestamp: the next page starts just after this one.
            cursor = rows[-1][0] + 1

    def _raw_streams(self, factory_id: int, keys: list[SeriesKey], start_ms: int, end_ms: int,
                     chunk_size: int) -> list[AsyncIterator[list[RawRow]]]:
        page_size = min(chunk_size, max(_MIN_SERIES_PAGE, chunk_size // len(keys)))
        return [
            self._series_pages(factory_id, key, start_ms, end_ms, page_size) for key in keys
        ]

    # --- rollups -----------------------------------------------------------------------------

    async def compute_rollup_rows(self, factory_id: int, level: int,
                                  devices: Sequence[int] | None, start_ms: int, end_ms: int
                                  ) -> list[RollupRow]:
        if devices is not None and not devices or start_ms >= end_ms:
            return []
        return await self._read(rollup_sql.compute_rows, factory_id, level, devices, start_ms,
                                end_ms)

    async def write_rollup_rows(self, factory_id: int, level: int,
                                rows: Sequence[RollupRow]) -> None:
        if rows:
            await self._write(rollup_sql.write_rows, factory_id, level, rows)

    async def rollup_rows(self, factory_id: int, level: int, series: Sequence[SeriesKey],
                          start_ms: int, end_ms: int) -> list[RollupRow]:
        keys = unique_series(series)
        if not keys:
            return []
        return await self._read(rollup_sql.read_rows, factory_id, level, keys, start_ms,
                                end_ms)

    async def aggregate_rollup(self, factory_id: int, level: int, series: Sequence[SeriesKey],
                               start_ms: int, end_ms: int, interval_seconds: int,
                               agg: Aggregation) -> dict[SeriesKey, list[tuple[datetime, float]]]:
        found: dict[SeriesKey, list[tuple[datetime, float]]] = {key: [] for key in series}
        rows = await self._read(rollup_sql.aggregate, factory_id, level, list(found), start_ms,
                                end_ms, interval_seconds, agg)
        for row in rows:
            if row[3] is not None:
                found[(row[0], row[1])].append((from_epoch_ms(row[2]), float(row[3])))
        return found

    async def readings_near(self, factory_id: int, series: Sequence[SeriesKey],
                            start_ms: int, end_ms: int, which: Literal["first", "last"]
                            ) -> dict[SeriesKey, tuple[int, float]]:
        if start_ms >= end_ms:
            return {}
        return await self._read(rollup_sql.readings_near, factory_id, unique_series(series),
                                start_ms, end_ms, which)

    async def changes(self, factory_id: int, written_from_ms: int, written_until_ms: int
                      ) -> dict[int, set[int]]:
        return await self._read(rollup_sql.changes, factory_id, written_from_ms,
                                written_until_ms)

    async def coverage(self, factory_id: int) -> Coverage | None:
        return await self._read(rollup_sql.coverage, factory_id)

    async def save_coverage(self, factory_id: int, coverage: Coverage) -> None:
        await self._write(rollup_sql.save_coverage, factory_id, coverage)
        self.forget_coverage(factory_id)

    async def oldest_raw_ms(self, factory_id: int, before_ms: int) -> int | None:
        return await self._read(rollup_sql.oldest_raw_ms, factory_id, before_ms)

    async def purge_before(self, factory_id: int, cutoffs: Mapping[RollupSource, int]
                           ) -> None:
        series = await self._read(rollup_sql.factory_series, factory_id)
        for source, before_ms in cutoffs.items():
            table = "telemetry" if source == "raw" \
                else LEVEL_MEASUREMENTS[LEVEL_BY_NAME[source]]
            for key in series:
                await self._write(rollup_sql.delete_series_before, table, factory_id, key,
                                  before_ms, _PURGE_BATCH)
        await self._write(rollup_sql.delete_bookkeeping, factory_id)

    async def storage_use(self, factory_id: int, raw_from_ms: int, quarters_from_ms: int
                          ) -> StorageUse:
        return await self._read(rollup_sql.storage_use, factory_id, raw_from_ms,
                                quarters_from_ms)

    # --- backup ------------------------------------------------------------------------------

    async def backup_to(self, folder: Path) -> dict[str, Any]:
        """SQLite's online backup API: a consistent copy while the ingester keeps writing."""
        def copy(connection: sqlite3.Connection) -> None:
            target = sqlite3.connect(folder / _BACKUP_FILE)
            try:
                connection.backup(target)
            finally:
                target.close()

        await self._read(copy)
        return {"backend": "sqlite", "file": _BACKUP_FILE}

    async def restore_from(self, folder: Path, described: Mapping[str, Any]) -> None:
        if described.get("backend") != "sqlite":
            raise TimeSeriesQueryError(f"a {described.get('backend')} time-series backup "
                                       "cannot be restored into SQLite")

        def restore(connection: sqlite3.Connection) -> None:
            if connection.execute("SELECT 1 FROM telemetry_latest LIMIT 1").fetchone():
                raise TimeSeriesQueryError(f"{self.path} holds data already: restore into an "
                                           "empty store")
            source = sqlite3.connect(folder / str(described["file"]))
            try:
                source.backup(connection)
            finally:
                source.close()

        await self._write(restore)
