"""Alert channels: the delivery log (every user of the factory), webhook endpoints and
WhatsApp templates (super admin: endpoint URLs may hold tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.api.deps import (
    AppSettings,
    ClientIp,
    CurrentUser,
    DbSession,
    Pagination,
    SuperAdmin,
)
from app.models.webhook import WebhookEndpoint
from app.repositories.notification_repo import DeliveryFilters
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.notification import (
    DeliveryChannel,
    DeliveryRead,
    DeliveryStatus,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
    WhatsAppSetup,
    WhatsAppTemplatesPut,
)
from app.schemas.rule import MAX_ID
from app.services.alerts.delivery_log import DeliveryLogService
from app.services.alerts.webhooks import WebhookService
from app.services.alerts.whatsapp_setup import WhatsAppSetupService

router = APIRouter(tags=["notifications"])

NO_STORE = {"Cache-Control": "no-store"}


async def get_webhook_service(admin: SuperAdmin, db: DbSession, settings: AppSettings,
                              ip: ClientIp) -> WebhookService:
    return WebhookService(db, settings, admin.factory_id, actor_id=admin.id, client_ip=ip)


async def get_whatsapp_service(admin: SuperAdmin, db: DbSession, settings: AppSettings,
                               ip: ClientIp) -> WhatsAppSetupService:
    return WhatsAppSetupService(db, settings, admin.factory_id, actor_id=admin.id,
                                client_ip=ip)


Webhooks = Annotated[WebhookService, Depends(get_webhook_service)]
WhatsApp = Annotated[WhatsAppSetupService, Depends(get_whatsapp_service)]


async def load_webhook(webhook_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Webhooks
                       ) -> WebhookEndpoint:
    return await service.load(webhook_id)


WebhookDep = Annotated[WebhookEndpoint, Depends(load_webhook)]


# --- delivery log --------------------------------------------------------------------------
@router.get("/notifications/deliveries", operation_id="notifications_deliveries_list",
            response_model=ListEnvelope[DeliveryRead],
            summary="The delivery log, newest first: each message's status as its provider "
                    "last reported it")
async def list_deliveries(
    user: CurrentUser, db: DbSession, page: Pagination,
    channel: Annotated[DeliveryChannel | None, Query()] = None,
    status_: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    alert_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    webhook_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
):
    filters = DeliveryFilters(channel=channel, status=status_, alert_id=alert_id,
                              webhook_id=webhook_id)
    items, total = await DeliveryLogService(db, user.factory_id).search(filters, page)
    return list_envelope(items, total, page)


# --- webhook endpoints ---------------------------------------------------------------------
@router.get("/webhooks", operation_id="webhooks_list", response_model=Envelope[list[WebhookRead]],
            summary="The factory's webhook endpoints (super admin)")
async def list_webhooks(service: Webhooks):
    return {"data": await service.list()}


@router.post("/webhooks", operation_id="webhooks_create", status_code=status.HTTP_201_CREATED,
             response_model=Envelope[WebhookCreated],
             summary="Add a webhook endpoint; its signing secret is in this answer only "
                     "(super admin)")
async def create_webhook(body: WebhookCreate, service: Webhooks, response: Response):
    response.headers.update(NO_STORE)
    return {"data": await service.create(body)}


@router.get("/webhooks/{webhook_id}", operation_id="webhooks_get",
            response_model=Envelope[WebhookRead],
            summary="One webhook endpoint, without its secret (super admin)")
async def get_webhook(endpoint: WebhookDep, service: Webhooks):
    return {"data": service.read(endpoint)}


@router.patch("/webhooks/{webhook_id}", operation_id="webhooks_update",
              response_model=Envelope[WebhookRead],
              summary="Change a webhook endpoint (super admin)")
async def update_webhook(endpoint: WebhookDep, body: WebhookUpdate, service: Webhooks):
    return {"data": await service.update(endpoint, body)}


@router.post("/webhooks/{webhook_id}/rotate-secret", operation_id="webhooks_rotate_secret",
             response_model=Envelope[WebhookCreated],
             summary="Replace the signing secret; the new one is in this answer only "
                     "(super admin)")
async def rotate_webhook_secret(endpoint: WebhookDep, service: Webhooks, response: Response):
    response.headers.update(NO_STORE)
    return {"data": await service.rotate_secret(endpoint)}


@router.post("/webhooks/{webhook_id}/test", operation_id="webhooks_test",
             status_code=status.HTTP_202_ACCEPTED,
             response_model=Envelope[DeliveryRead],
             summary="Send the endpoint a signed ping; follow it in the delivery log "
                     "(super admin)")
async def test_webhook(endpoint: WebhookDep, service: Webhooks):
    return {"data": await service.send_test(endpoint)}


@router.delete("/webhooks/{webhook_id}", operation_id="webhooks_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a webhook endpoint; its delivery log stays (super admin)")
async def delete_webhook(endpoint: WebhookDep, service: Webhooks):
    await service.delete(endpoint)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- WhatsApp templates --------------------------------------------------------------------
@router.get("/whatsapp/setup", operation_id="whatsapp_setup",
            response_model=Envelope[WhatsAppSetup],
            summary="The provider, the factory's templates and the status callback URLs "
                    "(super admin)")
async def get_whatsapp_setup(service: WhatsApp):
    return {"data": await service.read()}


@router.put("/whatsapp/templates", operation_id="whatsapp_templates_update",
            response_model=Envelope[WhatsAppSetup],
            summary="Set the approved templates WhatsApp messages are sent as (super admin)")
async def put_whatsapp_templates(body: WhatsAppTemplatesPut, service: WhatsApp):
    return {"data": await service.replace(body)}
