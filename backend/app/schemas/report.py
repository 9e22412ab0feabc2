from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field

from app.schemas.common import Schema
from app.schemas.job import Id, JobRead, UtcDateTime, _unique

ReportKind = Literal["energy_summary", "device_detail", "alerts"]
ReportFormat = Literal["pdf", "xlsx"]
REPORT_DEVICES_MAX = 200
ReportDeviceIds = Annotated[list[Id], Field(min_length=1, max_length=REPORT_DEVICES_MAX),
                            AfterValidator(_unique)]


class ReportCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: ReportKind
    format: ReportFormat
    start: UtcDateTime
    end: UtcDateTime
    device_ids: ReportDeviceIds | None = Field(
        None, description="Default: every device of the factory, as the energy API counts")


class ReportRead(JobRead):
    kind: ReportKind
    format: ReportFormat
    schedule_id: int | None
