from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from app.models.api_key import API_KEY_PERMISSIONS, INGEST
from app.schemas.common import Schema

MAX_INGEST_DEVICES = 1000

ApiKeyPermission = Literal[API_KEY_PERMISSIONS]  # type: ignore[valid-type]
# active: usable; expired: past its expiry; revoked: switched off for good.
ApiKeyStatus = Literal["active", "expired", "revoked"]


def _distinct_sorted(values: list) -> list:
    return sorted(set(values))


def _aware_future(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("must carry a time zone (e.g. 2027-01-31T00:00:00Z)")
    if value <= datetime.now(UTC):
        raise ValueError("must be in the future")
    return value.astimezone(UTC)


class ApiKeyCreate(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "MES line 2",
        "permissions": ["acknowledge_alerts", "ingest"],
        "ingest_device_ids": [12, 13],
        "expires_at": "2027-06-30T00:00:00Z",
    }]})

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=100)]
    permissions: Annotated[list[ApiKeyPermission], Field(max_length=len(API_KEY_PERMISSIONS)),
                           AfterValidator(_distinct_sorted)] = Field(
        default_factory=list,
        description="What the key may change; every key may read the factory's data. A key is "
                    "never a super admin. `ingest` lets it send telemetry for the devices in "
                    "`ingest_device_ids`.")
    ingest_device_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**63 - 1)]],
                                 Field(max_length=MAX_INGEST_DEVICES),
                                 AfterValidator(_distinct_sorted)] = Field(
        default_factory=list, description="Devices the key may send telemetry for (needs the "
                                          "`ingest` permission)")
    expires_at: Annotated[datetime | None, AfterValidator(_aware_future)] = Field(
        default=None, description="After this moment the key answers 401; null: never expires")

    @model_validator(mode="after")
    def _ingest_names_devices(self) -> ApiKeyCreate:
        if (INGEST in self.permissions) != bool(self.ingest_device_ids):
            raise ValueError("the ingest permission and ingest_device_ids go together: name "
                             "the devices the key may send telemetry for")
        return self


class ApiKeyCreator(Schema):
    id: int
    full_name: str
    email: str


class ApiKeyRead(Schema):
    id: int
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it")
    permissions: list[str]
    ingest_device_ids: list[int]
    status: ApiKeyStatus
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(
        description="Last request made with the key, to the minute")
    created_at: datetime
    created_by: ApiKeyCreator | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key itself: shown in this answer only, store it now",
                     examples=["fo_live_<38 letters and digits>"])
