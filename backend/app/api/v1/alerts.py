from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse

from app.api.deps import (
    AppSettings,
    ClientIp,
    CurrentUser,
    DbSession,
    Pagination,
    require_permission,
)
from app.api.openapi import errors
from app.models.alert import Alert
from app.models.user import User
from app.repositories.alert_repo import AlertFilters
from app.schemas.alert import (
    AlertCounts,
    AlertRead,
    AlertStatus,
    AlertTimeline,
    BulkAcknowledge,
    Severity,
    SnoozeRequest,
)
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.rule import MAX_ID
from app.services.alerts.service import AlertService
from app.services.alerts.stream import alert_events

router = APIRouter(prefix="/alerts", tags=["alerts"])


async def get_alert_service(user: CurrentUser, db: DbSession, settings: AppSettings,
                            ip: ClientIp) -> AlertService:
    return AlertService(db, user.factory_id, settings, client_ip=ip)


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


@router.get("/stream", operation_id="alerts_stream", response_class=StreamingResponse,
            summary="The factory's alert events as server-sent events",
            description="`text/event-stream`: one event per raise, escalation, snooze, "
                        "acknowledgement and resolution (`event:` its kind, `id:` its "
                        "position, `data:` an AlertStreamEvent). Reconnect with "
                        "`Last-Event-ID` to receive what was missed.",
            responses={200: {"content": {"text/event-stream": {}}}})
async def alert_stream(request: Request, user: CurrentUser, settings: AppSettings):
    # Last-Event-ID is read as sent (a browser's reconnect); anything but a number starts
    # from now, so it is not a declared parameter that could answer 422.
    return StreamingResponse(
        alert_events(user.factory_id, settings, request.headers.get("Last-Event-ID"),
                     request.is_disconnected),
        media_type="text/event-stream",
        # No buffering by nginx, no caching: each event must reach the browser at once.
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


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


@router.get("/{alert_id}/timeline", operation_id="alerts_timeline",
            response_model=Envelope[AlertTimeline],
            summary="What happened to an alert, and every notification per recipient")
async def alert_timeline(alert: AlertDep, service: Alerts):
    return {"data": await service.timeline(alert)}


@router.post("/{alert_id}/acknowledge", operation_id="alerts_acknowledge", responses=errors(409),
             response_model=Envelope[AlertRead],
             summary="Acknowledge an alert; a resolved one answers 409 ALERT_RESOLVED")
async def acknowledge_alert(alert: AlertDep, user: AcknowledgeAlerts, service: Alerts):
    return {"data": await service.acknowledge(alert, user)}


@router.post("/{alert_id}/snooze", operation_id="alerts_snooze", responses=errors(409),
             response_model=Envelope[AlertRead],
             summary="No escalation rounds for a while; only an open alert (409 "
                     "ALERT_NOT_OPEN)")
async def snooze_alert(alert: AlertDep, user: AcknowledgeAlerts, body: SnoozeRequest,
                       service: Alerts):
    return {"data": await service.snooze(alert, body.minutes, user)}


@router.post("/{alert_id}/resolve", operation_id="alerts_resolve",
             response_model=Envelope[AlertRead],
             summary="Resolve an alert; the rule may raise a new one afterwards")
async def resolve_alert(alert: AlertDep, user: AcknowledgeAlerts, service: Alerts):
    return {"data": await service.resolve(alert, user)}
