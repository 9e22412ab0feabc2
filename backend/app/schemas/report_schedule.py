from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, EmailStr, Field, StringConstraints

from app.models.report_schedule import CADENCES
from app.schemas.common import OneLine, Schema
from app.schemas.job import Id, _unique
from app.schemas.report import ReportDeviceIds, ReportFormat, ReportKind

Cadence = Literal[CADENCES]  # type: ignore[valid-type]
RECIPIENTS_MAX = 20
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 OneLine]
Recipients = Annotated[list[EmailStr], Field(min_length=1, max_length=RECIPIENTS_MAX),
                       AfterValidator(_unique)]


class ScheduleCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: ReportKind
    format: ReportFormat
    device_ids: ReportDeviceIds | None = Field(None, description="Default: every device")
    node_id: Id | None = Field(None, description="An asset node instead of devices")
    cadence: Cadence = Field(description="daily (yesterday), weekly (the previous Monday to "
                                         "Sunday) or monthly (the previous month), sent at "
                                         "06:00 in the factory's time zone")
    recipients: Recipients
    is_active: bool = True


class ScheduleUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    kind: ReportKind | None = None
    format: ReportFormat | None = None
    device_ids: ReportDeviceIds | None = None
    node_id: Id | None = None
    cadence: Cadence | None = None
    recipients: Recipients | None = None
    is_active: bool | None = None


class Period(Schema):
    start: datetime
    end: datetime


class ScheduleRead(Schema):
    id: int
    name: str
    kind: ReportKind
    format: ReportFormat
    device_ids: list[int] | None
    node_id: int | None
    cadence: Cadence
    recipients: list[str]
    is_active: bool
    timezone: str
    run_at_local: str = Field(description="Local time of day the report is sent")
    next_run_at: datetime | None = Field(description="UTC; null while inactive")
    next_period: Period | None = Field(description="What the next run reports on (local)")
    last_run_at: datetime | None
    last_report_id: int | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
