"""Status callbacks from the WhatsApp providers. They carry no user credentials: each is
checked for its provider's signature instead (app.services.alerts.status_callbacks)."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse

from app.api.deps import AppSettings, DbSession
from app.api.openapi import errors
from app.core.errors import BadRequest
from app.schemas.common import Envelope
from app.services.alerts.status_callbacks import StatusCallbackService

router = APIRouter(prefix="/callbacks/whatsapp", tags=["callbacks"])

# A status callback is a few hundred bytes; a body this large is not one.
MAX_CALLBACK_BYTES = 256 * 1024


async def get_callback_service(db: DbSession, settings: AppSettings) -> StatusCallbackService:
    return StatusCallbackService(db, settings)


Callbacks = Annotated[StatusCallbackService, Depends(get_callback_service)]


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_CALLBACK_BYTES:
        raise BadRequest("The callback body is too large.", code="CALLBACK_TOO_LARGE")
    return body


@router.get("/meta", operation_id="callbacks_whatsapp_meta_verify",
            responses=errors(403), response_class=PlainTextResponse,
            summary="Meta's subscription handshake: echoes hub.challenge for our verify token")
async def meta_subscribe(
    service: Callbacks,
    mode: Annotated[str | None, Query(alias="hub.mode", max_length=32)] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token", max_length=512)] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=512)] = None,
):
    return PlainTextResponse(service.meta_subscription(mode, token, challenge))


@router.post("/meta", operation_id="callbacks_whatsapp_meta_status",
             responses=errors(400, 401, 403), response_model=Envelope[dict[str, int]],
             summary="Meta's message status webhook, signed with X-Hub-Signature-256")
async def meta_statuses(request: Request, service: Callbacks):
    body = await _body(request)
    signature = request.headers.get("x-hub-signature-256")
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        payload = None  # still refused below unless correctly signed; then simply ignored
    return {"data": {"moved": await service.meta_statuses(body, signature, payload)}}


@router.post("/twilio", operation_id="callbacks_whatsapp_twilio_status",
             responses=errors(400, 401, 403), response_model=Envelope[dict[str, int]],
             summary="Twilio's StatusCallback, signed with X-Twilio-Signature")
async def twilio_status(request: Request, service: Callbacks):
    body = await _body(request)
    # Twilio posts application/x-www-form-urlencoded; blank values are signed too.
    try:
        fields = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise BadRequest("The callback body is not form data.", code="INVALID_CALLBACK") from exc
    return {"data": {"moved": await service.twilio_status(
        request.url.query, fields, request.headers.get("x-twilio-signature"))}}
