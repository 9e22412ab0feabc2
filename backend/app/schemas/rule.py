from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.core.clock import parse_clock
from app.models.rule import SEVERITIES
from app.models.user import PERMISSIONS
from app.schemas.common import OneLine, Schema
from app.schemas.device import Input

MAX_ID = 2**63 - 1
SCOPE_DEVICES_MAX = 1000
RECIPIENTS_MAX = 50
COOLDOWN_MINUTES_MAX = 7 * 24 * 60
FOR_SECONDS_MAX = 24 * 3600
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
Channel = Literal["email", "whatsapp"]
Permission = Literal[PERMISSIONS]  # type: ignore[valid-type]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

CONDITION_DESCRIPTION = (
    "A comparison `{parameter, operator, value}` (operators > >= < <= == != take a number; "
    "between and outside take [low, high]) or a group `{op: and|or, conditions: [...]}`, "
    "nested at most 8 levels with at most 100 comparisons. Or, as the whole condition, a "
    "silent device `{silent_for_seconds: N}` or a stale parameter `{parameter, "
    "stale_for_seconds: N}`, decided on the rule engine's clock. A malformed tree answers 422 "
    "INVALID_CONDITION with the path of the bad node.")
CONDITION_EXAMPLE = {"op": "and", "conditions": [
    {"parameter": "power_kw", "operator": ">", "value": 120},
    {"parameter": "voltage", "operator": "outside", "value": [207, 253]}]}


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


def _e164(value: str) -> str:
    if not E164.match(value):
        raise ValueError("must be an E.164 number such as +4915112345678")
    return value


Phone = Annotated[str, AfterValidator(_e164)]
ScopeText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=100), OneLine]


# --- scope ---------------------------------------------------------------------------------
class ScopeAll(Input):
    kind: Literal["all"]


class ScopeDevices(Input):
    kind: Literal["devices"]
    device_ids: Annotated[list[Id], AfterValidator(_unique)] = Field(
        min_length=1, max_length=SCOPE_DEVICES_MAX)


class ScopeType(Input):
    kind: Literal["type"]
    value: ScopeText


class ScopeArea(Input):
    kind: Literal["area"]
    value: ScopeText


class ScopeNode(Input):
    """Every device attached to an asset node or to a node below it."""

    kind: Literal["node"]
    node_id: Id


Scope = Annotated[ScopeAll | ScopeDevices | ScopeType | ScopeArea | ScopeNode,
                  Field(discriminator="kind")]


# --- schedule and recipients ---------------------------------------------------------------
class Schedule(Input):
    """Active hours in the factory's time zone. Monday is 0. `end` may be "24:00"; a start
    later than the end is a window across midnight."""

    days: Annotated[list[Annotated[int, Field(ge=0, le=6)]], AfterValidator(_unique)] = Field(
        min_length=1, max_length=7)
    start: str = Field(examples=["22:00"])
    end: str = Field(examples=["06:00"])

    @field_validator("start")
    @classmethod
    def _start_is_a_time(cls, value: str) -> str:
        parse_clock(value)
        return value

    @field_validator("end")
    @classmethod
    def _end_is_a_time(cls, value: str) -> str:
        parse_clock(value, allow_end_of_day=True)
        return value

    @model_validator(mode="after")
    def _window_is_not_empty(self) -> Schedule:
        if parse_clock(self.start) == parse_clock(self.end, allow_end_of_day=True):
            raise ValueError("start and end must differ (00:00 to 24:00 is the whole day)")
        return self


class Recipients(Input):
    user_permissions: Annotated[list[Permission], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=len(PERMISSIONS),
        description="Every active user with one of these permissions (super admins have all)")
    user_ids: Annotated[list[Id], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=RECIPIENTS_MAX)
    emails: Annotated[list[EmailStr], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=RECIPIENTS_MAX)
    phones: Annotated[list[Phone], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=RECIPIENTS_MAX, description="E.164, for WhatsApp")


Channels = Annotated[list[Channel], AfterValidator(_unique)]
ESCALATION_STEPS_MAX = 5
ESCALATION_SECONDS_MAX = 7 * 24 * 3600


class EscalationStep(Input):
    after_seconds: int = Field(ge=1, le=ESCALATION_SECONDS_MAX, description="Seconds after "
                               "the alert was raised; from then on every round also "
                               "notifies these recipients")
    channels: Annotated[list[Channel], AfterValidator(_unique)] = Field(min_length=1)
    recipients: Recipients


class Escalation(Input):
    """Rounds of notifications while an alert stays unacknowledged (open, not snoozed)."""

    repeat_seconds: int | None = Field(default=None, ge=1, le=ESCALATION_SECONDS_MAX,
                                       description="Notify the rule's recipients again "
                                                   "every so many seconds")
    steps: list[EscalationStep] = Field(default_factory=list,
                                        max_length=ESCALATION_STEPS_MAX)
RuleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=200), OneLine]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Cooldown = Annotated[int, Field(ge=0, le=COOLDOWN_MINUTES_MAX)]
ForSeconds = Annotated[int, Field(ge=0, le=FOR_SECONDS_MAX)]


# --- rules ---------------------------------------------------------------------------------
class RuleCreate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Compressor overload", "scope": {"kind": "type", "value": "compressor"},
        "condition": CONDITION_EXAMPLE, "severity": "critical", "for_seconds": 60,
        "cooldown_minutes": 30, "channels": ["email"],
        "recipients": {"user_permissions": ["acknowledge_alerts"]}, "auto_resolve": True}]})

    name: RuleName
    description: Description = ""
    scope: Scope = Field(default_factory=lambda: ScopeAll(kind="all"))
    condition: Any = Field(description=CONDITION_DESCRIPTION, examples=[CONDITION_EXAMPLE])
    severity: Severity = "warning"
    cooldown_minutes: Cooldown = Field(
        default=15, description="Least time between two triggers for one device")
    for_seconds: ForSeconds = Field(
        default=0, description="How long the condition must hold before an alert")
    schedule: Schedule | None = None
    channels: Channels = Field(default_factory=list)
    recipients: Recipients = Field(default_factory=Recipients)
    auto_resolve: bool = Field(default=False, description="Resolve the alert when the "
                                                          "condition stops holding")
    escalation: Escalation | None = None
    notify_on_resolve: bool = Field(default=False, description="Tell the recipients when "
                                                               "the alert resolves")
    allow_unseen_parameters: bool = Field(
        default=False, description="Accept parameters no device in scope has reported yet")
    is_active: bool = True


class RuleUpdate(Input):
    name: RuleName | None = None
    description: Description | None = None
    scope: Scope | None = None
    condition: Any = Field(default=None, description=CONDITION_DESCRIPTION)
    severity: Severity | None = None
    cooldown_minutes: Cooldown | None = None
    for_seconds: ForSeconds | None = None
    schedule: Schedule | None = None
    channels: Channels | None = None
    recipients: Recipients | None = None
    auto_resolve: bool | None = None
    escalation: Escalation | None = None
    notify_on_resolve: bool | None = None
    allow_unseen_parameters: bool | None = None
    is_active: bool | None = None

    @model_validator(mode="after")
    def _required_fields_stay_set(self) -> RuleUpdate:
        self._refuse_nulls("name", "description", "scope", "condition", "severity",
                           "cooldown_minutes", "for_seconds", "channels", "recipients",
                           "auto_resolve", "notify_on_resolve", "allow_unseen_parameters",
                           "is_active")
        return self


class RuleRead(Schema):
    id: int
    name: str
    description: str
    scope: Scope
    condition: Any = Field(description=CONDITION_DESCRIPTION)
    severity: Severity
    cooldown_minutes: int
    for_seconds: int
    schedule: Schedule | None
    channels: list[Channel]
    recipients: Recipients
    auto_resolve: bool
    escalation: Escalation | None
    notify_on_resolve: bool
    allow_unseen_parameters: bool
    is_active: bool
    created_by: int | None
    created_at: datetime
    updated_at: datetime


# --- dry runs ------------------------------------------------------------------------------
class DryRunRequest(Input):
    condition: Any = Field(description=CONDITION_DESCRIPTION, examples=[CONDITION_EXAMPLE])
    scope: Scope = Field(default_factory=lambda: ScopeAll(kind="all"))


class DryRunResult(Schema):
    device_id: int
    device_name: str
    matched: bool
    values: dict[str, float] = Field(description="Current values of the parameters the "
                                                 "condition reads")
    missing: list[str] = Field(description="Parameters the condition reads that the device "
                                           "has no current value for")


# --- parameters across a scope -------------------------------------------------------------
class ScopeParametersRequest(Input):
    scope: Scope = Field(default_factory=lambda: ScopeAll(kind="all"))


class ScopeParameter(Schema):
    parameter_key: str
    display_name: str | None = Field(description="A name given to it on one of the devices")
    unit: str | None = Field(description="Its unit on one of the devices that name one")
    device_count: int = Field(description="Devices in scope that have reported it")
