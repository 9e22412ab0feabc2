r"""InfluxQL text: the one identifier quoter, the one string-literal quoter, and the statement
builders the InfluxDB adapter uses. Nothing else formats user values into a query.

Quoting rules hold for 1.x (Go scanner) and 3.x (Rust parser) alike: inside `"..."` and
`'...'` the only escapes are `\\`, `\n` and the quote itself; a raw newline ends the
string, and 3.x rejects `\"` inside single quotes. Identifiers are always double-quoted:
an unquoted `reactive-power` parses as a subtraction and silently matches nothing.

Only features served by 1.x, by 2.x's and by 3.x's v1-compatible `/query` are used: plain
SELECT with a single selector or aggregate, tags selected beside the field, GROUP BY
time(Ns) and tags, fill(none), ORDER BY time, LIMIT/OFFSET, and nanosecond integer time
bounds. Avoided: `last(*)` (stamps rows 1970-01-01 on 1.x), `tz()`, subqueries, SLIMIT and
regular expressions. `CREATE DATABASE` and `DROP SERIES` go to 1.x only: 2.x's and 3.x's
v1 endpoints run neither (2.x deletes through its own API; 3.x cannot delete a series).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote

from app.stores.timeseries.base import AGGREGATIONS, MEASUREMENT, VALUE_FIELD, SeriesKey

_IDENTIFIER_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n"})
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n"})

FACTORY_TAG = "factory_id"
DEVICE_TAG = "device_id"
PARAMETER_TAG = "parameter"

# Reads go out as GET so they work on every generation's /query; keeping each statement's
# URL-encoded text under this size keeps URLs well inside what servers and proxies accept.
MAX_ENCODED_QUERY_LENGTH = 6_000
# What is left for the series conditions once the rest of a statement is counted.
QUERY_BUDGET = MAX_ENCODED_QUERY_LENGTH - 1_000
_ENCODED_SEPARATOR_LENGTH = len(quote(" OR ()", safe=""))


def quote_identifier(name: str) -> str:
    return '"' + name.translate(_IDENTIFIER_ESCAPES) + '"'


def quote_literal(value: str) -> str:
    return "'" + value.translate(_LITERAL_ESCAPES) + "'"


def tag_equals(tag: str, value: str | int) -> str:
    return f"{quote_identifier(tag)} = {quote_literal(str(value))}"


def all_of(*conditions: str) -> str:
    return " AND ".join(conditions)


def any_of(conditions: Sequence[str]) -> str:
    if len(conditions) == 1:
        return conditions[0]
    return "(" + " OR ".join(conditions) + ")"


def time_range(start_ms: int, end_ms: int) -> str:
    """[start, end) as plain nanosecond integers, the time literal every generation reads."""
    return f"time >= {int(start_ms) * 1_000_000} AND time < {int(end_ms) * 1_000_000}"


def time_equals(ts_ms: int) -> str:
    return f"time = {int(ts_ms) * 1_000_000}"


def encoded_length(text: str) -> int:
    return len(quote(text, safe=""))


def _pack(conditions: Iterable[str], budget: int) -> list[str]:
    """OR together as many conditions as fit in `budget` URL-encoded characters, as often as
    needed; each result is one query's worth."""
    packed: list[str] = []
    current: list[str] = []
    current_size = 0
    for condition in conditions:
        size = encoded_length(condition) + _ENCODED_SEPARATOR_LENGTH
        if current and current_size + size > budget:
            packed.append(any_of(current))
            current, current_size = [], 0
        current.append(condition)
        current_size += size
    if current:
        packed.append(any_of(current))
    return packed


def series_conditions(series: Iterable[SeriesKey], budget: int = QUERY_BUDGET) -> list[str]:
    """Conditions selecting exactly the given (device, parameter) pairs, grouped by device
    (`device = .. AND (parameter = .. OR ..)`) and split to stay within `budget`."""
    by_device: dict[int, list[str]] = {}
    for device_id, parameter in dict.fromkeys(series):
        by_device.setdefault(int(device_id), []).append(parameter)

    def per_device():
        for device_id, parameters in by_device.items():
            device = tag_equals(DEVICE_TAG, device_id)
            # A device with more parameters than fit in one query is split too.
            for group in _pack((tag_equals(PARAMETER_TAG, p) for p in parameters), budget // 2):
                yield f"({device} AND {group})"

    return _pack(per_device(), budget)


def device_conditions(device_ids: Iterable[int], budget: int = QUERY_BUDGET) -> list[str]:
    unique = dict.fromkeys(int(d) for d in device_ids)
    return _pack((tag_equals(DEVICE_TAG, d) for d in unique), budget)


def parameter_conditions(parameters: Iterable[str], budget: int = QUERY_BUDGET) -> list[str]:
    unique = dict.fromkeys(parameters)
    return _pack((tag_equals(PARAMETER_TAG, p) for p in unique), budget)


def _where(factory_id: int, *conditions: str) -> str:
    # Every statement starts from the factory: tenants never share a series.
    return all_of(tag_equals(FACTORY_TAG, int(factory_id)), *conditions)


def _from() -> str:
    return quote_identifier(MEASUREMENT)


def select_latest(factory_id: int, condition: str) -> str:
    """Last value per device and parameter. A single selector without GROUP BY time makes
    InfluxDB stamp each row with the point's own time (`last(*)` would say 1970)."""
    return (
        f"SELECT last({quote_identifier(VALUE_FIELD)}) FROM {_from()} "
        f"WHERE {_where(factory_id, condition)} "
        f"GROUP BY {quote_identifier(DEVICE_TAG)}, {quote_identifier(PARAMETER_TAG)}"
    )


def select_aggregate(
    factory_id: int,
    series_condition: str,
    start_ms: int,
    end_ms: int,
    interval_seconds: int,
    agg: str,
) -> str:
    if agg not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {agg!r}")
    return (
        f"SELECT {agg}({quote_identifier(VALUE_FIELD)}) FROM {_from()} "
        f"WHERE {_where(factory_id, series_condition, time_range(start_ms, end_ms))} "
        f"GROUP BY time({int(interval_seconds)}s), "
        f"{quote_identifier(DEVICE_TAG)}, {quote_identifier(PARAMETER_TAG)} fill(none)"
    )


def select_raw_page(
    factory_id: int, series_condition: str, start_ms: int, end_ms: int, limit: int
) -> str:
    """One page of points in time order, with the tags beside the value so that rows of
    several series come back merged in a single result."""
    return (
        f"SELECT {quote_identifier(VALUE_FIELD)}, {quote_identifier(DEVICE_TAG)}, "
        f"{quote_identifier(PARAMETER_TAG)} FROM {_from()} "
        f"WHERE {_where(factory_id, series_condition, time_range(start_ms, end_ms))} "
        f"ORDER BY time ASC LIMIT {int(limit)}"
    )


def select_raw_at(
    factory_id: int, series_condition: str, ts_ms: int, limit: int, offset: int
) -> str:
    """Rows sharing one timestamp, for the rare page that holds nothing else."""
    return (
        f"SELECT {quote_identifier(VALUE_FIELD)}, {quote_identifier(DEVICE_TAG)}, "
        f"{quote_identifier(PARAMETER_TAG)} FROM {_from()} "
        f"WHERE {_where(factory_id, series_condition, time_equals(ts_ms))} "
        f"LIMIT {int(limit)} OFFSET {int(offset)}"
    )


def drop_device_series(factory_id: int, device_id: int) -> str:
    return (
        f"DROP SERIES FROM {_from()} "
        f"WHERE {_where(factory_id, tag_equals(DEVICE_TAG, int(device_id)))}"
    )


def create_database(name: str) -> str:
    return f"CREATE DATABASE {quote_identifier(name)}"


# --- rollups ---------------------------------------------------------------------------------
# Rollup rows keep the raw series' tags; their fields are the statistics of each bucket.
ROLLUP_FIELDS = ("count", "sum", "mean", "min", "max", "first", "last", "increase",
                 "minutes", "quarters")


def _optional(condition: str | None) -> tuple[str, ...]:
    return (condition,) if condition else ()


def _group_by_series(interval_seconds: int | None = None) -> str:
    tags = f"{quote_identifier(DEVICE_TAG)}, {quote_identifier(PARAMETER_TAG)}"
    if interval_seconds is None:
        return f"GROUP BY {tags}"
    return f"GROUP BY time({int(interval_seconds)}s), {tags} fill(none)"


def select_minute_rows(factory_id: int, device_condition: str | None, start_ms: int,
                       end_ms: int) -> str:
    """Minute statistics of raw points, one row per series and minute with data."""
    value = quote_identifier(VALUE_FIELD)
    columns = ", ".join(f"{name}({value}) AS {quote_identifier(name)}"
                        for name in ("count", "sum", "min", "max", "first", "last"))
    where = _where(factory_id, *_optional(device_condition), time_range(start_ms, end_ms))
    return f"SELECT {columns} FROM {_from()} WHERE {where} {_group_by_series(60)}"


def select_folded_rows(factory_id: int, source: str, device_condition: str | None,
                       start_ms: int, end_ms: int, interval_seconds: int,
                       count_quarters: bool) -> str:
    """Coarser rollup rows from the rows of `source`: sums of counts, sums and increases,
    extremes of extremes, the first first and the last last."""
    def q(name: str) -> str:
        return quote_identifier(name)

    columns = [f"sum({q('count')}) AS {q('count')}", f"sum({q('sum')}) AS {q('sum')}",
               f"min({q('min')}) AS {q('min')}", f"max({q('max')}) AS {q('max')}",
               f"first({q('first')}) AS {q('first')}", f"last({q('last')}) AS {q('last')}",
               f"sum({q('increase')}) AS {q('increase')}"]
    if count_quarters:
        columns += [f"sum({q('minutes')}) AS {q('minutes')}",
                    f"count({q('count')}) AS {q('quarters')}"]
    else:
        columns.append(f"count({q('count')}) AS {q('minutes')}")
    where = _where(factory_id, *_optional(device_condition), time_range(start_ms, end_ms))
    return (f"SELECT {', '.join(columns)} FROM {quote_identifier(source)} WHERE {where} "
            f"{_group_by_series(interval_seconds)}")


def select_rollup_rows(factory_id: int, measurement: str, series_condition: str,
                       start_ms: int, end_ms: int) -> str:
    columns = ", ".join(quote_identifier(name) for name in ROLLUP_FIELDS)
    where = _where(factory_id, series_condition, time_range(start_ms, end_ms))
    return (f"SELECT {columns} FROM {quote_identifier(measurement)} WHERE {where} "
            f"{_group_by_series()}")


# What each aggregation reads from rollup rows when a bucket spans several of them; the mean
# is the sum of sums over the sum of counts, divided by the caller.
_FOLDED_AGGREGATES = {"mean": ("sum(\"sum\")", "sum(\"count\")"), "sum": ("sum(\"sum\")",),
                      "count": ("sum(\"count\")",), "min": ("min(\"min\")",),
                      "max": ("max(\"max\")",), "first": ("first(\"first\")",),
                      "last": ("last(\"last\")",)}


def select_rollup_aggregate(factory_id: int, measurement: str, level_seconds: int,
                            series_condition: str, start_ms: int, end_ms: int,
                            interval_seconds: int, agg: str) -> str:
    """An aggregate from rollup rows. At the level's own interval each row is a bucket, read
    as stored (the `value` column); coarser buckets combine rows (columns `value` and, for
    the mean, `weight`)."""
    if agg not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {agg!r}")
    where = _where(factory_id, series_condition, time_range(start_ms, end_ms))
    source = quote_identifier(measurement)
    if int(interval_seconds) == int(level_seconds):
        column = quote_identifier(agg)
        return (f"SELECT {column} AS {quote_identifier('value')} FROM {source} "
                f"WHERE {where} {_group_by_series()}")
    parts = _FOLDED_AGGREGATES[agg]
    columns = [f"{parts[0]} AS {quote_identifier('value')}"]
    if len(parts) > 1:
        columns.append(f"{parts[1]} AS {quote_identifier('weight')}")
    return (f"SELECT {', '.join(columns)} FROM {source} WHERE {where} "
            f"{_group_by_series(interval_seconds)}")


def select_reading(factory_id: int, series_condition: str, start_ms: int, end_ms: int,
                   which: str) -> str:
    """Each series' first or last raw reading in the range, stamped with its own time."""
    if which not in ("first", "last"):
        raise ValueError(f"unknown reading {which!r}")
    where = _where(factory_id, series_condition, time_range(start_ms, end_ms))
    return (f"SELECT {which}({quote_identifier(VALUE_FIELD)}) FROM {_from()} WHERE {where} "
            f"{_group_by_series()}")


def select_oldest(factory_id: int, before_ms: int) -> str:
    return (f"SELECT first({quote_identifier(VALUE_FIELD)}) FROM {_from()} "
            f"WHERE {_where(factory_id, f'time < {int(before_ms) * 1_000_000}')}")


def select_changes(factory_id: int, measurement: str, start_ms: int, end_ms: int) -> str:
    return (f"SELECT {quote_identifier('touched')} FROM {quote_identifier(measurement)} "
            f"WHERE {_where(factory_id, time_range(start_ms, end_ms))}")


def select_coverage(factory_id: int, measurement: str) -> str:
    columns = ", ".join(quote_identifier(name)
                        for name in ("start", "end", "changes_until", "backfilled"))
    return (f"SELECT {columns} FROM {quote_identifier(measurement)} "
            f"WHERE {_where(factory_id)} ORDER BY time DESC LIMIT 1")


def select_hour_totals(factory_id: int, measurement: str, start_ms: int | None,
                       columns: Sequence[str]) -> str:
    """Sums (and counts) over a factory's hour rows, for its storage use."""
    conditions = () if start_ms is None else (f"time >= {int(start_ms) * 1_000_000}",)
    return (f"SELECT {', '.join(columns)} FROM {quote_identifier(measurement)} "
            f"WHERE {_where(factory_id, *conditions)}")


def select_series_hours(factory_id: int, measurement: str) -> str:
    return (f"SELECT count({quote_identifier('count')}) FROM {quote_identifier(measurement)} "
            f"WHERE {_where(factory_id)} {_group_by_series()}")


def delete_before(factory_id: int, measurement: str, before_ms: int) -> str:
    return (f"DELETE FROM {quote_identifier(measurement)} "
            f"WHERE {_where(factory_id, f'time < {int(before_ms) * 1_000_000}')}")


def drop_device_series_everywhere(factory_id: int, device_id: int) -> str:
    """Raw and rollup series of one device (DROP SERIES without FROM spans measurements)."""
    return f"DROP SERIES WHERE {_where(factory_id, tag_equals(DEVICE_TAG, int(device_id)))}"
