"""A factory's retention settings (kept under `settings.retention` of the factory row, with
platform defaults for what it never set) and the time-series cutoffs they give.

Raw points are deleted only where the rollups already hold them: before the first rollup run
nothing raw is deleted, and while old data is still being backfilled only what lies before
the backfill's progress goes, so a retention change never loses history the hourly rollups
were meant to keep."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.core.errors import ValidationFailed
from app.models.factory import Factory
from app.schemas.lifecycle import RetentionSettings, RetentionUpdate
from app.stores.timeseries.base import RollupSource
from app.stores.timeseries.rollups import Coverage, floor_to

RETENTION_KEY = "retention"
DAY_MS = 86_400_000


def retention_of(factory: Factory) -> RetentionSettings:
    stored: Any = (factory.settings or {}).get(RETENTION_KEY)
    if not isinstance(stored, dict):
        return RetentionSettings()
    try:
        return RetentionSettings.model_validate(
            {k: v for k, v in stored.items() if k in RetentionSettings.model_fields})
    except ValidationError:
        # A hand-edited row must not stop the purge: the defaults are the safe reading.
        return RetentionSettings()


def merged(current: RetentionSettings, update: RetentionUpdate) -> RetentionSettings:
    values = current.model_dump()
    values.update(update.model_dump(exclude_unset=True))
    result = RetentionSettings.model_validate(values)
    if not result.raw_days <= result.quarter_days <= result.hour_days:
        raise ValidationFailed(
            "Coarser data must be kept at least as long as finer data: raw days ≤ 15-minute "
            "days ≤ hourly days.", code="INVALID_RETENTION",
            details={"raw_days": result.raw_days, "quarter_days": result.quarter_days,
                     "hour_days": result.hour_days})
    return result


def timeseries_cutoffs(retention: RetentionSettings, coverage: Coverage | None, now_ms: int
                       ) -> dict[RollupSource, int]:
    """Epoch-ms cutoffs per kind of time-series data, on UTC day boundaries."""
    def before(days: int) -> int:
        return floor_to(now_ms - days * DAY_MS, DAY_MS)

    cutoffs: dict[RollupSource, int] = {"15m": before(retention.quarter_days),
                                        "1h": before(retention.hour_days)}
    if coverage is not None:
        raw = min(before(retention.raw_days), coverage.end_ms)
        if not coverage.backfilled:
            raw = min(raw, coverage.start_ms)
        cutoffs["raw"] = cutoffs["1m"] = raw
    return cutoffs


def raw_kept_from(retention: RetentionSettings, now_ms: int) -> int:
    return floor_to(now_ms - retention.raw_days * DAY_MS, DAY_MS)


def quarters_kept_from(retention: RetentionSettings, now_ms: int) -> int:
    return floor_to(now_ms - retention.quarter_days * DAY_MS, DAY_MS)
