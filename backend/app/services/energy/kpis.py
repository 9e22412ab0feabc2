"""Live KPIs (the device's selected parameters with their latest values) and history charts
(windowed aggregates of any of its parameters).

History buckets are aligned to multiples of the interval since the epoch and each holds the
aggregate of its whole interval, so a chart's points do not depend on where the requested
range happens to start. Blocks of buckets that are over are cached (days, and hours of the
current day): a 7-day chart reads its past from the cache and asks the time-series store, in
one query, only for the newest hour."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ValidationFailed, not_found
from app.core.time_range import resolve_range
from app.repositories.device_repo import DeviceParameterRepository, DeviceSighting, ParameterRow
from app.schemas.kpi import LiveKpi, LiveKpis
from app.services.devices.parameter_catalogue import ParameterCatalogue, parameter_catalogue
from app.services.devices.sighting import device_sighting
from app.services.energy.aggregate_cache import AggregateCache, aggregate_cache
from app.services.factories.snapshot import factory_snapshot
from app.stores.resources import Resources
from app.stores.timeseries.base import SeriesKey, from_epoch_ms, to_epoch_ms

# Intervals `auto` chooses from, in seconds: 1s ... 7d.
NICE_INTERVALS = (1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 10_800, 21_600, 43_200,
                  86_400, 604_800)
MAX_AUTO_POINTS = 1000
MAX_POINTS = 5000
_INTERVAL = re.compile(r"^([1-9]\d{0,6})([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}

# Cached blocks hold whole buckets: days for the past, hours for today, so that a 7-day chart
# is about 7 + 24 cached blocks per series and only the newest hour is read from the store.
LARGE_BLOCK_SECONDS = 86_400
SMALL_BLOCK_SECONDS = 3600
# Charts whose day blocks hold at most this many buckets (intervals of 6 hours and more: ranges
# of most of a year) also cache blocks of LONG_BLOCK_DAYS days, so that a year is a dozen
# blocks per series rather than 365.
LONG_BLOCK_MAX_BUCKETS_PER_DAY = 4
LONG_BLOCK_DAYS = 32
# A block is cached once it ended this long ago: the ingester's batches have landed.
SETTLE_SECONDS = 5 * 60
BLOCK_TTL_SECONDS = 8 * 86_400


def parse_interval(text: str) -> int | None:
    """Seconds of an explicit interval ("30s", "5m", "1h", "1d"); None for "auto"."""
    if text == "auto":
        return None
    match = _INTERVAL.match(text)
    if match is None:
        raise ValidationFailed("interval must be 'auto' or a number with s, m, h or d "
                               "(e.g. 30s, 5m, 1h, 1d).", code="INVALID_INTERVAL",
                               details={"interval": text})
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def bucket_count(start_ms: int, end_ms: int, interval_seconds: int) -> int:
    step = interval_seconds * 1000
    return -(-end_ms // step) - start_ms // step


def auto_interval(start_ms: int, end_ms: int) -> int:
    """The smallest nice interval that keeps every series at or under MAX_AUTO_POINTS."""
    for seconds in NICE_INTERVALS:
        if bucket_count(start_ms, end_ms, seconds) <= MAX_AUTO_POINTS:
            return seconds
    return NICE_INTERVALS[-1]


@dataclass(frozen=True)
class HistoryQuery:
    parameters: Sequence[str] | None
    start: datetime | None
    end: datetime | None
    interval: str
    agg: str


class KpiService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int) -> None:
        self.session = session
        self.resources = resources
        self.factory_id = factory_id
        self.parameters = DeviceParameterRepository(session, factory_id)
        self.cache: AggregateCache = aggregate_cache(resources)

    # -- the device a route names (404 before any work) ------------------------------------
    async def sighting(self, device_id: int) -> DeviceSighting:
        sighting = await device_sighting(self.session, self.resources.settings.redis_url,
                                         self.factory_id, device_id)
        if sighting is None:
            raise not_found("device")
        return sighting

    async def catalogue(self, device_id: int) -> ParameterCatalogue:
        catalogue = await parameter_catalogue(self.session, self.resources.settings.redis_url,
                                              self.factory_id, device_id)
        if catalogue is None:
            raise not_found("device")
        return catalogue

    async def live(self, device: DeviceSighting) -> LiveKpis:
        threshold = (await factory_snapshot(self.session, self.factory_id,
                                            self.resources.settings.device_online_seconds)
                     ).online_threshold_seconds
        selected = (await self.catalogue(device.id)).kpi_selected
        # One lookup in the latest-values store; never a scan of the time series.
        latest = await self.resources.latest.get(self.factory_id, device.id) if selected else {}
        now = datetime.now(UTC)
        kpis = []
        for parameter in selected:
            value = latest.get(parameter.parameter_key)
            age = None if value is None else max(0.0, (now - value.ts).total_seconds())
            kpis.append(LiveKpi(
                parameter_id=parameter.id, parameter_key=parameter.parameter_key,
                display_name=parameter.display_name, unit=parameter.unit, role=parameter.role,
                value=None if value is None else value.value,
                ts=None if value is None else value.ts,
                age_seconds=None if age is None else round(age, 3),
                stale=age is None or age > threshold))
        seen = device.last_seen_at
        return LiveKpis(
            device_id=device.id,
            online=seen is not None and (now - seen).total_seconds() <= threshold,
            last_seen_at=seen, kpis=kpis)

    async def history(self, catalogue: ParameterCatalogue, query: HistoryQuery
                      ) -> dict[str, Any]:
        # Deliberately not a KpiHistory: the points are JSON text from the chart cache
        # (orjson.Fragment), written into the answer without being decoded; the route
        # declares KpiHistory and test_kpi_history_matches_its_schema holds the two together.
        now = datetime.now(UTC)
        start, end = resolve_range(query.start, query.end, now)
        start_ms, end_ms = to_epoch_ms(start), to_epoch_ms(end)
        explicit = parse_interval(query.interval)
        if explicit is None:
            interval = auto_interval(start_ms, end_ms)
        else:
            interval = explicit
            points = bucket_count(start_ms, end_ms, interval)
            if points > MAX_POINTS:
                raise ValidationFailed(
                    f"interval {query.interval} would give {points} points per series; at "
                    f"most {MAX_POINTS} are allowed.", code="INTERVAL_TOO_SMALL",
                    details={"points": points, "max_points": MAX_POINTS})
        parameters = await self._chart_parameters(catalogue, query.parameters)
        series_keys = [(catalogue.device_id, p.parameter_key) for p in parameters]
        arrays = await self._aggregates(series_keys, start_ms, end_ms, interval, query.agg,
                                        to_epoch_ms(now))
        return {
            "device_id": catalogue.device_id,
            "start": start,
            "end": end,
            "interval_seconds": interval,
            "agg": query.agg,
            "series": [{
                "parameter_key": p.parameter_key,
                "display_name": p.display_name,
                "unit": p.unit,
                # [[ts, value], ...] already encoded: a chart is mostly cached JSON.
                "points": orjson.Fragment(arrays[(catalogue.device_id, p.parameter_key)]),
            } for p in parameters],
        }

    async def _chart_parameters(self, catalogue: ParameterCatalogue,
                                keys: Sequence[str] | None) -> list[ParameterRow]:
        if not keys:
            return catalogue.kpi_selected
        wanted = list(dict.fromkeys(keys))
        known = catalogue.by_key
        if any(key not in known for key in wanted):
            # Perhaps discovered since the catalogue was read: ask the database.
            known = {p.parameter_key: p for p in
                     await self.parameters.descriptions(catalogue.device_id)}
        unknown = [key for key in wanted if key not in known]
        if unknown:
            raise ValidationFailed(f"The device has no parameter {unknown[0]!r}.",
                                   code="UNKNOWN_PARAMETER", details={"parameters": unknown})
        return [known[key] for key in wanted]

    # -- aggregates with cached blocks -----------------------------------------------------
    def _block_prefix(self, series: SeriesKey, agg: str, interval: int) -> str:
        digest = hashlib.blake2s(series[1].encode(), digest_size=8).hexdigest()
        return f"fo:chart:{self.factory_id}:{series[0]}:{digest}:{agg}:{interval}:"

    async def _aggregates(self, series: Sequence[SeriesKey], start_ms: int, end_ms: int,
                          interval: int, agg: str, now_ms: int) -> dict[SeriesKey, bytes]:
        """Whole buckets overlapping [start, end) per series, as the JSON array of
        `[iso_ts, value]` pairs. Complete blocks come from the cache as JSON text and are
        joined without decoding (day blocks first, then hour blocks); everything after the
        last cached block comes from the store in one query."""
        if not series:
            return {}
        step = interval * 1000
        small = step * max(1, math.ceil(SMALL_BLOCK_SECONDS / interval))
        large = small * max(1, math.ceil(LARGE_BLOCK_SECONDS * 1000 / small))
        first_ms = start_ms - start_ms % step
        last_ms = -(-end_ms // step) * step
        settled_ms = now_ms - SETTLE_SECONDS * 1000
        prefixes = {s: self._block_prefix(s, agg, interval) for s in series}
        sizes = _block_sizes(step, small, large)

        # Walk forward through cached blocks, largest first; stop at the first gap.
        covered = first_ms - first_ms % sizes[0]
        taken: list[tuple[int, int, list[bytes | None]]] = []
        for size in sizes:
            covered -= covered % size
            wanted = list(range(covered, last_ms, size))
            wanted = [b for b in wanted if b + size <= settled_ms]
            if not wanted:
                continue
            raw = await self.cache.get_many([f"{prefixes[s]}{size}:{b // size}"
                                             for b in wanted for s in series])
            for index, b in enumerate(wanted):
                texts = raw[index * len(series):(index + 1) * len(series)]
                if b != covered or any(text is None for text in texts):
                    break
                taken.append((b, b + size, texts))
                covered = b + size

        await self._join_blocks(taken, series, prefixes, sizes, settled_ms)

        first_iso, last_iso = _iso(first_ms), _iso(last_ms)
        parts: dict[SeriesKey, list[bytes]] = {key: [] for key in series}
        for block_start, block_end, texts in taken:
            for key, text in zip(series, texts, strict=True):
                if block_start < first_ms or block_end > last_ms:
                    # Only blocks at the edges can hold buckets outside the range.
                    text = orjson.dumps([point for point in orjson.loads(text)
                                         if first_iso <= point[0] < last_iso])
                if text is not None and len(text) > 2:
                    parts[key].append(text[1:-1])

        if covered < last_ms:
            # Whole blocks are read where they are over, so that they can be cached.
            query_end = max(last_ms, min(-(-last_ms // small) * small, settled_ms))
            answer = await self.resources.timeseries.aggregate(
                self.factory_id, series, from_epoch_ms(covered), from_epoch_ms(query_end),
                interval, agg)  # type: ignore[arg-type]
            first_dt, last_dt = from_epoch_ms(first_ms), from_epoch_ms(last_ms)
            for key in series:
                inside = [p for p in answer.get(key, ()) if first_dt <= p[0] < last_dt]
                if inside:
                    parts[key].append(orjson.dumps(inside, option=orjson.OPT_UTC_Z)[1:-1])
            await self._keep_blocks(answer, prefixes, sizes, covered,
                                    min(query_end, settled_ms))
        return {key: b"[" + b",".join(chunks) + b"]" for key, chunks in parts.items()}

    async def _join_blocks(self, taken: list[tuple[int, int, list[bytes | None]]],
                           series: Sequence[SeriesKey], prefixes: dict[SeriesKey, str],
                           sizes: Sequence[int], settled_ms: int) -> None:
        """A block that ended while its smaller blocks were being cached (a day read hour by
        hour, a long block read day by day) is stored whole, joined as text, so that later
        charts read one key for it."""
        ascending = sorted(sizes)
        blocks = [(start, texts) for start, end, texts in taken if end - start == ascending[0]]
        to_cache: dict[str, bytes] = {}
        for finer, coarser in zip(ascending, ascending[1:], strict=False):
            groups: dict[int, list[list[bytes | None]]] = {}
            for block_start, texts in blocks:
                groups.setdefault(block_start - block_start % coarser, []).append(texts)
            # The next round joins these with the coarser blocks that were cached already.
            blocks = [(start, texts) for start, end, texts in taken if end - start == coarser]
            for group_start, members in groups.items():
                if len(members) != coarser // finer or group_start + coarser > settled_ms:
                    continue
                joined: list[bytes | None] = []
                for index, key in enumerate(series):
                    inner = [m[index][1:-1] for m in members if m[index] and len(m[index]) > 2]
                    joined.append(b"[" + b",".join(inner) + b"]")  # type: ignore[arg-type]
                    to_cache[f"{prefixes[key]}{coarser}:{group_start // coarser}"] = joined[-1]
                blocks.append((group_start, joined))
            blocks.sort(key=lambda block: block[0])
        await self.cache.set_many(to_cache, BLOCK_TTL_SECONDS)

    async def _keep_blocks(self, fetched: dict[SeriesKey, list[tuple[datetime, float]]],
                           prefixes: dict[SeriesKey, str], sizes: Sequence[int],
                           read_from: int, read_until: int) -> None:
        """Cache every block of every size that lies wholly inside what was read and is over."""
        to_cache: dict[str, bytes] = {}
        for key, points in fetched.items():
            stamped = [(int(p[0].timestamp() * 1000), p) for p in points]
            for size in sizes:
                by_block: dict[int, list[tuple[datetime, float]]] = {}
                for ms, point in stamped:
                    by_block.setdefault(ms - ms % size, []).append(point)
                first_block = -(-read_from // size) * size
                for b in range(first_block, read_until - size + 1, size):
                    to_cache[f"{prefixes[key]}{size}:{b // size}"] = orjson.dumps(
                        by_block.get(b, []), option=orjson.OPT_UTC_Z)
        await self.cache.set_many(to_cache, BLOCK_TTL_SECONDS)


def _block_sizes(step: int, small: int, large: int) -> tuple[int, ...]:
    """Sizes of a chart's cached blocks in ms, largest first; each divides the one before."""
    sizes = [large] if large == small else [large, small]
    if large // step <= LONG_BLOCK_MAX_BUCKETS_PER_DAY:
        sizes.insert(0, large * LONG_BLOCK_DAYS)
    return tuple(sizes)


def _iso(ms: int) -> str:
    """The text orjson gives a whole-second UTC time, so that cached times compare as text."""
    return orjson.dumps(from_epoch_ms(ms), option=orjson.OPT_UTC_Z).decode().strip('"')
