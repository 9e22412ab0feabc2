"""Rollup tables of the SQLite store and the blocking work on them; the adapter runs each
function on its reader or writer thread. Rows are read per series along the primary key
(factory, device, parameter, time), which keeps every query a range scan.

The set of a factory's series is `telemetry_latest` (every write upserts it and purges
never touch it), so a query for "every device" needs no scan of the points."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

import orjson

from app.stores.timeseries.rollups import (
    BOOKKEEPING_KEEP_MS,
    LEVEL_HOUR,
    LEVEL_MEASUREMENTS,
    LEVEL_MINUTE,
    SOURCE_OF,
    Coverage,
    RollupRow,
    SeriesKey,
    StorageUse,
    fold_points,
    fold_rows,
)

ROLLUP_SCHEMA = tuple(
    f"""CREATE TABLE IF NOT EXISTS {table} (
        factory_id INTEGER NOT NULL,
        device_id INTEGER NOT NULL,
        parameter TEXT NOT NULL,
        ts INTEGER NOT NULL,
        n INTEGER NOT NULL,
        total REAL NOT NULL,
        low REAL NOT NULL,
        high REAL NOT NULL,
        opening REAL NOT NULL,
        closing REAL NOT NULL,
        increase REAL,
        minutes INTEGER NOT NULL,
        quarters INTEGER NOT NULL,
        PRIMARY KEY (factory_id, device_id, parameter, ts)
    ) WITHOUT ROWID"""
    for table in LEVEL_MEASUREMENTS.values()
) + (
    """CREATE TABLE IF NOT EXISTS rollup_changes (
        factory_id INTEGER NOT NULL,
        written_at INTEGER NOT NULL,
        device_id INTEGER NOT NULL,
        minute INTEGER NOT NULL,
        PRIMARY KEY (factory_id, written_at, device_id, minute)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS rollup_coverage (
        factory_id INTEGER PRIMARY KEY,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        changes_until INTEGER NOT NULL,
        backfilled INTEGER NOT NULL
    )""",
)

INSERT_CHANGE = ("INSERT OR IGNORE INTO rollup_changes (factory_id, written_at, device_id, "
                 "minute) VALUES (?, ?, ?, ?)")

_ROW_COLUMNS = "device_id, parameter, ts, n, total, low, high, opening, closing, increase, " \
               "minutes, quarters"

# The factory's series, optionally of some devices only, as the outer loop of a join.
_SERIES = """
    SELECT device_id, parameter FROM telemetry_latest
    WHERE factory_id = :factory_id
      AND (:devices IS NULL OR device_id IN (SELECT value FROM json_each(:devices)))"""
_WANTED = """
    SELECT json_extract(value, '$[0]') AS device_id, json_extract(value, '$[1]') AS parameter
    FROM json_each(:series)"""

# What each aggregation reads from rollup rows; `first` and `last` take the bare column from
# the row holding MIN(ts) / MAX(ts), as SQLite documents.
_ROLLUP_AGGREGATES = {
    "mean": "SUM(t.total) / SUM(t.n)",
    "sum": "SUM(t.total)",
    "count": "SUM(t.n)",
    "min": "MIN(t.low)",
    "max": "MAX(t.high)",
    "first": "t.opening, MIN(t.ts)",
    "last": "t.closing, MAX(t.ts)",
}


def _devices_arg(devices: Sequence[int] | None) -> str | None:
    return None if devices is None else orjson.dumps([int(d) for d in devices]).decode()


def _row(values: tuple) -> RollupRow:
    return RollupRow(*values)


def compute_rows(connection: sqlite3.Connection, factory_id: int, level: int,
                 devices: Sequence[int] | None, start_ms: int, end_ms: int) -> list[RollupRow]:
    args = {"factory_id": int(factory_id), "devices": _devices_arg(devices),
            "start": int(start_ms), "end": int(end_ms)}
    source = SOURCE_OF[level]
    if source is None:
        cursor = connection.execute(
            f"WITH wanted AS ({_SERIES}) SELECT t.device_id, t.parameter, t.ts, t.value "
            "FROM wanted AS w CROSS JOIN telemetry AS t "
            "WHERE t.factory_id = :factory_id AND t.device_id = w.device_id "
            "AND t.parameter = w.parameter AND t.ts >= :start AND t.ts < :end "
            "ORDER BY t.device_id, t.parameter, t.ts", args)
        return fold_points(cursor, level * 1000)
    cursor = connection.execute(
        f"WITH wanted AS ({_SERIES}) SELECT {_prefixed(_ROW_COLUMNS)} "
        f"FROM wanted AS w CROSS JOIN {LEVEL_MEASUREMENTS[source]} AS t "
        "WHERE t.factory_id = :factory_id AND t.device_id = w.device_id "
        "AND t.parameter = w.parameter AND t.ts >= :start AND t.ts < :end "
        "ORDER BY t.device_id, t.parameter, t.ts", args)
    return fold_rows((_row(values) for values in cursor), level * 1000)


def _prefixed(columns: str) -> str:
    return ", ".join(f"t.{name.strip()}" for name in columns.split(","))


def write_rows(connection: sqlite3.Connection, factory_id: int, level: int,
               rows: Sequence[RollupRow]) -> None:
    if not rows:
        return
    table = LEVEL_MEASUREMENTS[level]
    factory = int(factory_id)
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany(
            f"INSERT OR REPLACE INTO {table} (factory_id, {_ROW_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((factory, r.device_id, r.parameter, r.ts_ms, r.count, r.sum, r.min, r.max,
              r.first, r.last, r.increase, r.minutes if level != LEVEL_MINUTE else 1,
              r.quarters if level == LEVEL_HOUR else 0) for r in rows))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def read_rows(connection: sqlite3.Connection, factory_id: int, level: int,
              series: Sequence[SeriesKey], start_ms: int, end_ms: int) -> list[RollupRow]:
    cursor = connection.execute(
        f"WITH wanted AS ({_WANTED}) SELECT {_prefixed(_ROW_COLUMNS)} "
        f"FROM wanted AS w CROSS JOIN {LEVEL_MEASUREMENTS[level]} AS t "
        "WHERE t.factory_id = :factory_id AND t.device_id = w.device_id "
        "AND t.parameter = w.parameter AND t.ts >= :start AND t.ts < :end "
        "ORDER BY t.device_id, t.parameter, t.ts",
        {"series": orjson.dumps(list(series)).decode(), "factory_id": int(factory_id),
         "start": int(start_ms), "end": int(end_ms)})
    return [_row(values) for values in cursor]


def aggregate(connection: sqlite3.Connection, factory_id: int, level: int,
              series: Sequence[SeriesKey], start_ms: int, end_ms: int, interval_seconds: int,
              agg: str) -> list[tuple]:
    """(device, parameter, bucket start, value) rows in series and time order."""
    return connection.execute(
        f"WITH wanted AS ({_WANTED}) "
        "SELECT t.device_id, t.parameter, "
        f"t.ts - ((t.ts % :interval) + :interval) % :interval AS bucket, {_ROLLUP_AGGREGATES[agg]} "
        f"FROM wanted AS w CROSS JOIN {LEVEL_MEASUREMENTS[level]} AS t "
        "WHERE t.factory_id = :factory_id AND t.device_id = w.device_id "
        "AND t.parameter = w.parameter AND t.ts >= :start AND t.ts < :end "
        "GROUP BY t.device_id, t.parameter, bucket ORDER BY t.device_id, t.parameter, bucket",
        {"series": orjson.dumps(list(series)).decode(), "factory_id": int(factory_id),
         "start": int(start_ms), "end": int(end_ms),
         "interval": int(interval_seconds) * 1000}).fetchall()


def readings_near(connection: sqlite3.Connection, factory_id: int,
                  series: Sequence[SeriesKey], start_ms: int, end_ms: int, which: str
                  ) -> dict[SeriesKey, tuple[int, float]]:
    order = "ASC" if which == "first" else "DESC"
    found: dict[SeriesKey, tuple[int, float]] = {}
    for device_id, parameter in series:
        row = connection.execute(
            "SELECT ts, value FROM telemetry WHERE factory_id = ? AND device_id = ? "
            f"AND parameter = ? AND ts >= ? AND ts < ? ORDER BY ts {order} LIMIT 1",
            (int(factory_id), int(device_id), parameter, int(start_ms), int(end_ms))).fetchone()
        if row is not None:
            found[(int(device_id), parameter)] = (row[0], row[1])
    return found


def record_changes(connection: sqlite3.Connection, written_at: int,
                   touched: Mapping[int, Mapping[int, Iterable[int]]]) -> None:
    """Inside the write's transaction: which minutes of which devices it touched."""
    connection.executemany(INSERT_CHANGE, (
        (factory_id, written_at, device_id, minute)
        for factory_id, devices in touched.items()
        for device_id, minutes in devices.items() for minute in minutes))


def changes(connection: sqlite3.Connection, factory_id: int, written_from: int,
            written_until: int) -> dict[int, set[int]]:
    touched: dict[int, set[int]] = {}
    for device_id, minute in connection.execute(
            "SELECT device_id, minute FROM rollup_changes WHERE factory_id = ? "
            "AND written_at >= ? AND written_at < ?",
            (int(factory_id), int(written_from), int(written_until))):
        touched.setdefault(device_id, set()).add(minute)
    return touched


def coverage(connection: sqlite3.Connection, factory_id: int) -> Coverage | None:
    row = connection.execute(
        "SELECT start_ms, end_ms, changes_until, backfilled FROM rollup_coverage "
        "WHERE factory_id = ?", (int(factory_id),)).fetchone()
    return None if row is None else Coverage(row[0], row[1], row[2], bool(row[3]))


def save_coverage(connection: sqlite3.Connection, factory_id: int, value: Coverage) -> None:
    connection.execute(
        "INSERT OR REPLACE INTO rollup_coverage (factory_id, start_ms, end_ms, changes_until, "
        "backfilled) VALUES (?, ?, ?, ?, ?)",
        (int(factory_id), value.start_ms, value.end_ms, value.changes_until,
         int(value.backfilled)))


def oldest_raw_ms(connection: sqlite3.Connection, factory_id: int, before_ms: int
                  ) -> int | None:
    # Per series a primary-key seek, rather than a scan of every point of the factory.
    row = connection.execute(
        "SELECT MIN((SELECT t.ts FROM telemetry AS t WHERE t.factory_id = l.factory_id "
        "AND t.device_id = l.device_id AND t.parameter = l.parameter AND t.ts < ? "
        "ORDER BY t.ts LIMIT 1)) FROM telemetry_latest AS l WHERE l.factory_id = ?",
        (int(before_ms), int(factory_id))).fetchone()
    return None if row is None else row[0]


def factory_series(connection: sqlite3.Connection, factory_id: int) -> list[SeriesKey]:
    return [(d, p) for d, p in connection.execute(
        "SELECT device_id, parameter FROM telemetry_latest WHERE factory_id = ?",
        (int(factory_id),))]


def delete_series_before(connection: sqlite3.Connection, table: str, factory_id: int,
                         series: SeriesKey, before_ms: int, batch: int) -> int:
    """Delete one series' rows older than `before_ms`, `batch` rows per transaction so that
    the ingester never waits long for the write lock. Returns the rows deleted."""
    device_id, parameter = series
    key = (int(factory_id), int(device_id), parameter)
    deleted = 0
    while True:
        cut = connection.execute(
            f"SELECT ts FROM {table} WHERE factory_id = ? AND device_id = ? AND parameter = ? "
            "AND ts < ? ORDER BY ts LIMIT 1 OFFSET ?", (*key, int(before_ms), batch - 1)
        ).fetchone()
        upper = before_ms if cut is None else cut[0] + 1
        connection.execute("BEGIN IMMEDIATE")
        try:
            cursor = connection.execute(
                f"DELETE FROM {table} WHERE factory_id = ? AND device_id = ? AND parameter = ? "
                "AND ts < ?", (*key, int(upper)))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        deleted += cursor.rowcount
        if cut is None:
            return deleted


def delete_bookkeeping(connection: sqlite3.Connection, factory_id: int) -> None:
    found = coverage(connection, factory_id)
    if found is None:
        return
    connection.execute("DELETE FROM rollup_changes WHERE factory_id = ? AND written_at < ?",
                       (int(factory_id), found.changes_until - BOOKKEEPING_KEEP_MS))


def storage_use(connection: sqlite3.Connection, factory_id: int, raw_from_ms: int,
                quarters_from_ms: int) -> StorageUse:
    hours = LEVEL_MEASUREMENTS[LEVEL_HOUR]
    factory = int(factory_id)
    series, rows, oldest = connection.execute(
        f"SELECT COUNT(DISTINCT device_id || ':' || parameter), COUNT(*), MIN(ts) FROM {hours} "
        "WHERE factory_id = ?", (factory,)).fetchone()
    raw_points, minute_rows = connection.execute(
        f"SELECT COALESCE(SUM(n), 0), COALESCE(SUM(minutes), 0) FROM {hours} "
        "WHERE factory_id = ? AND ts >= ?", (factory, int(raw_from_ms))).fetchone()
    (quarter_rows,) = connection.execute(
        f"SELECT COALESCE(SUM(quarters), 0) FROM {hours} WHERE factory_id = ? AND ts >= ?",
        (factory, int(quarters_from_ms))).fetchone()
    return StorageUse(series=series, raw_points=raw_points, minute_rows=minute_rows,
                      quarter_rows=quarter_rows, hour_rows=rows, oldest_ms=oldest)

