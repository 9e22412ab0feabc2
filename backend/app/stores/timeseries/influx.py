"""InfluxDB adapter over the v1-compatible HTTP API (`/write`, `/query`, `/ping`), which 1.x,
2.x (token auth, a virtual `<bucket>/autogen` mapping per bucket) and 3.x all serve.

Status mapping, chosen so that the ingester keeps (and retries) data whenever the problem is
on the server's side or in its configuration, and drops it only when the data or the query
itself is at fault:
  * connection failures, timeouts, 5xx, 429, 401/403 (credentials), 404 and query answers
    saying "database not found" -> TimeSeriesUnavailable
  * other 4xx (unparsable line or query, points outside the retention policy) and other
    errors reported inside a 200 query answer -> TimeSeriesQueryError
"""

from __future__ import annotations

import asyncio
import gzip
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import httpx
import orjson

from app.core.config import Settings
from app.core.logging import get_logger
from app.stores.timeseries import influxql
from app.stores.timeseries.base import (
    MEASUREMENT,
    VALUE_FIELD,
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
from app.stores.timeseries.line_protocol import (
    LineProtocolEncoder,
    encode_changes,
    encode_coverage,
    encode_rollup_rows,
)
from app.stores.timeseries.rollups import (
    BOOKKEEPING_KEEP_MS,
    CHANGES_MEASUREMENT,
    COVERAGE_MEASUREMENT,
    LEVEL_BY_NAME,
    LEVEL_HOUR,
    LEVEL_MEASUREMENTS,
    LEVEL_MINUTE,
    SOURCE_OF,
    Coverage,
    RollupRow,
    StorageUse,
    decode_touched,
    encode_touched,
    touched_minutes,
)

log = get_logger(__name__)

_RETRYABLE_CLIENT_ERRORS = frozenset({401, 403, 404, 408, 429})
# Compressing a large batch on the event loop would stall MQTT intake; zlib releases the GIL,
# so bodies above this size are compressed in a worker thread.
_COMPRESS_IN_THREAD_BYTES = 256 * 1024
# InfluxDB's representable time range, for deletes that must cover every point.
_MIN_TIME = "1677-09-21T00:12:44Z"
_MAX_TIME = "2262-04-11T23:47:16Z"
# Rollup rows per write request.
_ROLLUP_WRITE_ROWS = 5_000


def server_generation(version: str | None) -> int | None:
    """Major version from `X-Influxdb-Version` ("1.6.7~rc0", "v2.7.10", "3.0.1")."""
    if not version:
        return None
    head = version.strip().lstrip("vV").split(".", 1)[0]
    return int(head) if head.isdigit() else None


def _error_text(response: httpx.Response) -> str:
    try:
        payload = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.text.strip()[:500]
    if isinstance(payload, dict):
        return str(payload.get("error") or payload.get("message") or payload)[:500]
    return str(payload)[:500]


def _raise_for_status(response: httpx.Response, action: str) -> None:
    status = response.status_code
    if status < 300:
        return
    message = f"InfluxDB {action} answered {status}: {_error_text(response)}"
    if status >= 500 or status in _RETRYABLE_CLIENT_ERRORS:
        raise TimeSeriesUnavailable(message, status=status)
    raise TimeSeriesQueryError(message, status=status)


def _statement_results(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        raise TimeSeriesQueryError(f"unexpected InfluxDB answer: {str(payload)[:200]}")
    if payload.get("error"):
        raise TimeSeriesQueryError(f"InfluxDB query failed: {payload['error']}")
    results = payload.get("results") or []
    for result in results:
        error = result.get("error")
        # A `partial` result means the server's max-row-limit cut the answer: silently short
        # data is worse than an error. A `partial` *series* is not that: InfluxDB 1.x marks
        # series of more than 10,000 rows so even when, unchunked, it delivers every row.
        if not error and result.get("partial"):
            error = "result truncated by the server's max-row-limit"
        if error:
            # A missing database is the server's state, like the 404 /write answers for it.
            if str(error).startswith("database not found"):
                raise TimeSeriesUnavailable(f"InfluxDB query failed: {error}")
            raise TimeSeriesQueryError(f"InfluxDB query failed: {error}")
    return results


def _series_of(results: list[dict[str, Any]]):
    """(tags, column index by name, rows) for every series of every statement."""
    for result in results:
        for series in result.get("series") or ():
            columns = {name: i for i, name in enumerate(series.get("columns") or ())}
            yield series.get("tags") or {}, columns, series.get("values") or ()


def _gzip(body: bytes) -> bytes:
    # Level 1: line protocol compresses ~10x even at the fastest level.
    return gzip.compress(body, compresslevel=1, mtime=0)


class InfluxTimeSeriesStore(TimeSeriesStore):
    def __init__(
        self,
        url: str,
        database: str,
        *,
        retention_policy: str = "",
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout_seconds: float = 10.0,
        gzip_writes: bool = True,
        max_connections: int = 32,
        rpc_address: str = "127.0.0.1:8088",
    ) -> None:
        super().__init__()
        self.url = url.rstrip("/")
        self.database = database
        self.retention_policy = retention_policy
        self._token = token
        self._username = username
        self._password = password
        self._timeout = timeout_seconds
        self._gzip_writes = gzip_writes
        self._max_connections = max_connections
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._generation: int | None = None
        self._encoders: dict[bool, LineProtocolEncoder] = {}
        # Tags this process's change records (see line_protocol.encode_changes).
        self._writer_id = uuid.uuid4().hex[:8]
        self.rpc_address = rpc_address

    @classmethod
    def from_settings(cls, settings: Settings) -> InfluxTimeSeriesStore:
        return cls(
            settings.influx_url,
            settings.influx_database,
            retention_policy=settings.influx_retention_policy,
            token=settings.influx_token.get_secret_value() if settings.influx_token else None,
            username=settings.influx_username,
            password=(
                settings.influx_password.get_secret_value() if settings.influx_password else None
            ),
            timeout_seconds=settings.influx_timeout_seconds,
            gzip_writes=settings.influx_gzip,
            rpc_address=settings.influx_rpc_address,
        )

    # --- connection --------------------------------------------------------------------------

    def _build_client(self) -> httpx.AsyncClient:
        headers = {"Accept": "application/json"}
        auth = None
        if self._token:
            # "Token" is what 2.x and 3.x accept on their v1-compatible endpoints.
            headers["Authorization"] = f"Token {self._token}"
        elif self._username:
            # Basic auth rather than u/p query parameters: same meaning to every generation,
            # and the password stays out of URLs that proxies and access logs record.
            auth = httpx.BasicAuth(self._username, self._password or "")
        return httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            auth=auth,
            timeout=httpx.Timeout(self._timeout),
            limits=httpx.Limits(
                max_connections=self._max_connections,
                max_keepalive_connections=self._max_connections,
            ),
            # The store is addressed directly; a proxy from the environment would only
            # add a hop (or break loopback test servers).
            trust_env=False,
        )

    def _http(self) -> httpx.AsyncClient:
        # Pooled connections belong to the event loop that opened them. Workers that run
        # each job in a fresh loop (asyncio.run) get a fresh client instead of one whose
        # sockets are tied to a closed loop; the old one has nothing left to flush.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client, self._client_loop = self._build_client(), loop
        return self._client

    async def start(self) -> None:
        self._http()

    async def close(self) -> None:
        client, loop = self._client, self._client_loop
        self._client = self._client_loop = None
        # A client from another (finished) loop cannot be closed from this one.
        if client is not None and loop is asyncio.get_running_loop():
            await client.aclose()

    async def _request(self, method: str, path: str, action: str, **kwargs) -> httpx.Response:
        try:
            response = await self._http().request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise TimeSeriesUnavailable(
                f"InfluxDB at {self.url} unreachable during {action}: {exc!r}"
            ) from exc
        generation = server_generation(response.headers.get("X-Influxdb-Version"))
        if generation is not None:
            self._generation = generation
        _raise_for_status(response, action)
        return response

    async def ping(self) -> None:
        response = await self._request("GET", "/ping", "ping")
        if self._generation is None and response.content:
            # 3.x may answer with {"version": ...} in the body instead of the header.
            try:
                payload = orjson.loads(response.content)
            except orjson.JSONDecodeError:
                payload = None
            if isinstance(payload, dict):
                self._generation = server_generation(str(payload.get("version") or ""))

    async def _server_generation(self) -> int:
        if self._generation is None:
            await self.ping()
        # A server that names no version is treated like 1.x, the generation we test on.
        return self._generation or 1

    async def ensure_database(self) -> None:
        generation = await self._server_generation()
        if generation >= 2:
            # 2.x serves existing buckets through their DBRP mapping and 3.x creates a
            # database on first write; neither runs CREATE DATABASE.
            log.info("influx_database_not_created", generation=generation, db=self.database)
            return
        try:
            await self._query(influxql.create_database(self.database), modifies=True)
        except (TimeSeriesQueryError, TimeSeriesUnavailable) as exc:
            # A user without admin rights (403) may still write to a database an admin
            # created; rejected credentials (401) or an unreachable server are real failures.
            if isinstance(exc, TimeSeriesUnavailable) and exc.status != 403:
                raise
            log.warning("influx_create_database_refused", db=self.database, error=str(exc))

    # --- writes ------------------------------------------------------------------------------

    async def _encoder(self) -> LineProtocolEncoder:
        # 3.x reads `\\` in tag values as one backslash; 1.x and 2.x keep both.
        escape_backslash = await self._server_generation() >= 3
        encoder = self._encoders.get(escape_backslash)
        if encoder is None:
            encoder = self._encoders[escape_backslash] = LineProtocolEncoder(
                escape_backslash=escape_backslash
            )
        return encoder

    async def write(self, points: Sequence[Point]) -> None:
        if not points:
            return
        body = (await self._encoder()).encode(points)
        if not body:
            return
        # The change record travels in the same request, so a stored point always has one.
        touched = {factory_id: encode_touched(devices)
                   for factory_id, devices in touched_minutes(points).items()}
        body += b"\n" + encode_changes(CHANGES_MEASUREMENT, self._writer_id, touched,
                                       int(time.time() * 1000))
        await self._post_lines(body)

    async def _post_lines(self, body: bytes) -> None:
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        if self._gzip_writes:
            if len(body) > _COMPRESS_IN_THREAD_BYTES:
                body = await asyncio.to_thread(_gzip, body)
            else:
                body = _gzip(body)
            headers["Content-Encoding"] = "gzip"
        params = {"db": self.database, "precision": "ms"}
        if self.retention_policy:
            params["rp"] = self.retention_policy
        await self._request("POST", "/write", "write", params=params, content=body,
                            headers=headers)

    # --- queries -----------------------------------------------------------------------------

    async def _query(self, statement: str, *, modifies: bool = False) -> list[dict[str, Any]]:
        params = {"db": self.database, "epoch": "ms"}
        if self.retention_policy:
            params["rp"] = self.retention_policy
        if modifies:
            # 1.x runs statements that change data only when POSTed.
            response = await self._request("POST", "/query", "query", params=params,
                                           data={"q": statement})
        else:
            params["q"] = statement
            response = await self._request("GET", "/query", "query", params=params)
        try:
            payload = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise TimeSeriesQueryError(f"InfluxDB answered non-JSON: {exc}") from exc
        return _statement_results(payload)

    async def _latest_where(
        self, factory_id: int, conditions: Sequence[str], into: dict[int, dict[str, LatestValue]]
    ) -> None:
        for condition in conditions:
            results = await self._query(influxql.select_latest(factory_id, condition))
            for tags, columns, rows in _series_of(results):
                device_id = int(tags[influxql.DEVICE_TAG])
                parameter = tags[influxql.PARAMETER_TAG]
                t, v = columns["time"], columns["last"]
                for row in rows:
                    if row[v] is not None:
                        into.setdefault(device_id, {})[parameter] = LatestValue(
                            from_epoch_ms(int(row[t])), float(row[v])
                        )

    async def latest(
        self, factory_id: int, device_id: int, parameters: Sequence[str] | None = None
    ) -> dict[str, LatestValue]:
        device = influxql.tag_equals(influxql.DEVICE_TAG, int(device_id))
        if parameters is None:
            conditions = [device]
        else:
            conditions = [
                influxql.all_of(device, wanted)
                for wanted in influxql.parameter_conditions(parameters)
            ]
        found: dict[int, dict[str, LatestValue]] = {}
        await self._latest_where(factory_id, conditions, found)
        return found.get(int(device_id), {})

    async def latest_many(
        self, factory_id: int, device_ids: Sequence[int]
    ) -> dict[int, dict[str, LatestValue]]:
        found: dict[int, dict[str, LatestValue]] = {int(d): {} for d in device_ids}
        await self._latest_where(factory_id, influxql.device_conditions(found), found)
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
        for condition in influxql.series_conditions(list(found)):
            statement = influxql.select_aggregate(
                factory_id, condition, start_ms, end_ms, interval_seconds, agg
            )
            for tags, columns, rows in _series_of(await self._query(statement)):
                key = (int(tags[influxql.DEVICE_TAG]), tags[influxql.PARAMETER_TAG])
                bucket = found.get(key)
                if bucket is None:
                    continue
                t, v = columns["time"], columns[agg]
                bucket.extend(
                    (from_epoch_ms(int(row[t])), float(row[v]))
                    for row in rows
                    if row[v] is not None
                )
        for points in found.values():
            points.sort(key=lambda point: point[0])

    async def _raw_rows(self, statement: str) -> list[tuple[int, int, str, float]]:
        """(ts_ms, device_id, parameter, value) in the order InfluxDB returned them."""
        rows: list[tuple[int, int, str, float]] = []
        for _tags, columns, values in _series_of(await self._query(statement)):
            t, v = columns["time"], columns[VALUE_FIELD]
            d, p = columns[influxql.DEVICE_TAG], columns[influxql.PARAMETER_TAG]
            rows.extend(
                (int(row[t]), int(row[d]), row[p], float(row[v]))
                for row in values
                if row[v] is not None
            )
        return rows

    async def _raw_pages(
        self, factory_id: int, condition: str, start_ms: int, end_ms: int, page_size: int
    ) -> AsyncIterator[list[RawRow]]:
        # Paging by time: each page starts at the last timestamp of the previous one, whose
        # rows are held back because the page may have cut that timestamp in half.
        cursor = start_ms
        while cursor < end_ms:
            page = await self._raw_rows(
                influxql.select_raw_page(factory_id, condition, cursor, end_ms, page_size)
            )
            if len(page) < page_size:
                if page:
                    yield _as_raw_rows(page)
                return
            last_ts = page[-1][0]
            complete = _without_last_timestamp(page)
            if complete:
                yield _as_raw_rows(complete)
                cursor = last_ts
                continue
            # A whole page at one timestamp: walk that timestamp with OFFSET, then move on.
            offset = 0
            while True:
                same = await self._raw_rows(
                    influxql.select_raw_at(factory_id, condition, last_ts, page_size, offset)
                )
                if same:
                    yield _as_raw_rows(same)
                if len(same) < page_size:
                    break
                offset += page_size
            cursor = last_ts + 1

    def _raw_streams(self, factory_id: int, keys: list[SeriesKey], start_ms: int, end_ms: int,
                     chunk_size: int) -> list[AsyncIterator[list[RawRow]]]:
        return [
            self._raw_pages(factory_id, condition, start_ms, end_ms, chunk_size)
            for condition in influxql.series_conditions(keys)
        ]

    # --- deletes -----------------------------------------------------------------------------

    async def delete_device(self, factory_id: int, device_id: int) -> None:
        generation = await self._server_generation()
        if generation == 1:
            await self._query(influxql.drop_device_series_everywhere(factory_id, device_id),
                              modifies=True)
        elif generation == 2:
            for measurement in (MEASUREMENT, *LEVEL_MEASUREMENTS.values()):
                await self._delete_v2(measurement, factory_id, _MAX_TIME,
                                      f'{influxql.DEVICE_TAG}="{int(device_id)}"')
        else:
            raise TimeSeriesQueryError(
                f"InfluxDB {generation}.x cannot delete one device's series; "
                "its data stays until the retention period removes it"
            )

    async def _delete_before(self, measurement: str, factory_id: int, before_ms: int) -> None:
        generation = await self._server_generation()
        if generation == 1:
            await self._query(influxql.delete_before(factory_id, measurement, before_ms),
                              modifies=True)
        elif generation == 2:
            stop = from_epoch_ms(before_ms).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            await self._delete_v2(measurement, factory_id, stop)
        else:
            raise TimeSeriesQueryError(
                f"InfluxDB {generation}.x cannot delete by time and factory; set the "
                "database's retention period instead"
            )

    async def _delete_v2(self, measurement: str, factory_id: int, stop: str,
                         extra_predicate: str | None = None) -> None:
        # 2.x's /query refuses DROP SERIES and DELETE; its own delete API needs the bucket's
        # ids, found by name (the v1 database name is the bucket's, through its DBRP mapping).
        response = await self._request(
            "GET", "/api/v2/buckets", "bucket lookup", params={"name": self.database}
        )
        buckets = orjson.loads(response.content).get("buckets") or []
        if not buckets:
            raise TimeSeriesQueryError(f"no InfluxDB bucket named {self.database!r}")
        bucket = buckets[0]
        predicate = (f'_measurement="{measurement}" AND '
                     f'{influxql.FACTORY_TAG}="{int(factory_id)}"')
        if extra_predicate:
            predicate += f" AND {extra_predicate}"
        await self._request(
            "POST",
            "/api/v2/delete",
            "delete",
            params={"orgID": bucket["orgID"], "bucketID": bucket["id"]},
            content=orjson.dumps({"start": _MIN_TIME, "stop": stop, "predicate": predicate}),
            headers={"Content-Type": "application/json"},
        )

    # --- rollups -----------------------------------------------------------------------------

    def _device_conditions(self, devices: Sequence[int] | None) -> list[str | None]:
        return [None] if devices is None else list(influxql.device_conditions(devices))

    async def compute_rollup_rows(self, factory_id: int, level: int,
                                  devices: Sequence[int] | None, start_ms: int, end_ms: int
                                  ) -> list[RollupRow]:
        if devices is not None and not devices or start_ms >= end_ms:
            return []
        source = SOURCE_OF[level]
        rows: list[RollupRow] = []
        for condition in self._device_conditions(devices):
            if source is None:
                statement = influxql.select_minute_rows(factory_id, condition, start_ms, end_ms)
            else:
                statement = influxql.select_folded_rows(
                    factory_id, LEVEL_MEASUREMENTS[source], condition, start_ms, end_ms, level,
                    count_quarters=level == LEVEL_HOUR)
            rows.extend(_rollup_rows_of(await self._query(statement)))
        return rows

    async def write_rollup_rows(self, factory_id: int, level: int,
                                rows: Sequence[RollupRow]) -> None:
        escape_backslash = await self._server_generation() >= 3
        for offset in range(0, len(rows), _ROLLUP_WRITE_ROWS):
            body = encode_rollup_rows(
                factory_id, LEVEL_MEASUREMENTS[level], rows[offset:offset + _ROLLUP_WRITE_ROWS],
                with_minutes=level != LEVEL_MINUTE, with_quarters=level == LEVEL_HOUR,
                escape_backslash=escape_backslash)
            await self._post_lines(body)

    async def rollup_rows(self, factory_id: int, level: int, series: Sequence[SeriesKey],
                          start_ms: int, end_ms: int) -> list[RollupRow]:
        rows: list[RollupRow] = []
        for condition in influxql.series_conditions(unique_series(series)):
            statement = influxql.select_rollup_rows(factory_id, LEVEL_MEASUREMENTS[level],
                                                    condition, start_ms, end_ms)
            rows.extend(_rollup_rows_of(await self._query(statement)))
        return rows

    async def aggregate_rollup(self, factory_id: int, level: int, series: Sequence[SeriesKey],
                               start_ms: int, end_ms: int, interval_seconds: int,
                               agg: Aggregation) -> dict[SeriesKey, list[tuple[datetime, float]]]:
        found: dict[SeriesKey, list[tuple[datetime, float]]] = {key: [] for key in series}
        for condition in influxql.series_conditions(list(found)):
            statement = influxql.select_rollup_aggregate(
                factory_id, LEVEL_MEASUREMENTS[level], level, condition, start_ms, end_ms,
                interval_seconds, agg)
            for tags, columns, rows in _series_of(await self._query(statement)):
                bucket = found.get((int(tags[influxql.DEVICE_TAG]), tags[influxql.PARAMETER_TAG]))
                if bucket is None:
                    continue
                t, v, w = columns["time"], columns["value"], columns.get("weight")
                for row in rows:
                    value = row[v]
                    if value is None:
                        continue
                    if w is not None:
                        if not row[w]:
                            continue
                        value = value / row[w]
                    bucket.append((from_epoch_ms(int(row[t])), float(value)))
        for points in found.values():
            points.sort(key=lambda point: point[0])
        return found

    async def readings_near(self, factory_id: int, series: Sequence[SeriesKey],
                            start_ms: int, end_ms: int, which: Literal["first", "last"]
                            ) -> dict[SeriesKey, tuple[int, float]]:
        found: dict[SeriesKey, tuple[int, float]] = {}
        if start_ms >= end_ms:
            return found
        for condition in influxql.series_conditions(unique_series(series)):
            statement = influxql.select_reading(factory_id, condition, start_ms, end_ms, which)
            for tags, columns, rows in _series_of(await self._query(statement)):
                key = (int(tags[influxql.DEVICE_TAG]), tags[influxql.PARAMETER_TAG])
                for row in rows:
                    if row[columns[which]] is not None:
                        found[key] = (int(row[columns["time"]]), float(row[columns[which]]))
        return found

    async def changes(self, factory_id: int, written_from_ms: int, written_until_ms: int
                      ) -> dict[int, set[int]]:
        touched: dict[int, set[int]] = {}
        statement = influxql.select_changes(factory_id, CHANGES_MEASUREMENT, written_from_ms,
                                            written_until_ms)
        for _tags, columns, rows in _series_of(await self._query(statement)):
            for row in rows:
                if row[columns["touched"]]:
                    decode_touched(row[columns["touched"]], touched)
        return touched

    async def coverage(self, factory_id: int) -> Coverage | None:
        statement = influxql.select_coverage(factory_id, COVERAGE_MEASUREMENT)
        for _tags, columns, rows in _series_of(await self._query(statement)):
            for row in rows:
                return Coverage(start_ms=int(row[columns["start"]]),
                                end_ms=int(row[columns["end"]]),
                                changes_until=int(row[columns["changes_until"]]),
                                backfilled=bool(row[columns["backfilled"]]))
        return None

    async def save_coverage(self, factory_id: int, coverage: Coverage) -> None:
        # Stamped with the time it was saved, so a finite retention period keeps it; the
        # newest record is the coverage, older ones go with the change records.
        await self._post_lines(encode_coverage(COVERAGE_MEASUREMENT, factory_id, coverage,
                                               int(time.time() * 1000)))
        self.forget_coverage(factory_id)

    async def oldest_raw_ms(self, factory_id: int, before_ms: int) -> int | None:
        results = await self._query(influxql.select_oldest(factory_id, before_ms))
        for _tags, columns, rows in _series_of(results):
            for row in rows:
                return int(row[columns["time"]])
        return None

    async def purge_before(self, factory_id: int, cutoffs: Mapping[RollupSource, int]
                           ) -> None:
        for source, before_ms in cutoffs.items():
            measurement = MEASUREMENT if source == "raw" \
                else LEVEL_MEASUREMENTS[LEVEL_BY_NAME[source]]
            await self._delete_before(measurement, factory_id, before_ms)
        coverage = await self.coverage(factory_id)
        if coverage is not None:
            kept_from = coverage.changes_until - BOOKKEEPING_KEEP_MS
            for measurement in (CHANGES_MEASUREMENT, COVERAGE_MEASUREMENT):
                await self._delete_before(measurement, factory_id, kept_from)

    async def storage_use(self, factory_id: int, raw_from_ms: int, quarters_from_ms: int
                          ) -> StorageUse:
        hours = LEVEL_MEASUREMENTS[LEVEL_HOUR]
        use = StorageUse()
        for _tags, _columns, rows in _series_of(
                await self._query(influxql.select_series_hours(factory_id, hours))):
            use.series += 1
            use.hour_rows += sum(int(row[1] or 0) for row in rows)

        async def total(start_ms: int | None, *columns: str) -> list[int]:
            results = await self._query(
                influxql.select_hour_totals(factory_id, hours, start_ms, columns))
            for _tags, names, rows in _series_of(results):
                for row in rows:
                    return [int(row[i] or 0) for i in range(1, len(names))]
            return [0] * len(columns)

        use.raw_points, use.minute_rows = await total(
            raw_from_ms, 'sum("count")', 'sum("minutes")')
        [use.quarter_rows] = await total(quarters_from_ms, 'sum("quarters")')
        results = await self._query(influxql.select_hour_totals(
            factory_id, hours, None, ['first("count")']))
        for _tags, columns, rows in _series_of(results):
            for row in rows:
                use.oldest_ms = int(row[columns["time"]])
        return use

    # --- backup ------------------------------------------------------------------------------

    async def _influxd(self, *arguments: str) -> None:
        try:
            process = await asyncio.create_subprocess_exec(
                "influxd", *arguments, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT)
        except FileNotFoundError as exc:
            raise TimeSeriesUnavailable("influxd is not installed on this machine; install "
                                        "InfluxDB 1.x's package to back it up") from exc
        output, _ = await process.communicate()
        if process.returncode != 0:
            raise TimeSeriesUnavailable(f"influxd {arguments[0]} failed "
                                        f"({process.returncode}): {output.decode()[-800:]}")

    async def _require_1x(self, action: str) -> None:
        generation = await self._server_generation()
        if generation != 1:
            raise TimeSeriesQueryError(
                f"{action} of InfluxDB {generation}.x is done with its own tools (`influx "
                f"{action}` on 2.x); this command drives influxd 1.x")

    async def backup_to(self, folder: Path) -> dict[str, Any]:
        """influxd's portable backup over its RPC port: a snapshot of every shard of the
        database, point-in-time per shard."""
        await self._require_1x("backup")
        await self._influxd("backup", "-portable", "-db", self.database, "-host",
                            self.rpc_address, str(folder))
        return {"backend": "influxdb", "database": self.database}

    async def restore_from(self, folder: Path, described: Mapping[str, Any]) -> None:
        """influxd restore into this store's database under its own name; influxd refuses
        when that database exists already."""
        await self._require_1x("restore")
        if described.get("backend") != "influxdb":
            raise TimeSeriesQueryError(f"a {described.get('backend')} time-series backup "
                                       "cannot be restored into InfluxDB")
        await self._influxd("restore", "-portable", "-db", str(described["database"]),
                            "-newdb", self.database, "-host", self.rpc_address, str(folder))


def _without_last_timestamp(
    rows: list[tuple[int, int, str, float]],
) -> list[tuple[int, int, str, float]]:
    last_ts = rows[-1][0]
    cut = len(rows)
    while cut and rows[cut - 1][0] == last_ts:
        cut -= 1
    return rows[:cut]


def _as_raw_rows(rows: list[tuple[int, int, str, float]]) -> list[RawRow]:
    return [(device_id, parameter, from_epoch_ms(ts), value) for ts, device_id, parameter, value
            in rows]


def _rollup_rows_of(results: list[dict[str, Any]]) -> list[RollupRow]:
    rows: list[RollupRow] = []
    for tags, columns, values in _series_of(results):
        device_id, parameter = int(tags[influxql.DEVICE_TAG]), tags[influxql.PARAMETER_TAG]
        t, n, total = columns["time"], columns["count"], columns["sum"]
        low, high, first, last = columns["min"], columns["max"], columns["first"], columns["last"]
        increase, minutes, quarters = (columns.get("increase"), columns.get("minutes"),
                                       columns.get("quarters"))
        for row in values:
            if not row[n]:
                continue
            rows.append(RollupRow(
                device_id, parameter, int(row[t]), int(row[n]), float(row[total]),
                float(row[low]), float(row[high]), float(row[first]), float(row[last]),
                None if increase is None or row[increase] is None else float(row[increase]),
                int(row[minutes]) if minutes is not None and row[minutes] is not None else 1,
                int(row[quarters]) if quarters is not None and row[quarters] is not None
                else 0))
    return rows
