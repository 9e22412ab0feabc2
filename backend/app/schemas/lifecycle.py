"""Data lifecycle of a factory: how long each kind of data is kept, and what is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas.common import Schema

Days = Annotated[int, Field(ge=1, le=36_500)]


class RetentionSettings(Schema):
    """Ages in days after which data is deleted. Minute rollups are kept as long as raw points;
    each coarser level at least as long as the finer one."""

    raw_days: int = Field(90, description="Raw points (and 1-minute rollups)")
    quarter_days: int = Field(730, description="15-minute rollups")
    hour_days: int = Field(3650, description="Hourly rollups")
    resolved_alerts_days: int = Field(365, description="Resolved alerts and their deliveries")
    audit_days: int = Field(730, description="Audit entries")
    finished_jobs_days: int = Field(90, description="Finished analytics and report jobs, "
                                                    "with their files")
    tokens_days: int = Field(30, description="Used or expired invitation and reset links, "
                                             "revoked refresh tokens past their expiry")


class RetentionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    raw_days: Days | None = None
    quarter_days: Days | None = None
    hour_days: Days | None = None
    resolved_alerts_days: Days | None = None
    audit_days: Days | None = None
    finished_jobs_days: Days | None = None
    tokens_days: Days | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> RetentionUpdate:
        nulls = [name for name in self.model_fields_set if getattr(self, name) is None]
        if nulls:
            raise ValueError(f"{', '.join(sorted(nulls))} cannot be null")
        return self


class StorageUseRead(Schema):
    """Counted from the hourly rollups (points newer than the last rollup run are not counted
    yet)."""

    series: int
    raw_points: int
    minute_rows: int
    quarter_rows: int
    hour_rows: int
    oldest: datetime | None
    measured_at: datetime


class RollupCoverageRead(Schema):
    """Where the rollups answer exactly: every point written up to the last maintenance run
    and stamped inside [start, end)."""

    start: datetime
    end: datetime
    backfilled: bool


class DataLifecycleRead(Schema):
    retention: RetentionSettings
    storage: StorageUseRead | None
    rollups: RollupCoverageRead | None
