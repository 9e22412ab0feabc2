"""POST /api/v1/ingest: telemetry over HTTP, with the MQTT payloads, parser and quotas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials

from app.api.deps import (
    AppResources,
    AppSettings,
    DbSession,
    api_key_scheme,
    bearer_scheme,
    get_credentials,
)
from app.api.openapi import errors
from app.core.errors import AppError, Forbidden, ValidationFailed
from app.models.device import Device
from app.schemas.common import Envelope
from app.schemas.ingest import IngestResult
from app.services.ingest.http import MAX_BODY_BYTES, MAX_MESSAGES, HttpIngest, split_messages

router = APIRouter(prefix="/ingest", tags=["ingest"])

NDJSON = "application/x-ndjson"
device_token_scheme = APIKeyHeader(
    name="X-Device-Token", auto_error=False, scheme_name="deviceToken",
    description="The device's own token (its MQTT password), shown when it was registered")


_ANY_OBJECT = {"type": "object", "additionalProperties": True}


class PayloadTooLarge(AppError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


async def get_ingest(db: DbSession, resources: AppResources) -> HttpIngest:
    return HttpIngest(db, resources)


Ingest = Annotated[HttpIngest, Depends(get_ingest)]


async def sending_device(
    service: Ingest,
    db: DbSession,
    settings: AppSettings,
    resources: AppResources,
    device: Annotated[str | None, Query(
        min_length=1, max_length=128,
        description="The device's key: required with an API key; with a device token, "
                    "optional (it must then be the token's device)")] = None,
    device_token: str | None = Depends(device_token_scheme),
    bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
    api_key: str | None = Depends(api_key_scheme),
) -> Device:
    """The device a request sends for: the one its token belongs to, or the one it names for
    an API key holding the ingest permission. A person's sign-in never sends telemetry."""
    if device_token:
        found = await service.device_for_token(device_token)
        if device is not None and device != found.device_key:
            raise Forbidden("The device token belongs to another device.",
                            code="DEVICE_MISMATCH")
        return found
    credentials = await get_credentials(db, settings, resources, bearer, api_key)
    if credentials.key is None:
        raise Forbidden("Telemetry is sent with a device token or an API key, not a "
                        "person's sign-in.", code="DEVICE_CREDENTIAL_REQUIRED")
    if device is None:
        raise ValidationFailed("device: the device's key is required with an API key",
                               code="VALIDATION_ERROR",
                               details=[{"field": "query.device", "message": "required "
                                         "with an API key", "type": "missing"}])
    return await service.device_for_key(credentials.key.principal, credentials.key.key_id,
                                        device)


SendingDevice = Annotated[Device, Depends(sending_device)]


@router.post(
    "", operation_id="ingest_send", status_code=status.HTTP_202_ACCEPTED,
    response_model=Envelope[IngestResult], responses=errors(401, 403, 404, 413, 429),
    summary="Send telemetry over HTTP: one message (JSON) or up to 1,000 (NDJSON, one per "
            "line), in the MQTT payload shapes",
    openapi_extra={"requestBody": {"required": True, "content": {
        # Objects with any keys (the parameters are the device's): a schema without
        # additionalProperties made generated clients type the body as an empty object.
        "application/json": {"schema": {"description": "One message, as published over MQTT",
                                        "oneOf": [_ANY_OBJECT, {"type": "array",
                                                                "items": _ANY_OBJECT}]},
                             "example": {"ts": "2026-12-04T10:00:00Z",
                                         "metrics": {"power_kw": 41.7, "voltage": 229.8}}},
        NDJSON: {"schema": {"type": "string", "description": "One message per line"},
                 "example": '{"ts": 1796378400000, "power_kw": 41.7}\n'
                            '{"ts": 1796378401000, "power_kw": 42.1}\n'},
    }}})
async def send_telemetry(request: Request, device: SendingDevice, service: Ingest):
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"A request carries at most {MAX_BODY_BYTES} bytes.")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    messages = split_messages(body, ndjson=content_type == NDJSON)
    if len(messages) > MAX_MESSAGES:
        raise PayloadTooLarge(f"A request carries at most {MAX_MESSAGES} messages.",
                              details={"messages": len(messages)})
    return {"data": await service.ingest(device, messages)}
