r"""InfluxDB line protocol: the one place where names are escaped and points are encoded.

Backslashes differ between server generations (verified on influxd 1.6.7, read from the
3.x parser's source):

* 1.x and 2.x (Go parser) never unescape `\\`: a backslash is kept literally, and only
  `\,`, `\=` and `\ ` are unescaped. A delimiter counts as escaped whenever the byte before
  it is a backslash, so the key `a\,b` is written `a\\,b` and reads back as `a\,b`.
* 3.x (Rust parser) reads `\\` as one backslash, so backslashes must be doubled there.
* Neither can store a value that ends in a backslash: the delimiter after it looks escaped
  (1.x answers "invalid tag format"; 3.x refuses it on purpose, for compatibility with Go).
  `is_storable_key` rejects those keys, so both adapters skip them the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from app.stores.timeseries.base import MEASUREMENT, VALUE_FIELD, Point
from app.stores.timeseries.rollups import Coverage, RollupRow

MAX_KEY_LENGTH = 64

_MEASUREMENT_ESCAPES = str.maketrans({",": "\\,", " ": "\\ "})
_TAG_ESCAPES = str.maketrans({",": "\\,", "=": "\\=", " ": "\\ "})
_TAG_ESCAPES_WITH_BACKSLASH = str.maketrans({",": "\\,", "=": "\\=", " ": "\\ ", "\\": "\\\\"})


def is_storable_key(key: str) -> bool:
    """The parameter keys the platform stores: 1-64 printable characters, not starting with
    `_` (InfluxDB reserves those names) and not ending in a backslash (see module doc)."""
    return (
        isinstance(key, str)
        and 0 < len(key) <= MAX_KEY_LENGTH
        and key.isprintable()
        and not key.startswith("_")
        and not key.endswith("\\")
    )


def escape_measurement(name: str) -> str:
    return name.translate(_MEASUREMENT_ESCAPES)


def escape_tag(text: str, *, escape_backslash: bool = False) -> str:
    """Escape a tag key, tag value or field key. `escape_backslash` is for InfluxDB 3."""
    return text.translate(_TAG_ESCAPES_WITH_BACKSLASH if escape_backslash else _TAG_ESCAPES)


class LineProtocolEncoder:
    """Encodes points for one server generation. The escaped start of each line is cached
    per series, so the per-point cost is a dict lookup and two number formats."""

    def __init__(self, *, escape_backslash: bool = False, max_cached_series: int = 200_000):
        self.escape_backslash = escape_backslash
        self._max_cached_series = max_cached_series
        # Series key -> "telemetry,device_id=..,factory_id=..,parameter=.. value=", or ""
        # for a parameter that cannot be stored.
        self._prefixes: dict[tuple[int, int, str], str] = {}
        self._measurement = escape_measurement(MEASUREMENT)
        self._field = escape_tag(VALUE_FIELD, escape_backslash=escape_backslash)

    def series_prefix(self, factory_id: int, device_id: int, parameter: str) -> str:
        if not is_storable_key(parameter):
            return ""
        # Tags in byte order of their keys, as InfluxDB sorts them anyway.
        return (
            f"{self._measurement},device_id={int(device_id)},factory_id={int(factory_id)}"
            f",parameter={escape_tag(parameter, escape_backslash=self.escape_backslash)}"
            f" {self._field}="
        )

    def _cache_prefix(self, key: tuple[int, int, str]) -> str:
        prefixes = self._prefixes
        if len(prefixes) >= self._max_cached_series:
            # Dicts keep insertion order: drop the oldest tenth rather than everything.
            for stale in list(prefixes)[: max(1, self._max_cached_series // 10)]:
                del prefixes[stale]
        prefix = prefixes[key] = self.series_prefix(*key)
        return prefix

    def encode(self, points: Iterable[Point]) -> bytes:
        """Newline-separated lines, timestamps in milliseconds (write with precision=ms).
        Points with a non-finite value or an unstorable parameter are left out."""
        prefixes = self._prefixes
        isfinite = math.isfinite
        lines: list[str] = []
        append = lines.append
        for factory_id, device_id, parameter, ts_ms, value in points:
            prefix = prefixes.get((factory_id, device_id, parameter))
            if prefix is None:
                prefix = self._cache_prefix((factory_id, device_id, parameter))
            # float() turns bools and numpy scalars into plain floats so that repr() never
            # writes `True` (a boolean field) or `np.float64(..)` into the line.
            value = float(value)
            if not prefix or not isfinite(value):
                continue
            append(f"{prefix}{value!r} {int(ts_ms)}")
        return "\n".join(lines).encode()


_default_encoder = LineProtocolEncoder()


def encode_points(points: Iterable[Point]) -> bytes:
    """Encode for InfluxDB 1.x/2.x, the generations that keep backslashes literally."""
    return _default_encoder.encode(points)


# --- rollups and their bookkeeping ----------------------------------------------------------
_STRING_FIELD_ESCAPES = str.maketrans({'"': '\\"', "\\": "\\\\"})


def _string_field(text: str) -> str:
    return '"' + text.translate(_STRING_FIELD_ESCAPES) + '"'


def encode_rollup_rows(factory_id: int, measurement: str, rows: Iterable[RollupRow], *,
                       with_minutes: bool, with_quarters: bool,
                       escape_backslash: bool = False) -> bytes:
    """One line per row: the count as an integer field, the statistics as floats, the counter
    increase where there is one; the parameter must be storable (rows come from stored
    points)."""
    head = f"{escape_measurement(measurement)},device_id="
    factory = int(factory_id)
    lines: list[str] = []
    append = lines.append
    for row in rows:
        fields = (f"count={int(row.count)}i,sum={float(row.sum)!r},mean={row.mean!r},"
                  f"min={float(row.min)!r},max={float(row.max)!r},"
                  f"first={float(row.first)!r},last={float(row.last)!r}")
        if row.increase is not None:
            fields += f",increase={float(row.increase)!r}"
        if with_minutes:
            fields += f",minutes={int(row.minutes)}i"
        if with_quarters:
            fields += f",quarters={int(row.quarters)}i"
        parameter = escape_tag(row.parameter, escape_backslash=escape_backslash)
        append(f"{head}{int(row.device_id)},factory_id={factory},parameter={parameter} "
               f"{fields} {int(row.ts_ms)}")
    return "\n".join(lines).encode()


def encode_changes(measurement: str, writer: str, touched: Mapping[int, str], ts_ms: int
                   ) -> bytes:
    """One change record per factory: which minutes of which devices a write touched (text
    from `rollups.encode_touched`). The writer tag keeps records of two processes writing
    in the same millisecond apart."""
    return "\n".join(
        f"{escape_measurement(measurement)},factory_id={int(factory_id)},"
        f"writer={escape_tag(writer)} touched={_string_field(text)} {int(ts_ms)}"
        for factory_id, text in touched.items()
    ).encode()


def encode_coverage(measurement: str, factory_id: int, coverage: Coverage, ts_ms: int
                    ) -> bytes:
    return (f"{escape_measurement(measurement)},factory_id={int(factory_id)} "
            f"start={int(coverage.start_ms)}i,end={int(coverage.end_ms)}i,"
            f"changes_until={int(coverage.changes_until)}i,"
            f"backfilled={'true' if coverage.backfilled else 'false'} {int(ts_ms)}").encode()
