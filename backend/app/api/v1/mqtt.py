"""Endpoints the MQTT broker (EMQX 5) calls to authenticate and authorise its clients. The
caller is the broker, not a user: it proves itself with the MQTT_AUTH_SECRET header, and
the answers follow EMQX's contract instead of the API's envelope."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Security
from fastapi.security import APIKeyHeader

from app.api.deps import AppSettings, DbSession
from app.api.openapi import errors
from app.core.errors import ServiceUnavailable, Unauthorized
from app.schemas.mqtt import (
    AuthenticationRequest,
    AuthenticationResult,
    AuthorizationRequest,
    AuthorizationResult,
)
from app.services.devices.mqtt_auth import MqttAuthService

router = APIRouter(prefix="/mqtt", tags=["mqtt broker"])

BROKER_SECRET_HEADER = "X-FactoryOps-Broker-Secret"
_broker_secret = APIKeyHeader(name=BROKER_SECRET_HEADER, auto_error=False,
                              scheme_name="brokerSecret",
                              description="MQTT_AUTH_SECRET, configured in the broker's "
                                          "HTTP authenticator headers")


async def require_broker(settings: AppSettings,
                   secret: Annotated[str | None, Security(_broker_secret)] = None) -> None:
    expected = settings.mqtt_auth_secret.get_secret_value() if settings.mqtt_auth_secret else ""
    if not expected:
        raise ServiceUnavailable("Broker authentication is off: set MQTT_AUTH_SECRET.",
                                 code="BROKER_AUTH_DISABLED")
    if secret is None or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Unauthorized("The broker secret is missing or wrong.",
                           code="BROKER_SECRET_INVALID")


async def get_mqtt_auth_service(_: Annotated[None, Depends(require_broker)], db: DbSession,
                          settings: AppSettings) -> MqttAuthService:
    return MqttAuthService(db, settings)


BrokerAuth = Annotated[MqttAuthService, Depends(get_mqtt_auth_service)]


@router.post("/auth", operation_id="mqtt_authenticate", responses=errors(401),
             response_model=AuthenticationResult, response_model_exclude_none=True,
             summary="EMQX HTTP authentication: may this client connect, and with which ACL")
async def authenticate_client(body: AuthenticationRequest, service: BrokerAuth):
    return await service.authenticate(clientid=body.clientid, username=body.username,
                                      password=body.password)


@router.post("/authz", operation_id="mqtt_authorize",
             responses=errors(401), response_model=AuthorizationResult,
             summary="EMQX HTTP authorization: may this client publish or subscribe to a topic")
async def authorize_client(body: AuthorizationRequest, service: BrokerAuth):
    return await service.authorize(clientid=body.clientid, username=body.username,
                                   topic=body.topic, action=body.action)
