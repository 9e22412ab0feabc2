from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from app.schemas.common import Schema
from app.schemas.job import Id, JobRead, UtcDateTime, _unique

ReportKind = Literal["energy_summary", "device_detail", "alerts", "shift_report"]
ReportFormat = Literal["pdf", "xlsx"]
REPORT_DEVICES_MAX = 200
ReportDeviceIds = Annotated[list[Id], Field(min_length=1, max_length=REPORT_DEVICES_MAX),
                            AfterValidator(_unique)]


class ReportCreate(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "energy_summary", "format": "pdf", "start": "2026-11-01T00:00:00Z",
        "end": "2026-12-01T00:00:00Z"}]})

    kind: ReportKind
    format: ReportFormat
    start: UtcDateTime
    end: UtcDateTime
    device_ids: ReportDeviceIds | None = Field(
        None, description="Default: every device of the factory, as the energy API counts")
    node_id: Id | None = Field(None, description="An asset node instead of devices: its "
                                                 "subtree, as GET /assets/nodes/{id}/energy "
                                                 "counts it")

    @model_validator(mode="after")
    def _one_scope(self) -> ReportCreate:
        if self.device_ids is not None and self.node_id is not None:
            raise ValueError("give device_ids or node_id, not both")
        return self


class ReportRead(JobRead):
    kind: ReportKind
    format: ReportFormat
    schedule_id: int | None
