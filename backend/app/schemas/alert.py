from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from app.models.alert import ALERT_STATUSES
from app.models.rule import SEVERITIES
from app.schemas.common import Schema
from app.schemas.device import Input
from app.schemas.rule import MAX_ID, _unique

BULK_ACKNOWLEDGE_MAX = 500

AlertStatus = Literal[ALERT_STATUSES]  # type: ignore[valid-type]
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]


class AlertRead(Schema):
    id: int
    rule_id: int | None
    rule_name: str | None
    device_id: int | None
    device_name: str | None
    severity: Severity
    title: str
    message: str
    values: dict[str, Any]
    status: AlertStatus
    trigger_count: int
    triggered_at: datetime
    last_triggered_at: datetime
    acknowledged_by: int | None
    acknowledged_by_name: str | None = Field(description="Full name, or email when the name "
                                                         "is empty")
    acknowledged_at: datetime | None
    resolved_by: int | None
    resolved_by_name: str | None = Field(description="Full name, or email when the name is "
                                                     "empty; null when resolved automatically")
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class BulkAcknowledge(Input):
    ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], AfterValidator(_unique)] = (
        Field(min_length=1, max_length=BULK_ACKNOWLEDGE_MAX))


class AlertCounts(Schema):
    open_total: int = Field(description="Alerts waiting for someone (status open)")
    by_severity: dict[str, int] = Field(description="Open alerts per severity")
    by_status: dict[str, int] = Field(description="Every alert per status")
