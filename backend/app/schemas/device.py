from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from app.models.device import DEVICE_STATUSES
from app.models.device_parameter import PARAMETER_ROLES
from app.schemas.common import OneLine, Schema

DEVICE_KEY_MAX = 128
METADATA_MAX_BYTES = 16 * 1024
BULK_PARAMETERS_MAX = 500

DeviceStatus = Literal[DEVICE_STATUSES]  # type: ignore[valid-type]
ParameterRole = Literal[PARAMETER_ROLES]  # type: ignore[valid-type]
DeviceSort = Literal["name", "-name", "device_key", "-device_key", "last_seen_at",
                     "-last_seen_at", "created_at", "-created_at"]

# The key is one MQTT topic level: `/` would split it, `+` and `#` are subscription
# wildcards, and brokers reserve topics starting with `$` for themselves.
_TOPIC_RESERVED = frozenset("/+#")


def check_device_key(key: str) -> str:
    if not 1 <= len(key) <= DEVICE_KEY_MAX:
        raise ValueError(f"must be 1 to {DEVICE_KEY_MAX} characters")
    if key.startswith("$"):
        raise ValueError("must not start with '$'")
    if any(ch in _TOPIC_RESERVED for ch in key):
        raise ValueError("must not contain '/', '+' or '#'")
    if any(ch.isspace() or not ch.isprintable() for ch in key):
        raise ValueError("must be printable characters without whitespace")
    return key


def _blank_to_none(value: str | None) -> str | None:
    return value or None


def _text(max_length: int):
    """Optional free text: trimmed, and an empty string clears the field."""
    return Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length),
                  OneLine] | None,
        AfterValidator(_blank_to_none),
    ]


def _check_metadata(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None and len(orjson.dumps(value)) > METADATA_MAX_BYTES:
        raise ValueError(f"must be at most {METADATA_MAX_BYTES} bytes as JSON")
    return value


DeviceKey = Annotated[str, AfterValidator(check_device_key)]
DeviceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=200), OneLine]
Metadata = Annotated[dict[str, Any], AfterValidator(_check_metadata)]
DeviceType = _text(64)
Location = _text(200)
Area = _text(100)
Vendor = _text(100)
DisplayName = _text(200)
Unit = _text(32)


class Input(Schema):
    # A misspelt field in a PATCH would otherwise be dropped silently and look like success.
    model_config = ConfigDict(extra="forbid")

    def _refuse_nulls(self, *fields: str) -> None:
        explicit_nulls = [f for f in fields if f in self.model_fields_set
                          and getattr(self, f) is None]
        if explicit_nulls:
            raise ValueError(f"{', '.join(explicit_nulls)} cannot be null")


# --- devices -------------------------------------------------------------------------------
class DeviceCreate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "device_key": "cnc-line1-main", "name": "CNC line 1 main meter",
        "type": "energy_meter", "location": "Hall A", "area": "Machining",
        "manufacturer": "Janitza", "model": "UMG 604"}]})

    device_key: DeviceKey = Field(
        description="Unique in the factory; one MQTT topic level: printable, no whitespace, "
                    "none of / + #, not starting with $")
    name: DeviceName
    type: DeviceType = None
    location: Location = None
    area: Area = None
    manufacturer: Vendor = None
    model: Vendor = None
    metadata: Metadata = Field(default_factory=dict)


class DeviceImport(Input):
    """A bulk import as JSON; each row is checked as a DeviceCreate, with its row number."""

    devices: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class DeviceUpdate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "CNC line 1 incomer", "area": "Machining"}, {"status": "active"}]})

    name: DeviceName | None = None
    type: DeviceType = None
    location: Location = None
    area: Area = None
    manufacturer: Vendor = None
    model: Vendor = None
    metadata: Metadata | None = None
    status: Literal["active", "disabled"] | None = Field(
        default=None, description="`active` approves a discovered device; `disabled` stops "
                                  "accepting its telemetry")

    @model_validator(mode="after")
    def _required_fields_stay_set(self) -> DeviceUpdate:
        self._refuse_nulls("name", "metadata", "status")
        return self


class DeviceRead(Schema):
    id: int
    device_key: str
    name: str
    type: str | None
    location: str | None
    area: str | None
    manufacturer: str | None
    model: str | None
    is_active: bool
    status: DeviceStatus
    last_seen_at: datetime | None
    online: bool
    metadata: dict[str, Any]
    parameter_count: int
    created_at: datetime
    updated_at: datetime


class DeviceCredentials(Schema):
    """Shown once, when the device is created or its token rotated: only a hash is kept."""

    mqtt_host: str
    mqtt_port: int
    tls: bool = Field(description="The port speaks MQTT over TLS (mqtts)")
    topic: str
    client_id: str
    username: str
    password: str
    example: str


class DeviceWithCredentials(Schema):
    device: DeviceRead
    credentials: DeviceCredentials


# --- parameters ----------------------------------------------------------------------------
class LatestRead(Schema):
    value: float
    ts: datetime


class ParameterRead(Schema):
    id: int
    device_id: int
    parameter_key: str
    display_name: str | None
    unit: str | None
    role: ParameterRole | None
    is_kpi_selected: bool
    first_seen_at: datetime
    last_seen_at: datetime
    latest: LatestRead | None


class ParameterUpdate(Input):
    display_name: DisplayName = None
    unit: Unit = None
    role: ParameterRole | None = Field(default=None, description="Semantic role energy KPIs "
                                                                 "are computed from")
    is_kpi_selected: bool | None = None

    @model_validator(mode="after")
    def _required_fields_stay_set(self) -> ParameterUpdate:
        self._refuse_nulls("is_kpi_selected")
        return self


class ParameterBulkItem(ParameterUpdate):
    id: int = Field(ge=1)


class ParameterBulkUpdate(Input):
    items: list[ParameterBulkItem] = Field(min_length=1, max_length=BULK_PARAMETERS_MAX)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> ParameterBulkUpdate:
        seen: set[int] = set()
        duplicates: set[int] = set()
        for item in self.items:
            (duplicates if item.id in seen else seen).add(item.id)
        if duplicates:
            raise ValueError(f"parameter ids appear more than once: {sorted(duplicates)}")
        return self
