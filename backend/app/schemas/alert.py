from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from app.models.alert import ALERT_EVENT_KINDS, ALERT_STATUSES
from app.models.rule import SEVERITIES
from app.schemas.common import OneLine, Schema
from app.schemas.device import Input
from app.schemas.notification import DeliveryRead
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
    muted: bool = Field(description="Raised while its device was in a maintenance window: "
                                    "it notified nobody")
    snoozed_until: datetime | None = Field(description="No escalation rounds before then")
    escalation_step: int = Field(description="Escalation rounds sent so far")
    next_escalation_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AlertEventRead(Schema):
    id: int = Field(description="Position in the factory's event stream (Last-Event-ID)")
    alert_id: int
    kind: Literal[ALERT_EVENT_KINDS]  # type: ignore[valid-type]
    at: datetime
    actor_id: int | None
    actor_name: str | None = Field(description="Who did it; null for the platform itself")
    details: dict[str, Any]


class AlertTimeline(Schema):
    events: list[AlertEventRead] = Field(description="Raised, escalated, snoozed, "
                                                     "acknowledged, resolved; oldest first")
    deliveries: list[DeliveryRead] = Field(description="Every notification of the alert, "
                                                       "per recipient, oldest first")


class SnoozeRequest(Input):
    minutes: int = Field(ge=1, le=7 * 24 * 60, description="No escalation rounds for this "
                                                          "long")


class AlertStreamEvent(Schema):
    """One `data:` line of GET /alerts/stream; the SSE `event:` field is its kind and `id:`
    its position."""

    id: int
    kind: Literal[ALERT_EVENT_KINDS]  # type: ignore[valid-type]
    alert: AlertRead


class BulkAcknowledge(Input):
    ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], AfterValidator(_unique)] = (
        Field(min_length=1, max_length=BULK_ACKNOWLEDGE_MAX))


class AlertCounts(Schema):
    open_total: int = Field(description="Alerts waiting for someone (status open)")
    by_severity: dict[str, int] = Field(description="Open alerts per severity")
    by_status: dict[str, int] = Field(description="Every alert per status")


# --- maintenance windows --------------------------------------------------------------------
class MaintenanceWindowCreate(Input):
    starts_at: datetime
    ends_at: datetime
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300),
                      OneLine] = ""

    @model_validator(mode="after")
    def _ends_after_start(self) -> MaintenanceWindowCreate:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class MaintenanceWindowRead(Schema):
    id: int
    device_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: int | None
    created_at: datetime
