from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from app.api.deps import AppSettings, CurrentUser, DbSession, Pagination, require_permission
from app.api.openapi import errors
from app.models.alert import Alert
from app.models.user import User
from app.repositories.alert_repo import AlertFilters
from app.schemas.alert import AlertCounts, AlertRead, AlertStatus, BulkAcknowledge, Severity
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.rule import MAX_ID
from app.services.alerts.service import AlertService

router = APIRouter(prefix="/alerts", tags=["alerts"])


async def get_alert_service(user: CurrentUser, db: DbSession, settings: AppSettings
                            ) -> AlertService:
    return AlertService(db, user.factory_id, settings)


Alerts = Annotated[AlertService, Depends(get_alert_service)]
AcknowledgeAlerts = Annotated[User, Depends(require_permission("acknowledge_alerts"))]


async def load_alert(alert_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Alerts
                     ) -> Alert:
    return await service.load(alert_id)


AlertDep = Annotated[Alert, Depends(load_alert)]


@router.get("", operation_id="alerts_list", response_model=ListEnvelope[AlertRead],
            summary="List alerts, newest first")
async def list_alerts(
    service: Alerts,
    page: Pagination,
    status: Annotated[list[AlertStatus] | None, Query(description="Repeat to ask for "
                                                                  "several")] = None,
    severity: Annotated[list[Severity] | None, Query()] = None,
    device_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    rule_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    since: Annotated[datetime | None, Query(description="Triggered at or after")] = None,
    until: Annotated[datetime | None, Query(description="Triggered before")] = None,
):
    filters = AlertFilters(statuses=tuple(status or ()), severities=tuple(severity or ()),
                           device_id=device_id, rule_id=rule_id, since=since, until=until)
    items, total = await service.search(filters, page)
    return list_envelope(items, total, page)


@router.get("/counts", operation_id="alerts_counts", response_model=Envelope[AlertCounts],
            summary="Alert counts for the badge")
async def alert_counts(service: Alerts):
    return {"data": await service.counts()}


@router.post("/acknowledge", operation_id="alerts_acknowledge_many", responses=errors(404, 409),
             response_model=Envelope[list[AlertRead]],
             summary="Acknowledge several alerts; any unknown id changes nothing")
async def acknowledge_alerts(user: AcknowledgeAlerts, body: BulkAcknowledge,
                             service: Alerts):
    return {"data": await service.acknowledge_many(body.ids, user)}


@router.get("/{alert_id}", operation_id="alerts_get",
            response_model=Envelope[AlertRead], summary="One alert")
async def get_alert(alert: AlertDep, service: Alerts):
    return {"data": await service.read(alert)}


@router.post("/{alert_id}/acknowledge", operation_id="alerts_acknowledge", responses=errors(409),
             response_model=Envelope[AlertRead],
             summary="Acknowledge an alert; a resolved one answers 409 ALERT_RESOLVED")
async def acknowledge_alert(alert: AlertDep, user: AcknowledgeAlerts, service: Alerts):
    return {"data": await service.acknowledge(alert, user)}


@router.post("/{alert_id}/resolve", operation_id="alerts_resolve",
             response_model=Envelope[AlertRead],
             summary="Resolve an alert; the rule may raise a new one afterwards")
async def resolve_alert(alert: AlertDep, user: AcknowledgeAlerts, service: Alerts):
    return {"data": await service.resolve(alert, user)}
