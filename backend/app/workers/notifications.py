"""Alert notifications (queue `notifications`): one task plans an alert's deliveries, then
each delivery is its own task, so a slow or failing channel never holds up another."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from app.core.task_queue import NOTIFY_ALERT, QUEUE_NOTIFICATIONS, SEND_NOTIFICATION
from app.repositories.sessions import read_committed_sessions
from app.services.alerts.notifications import NotificationService
from app.workers import runtime
from app.workers.celery_app import celery_app

# Planning several alerts for one recipient at once can deadlock on the digest key; both
# tasks are idempotent, so the loser simply runs again.
DB_CONFLICT_RETRY_SECONDS = 0.5
DB_CONFLICT_RETRIES = 5


async def _plan(factory_id: int, alert_id: int):
    async with read_committed_sessions()() as session:
        return await NotificationService(session, runtime.resources(), factory_id).plan(
            alert_id)


async def _send(factory_id: int, delivery_id: int):
    async with read_committed_sessions()() as session:
        return await NotificationService(session, runtime.resources(), factory_id).send(
            delivery_id)


@celery_app.task(name=NOTIFY_ALERT, bind=True, ignore_result=True,
                 max_retries=DB_CONFLICT_RETRIES)
def notify_alert(self, factory_id: int, alert_id: int) -> None:
    try:
        dispatch = runtime.run(_plan(factory_id, alert_id))
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=DB_CONFLICT_RETRY_SECONDS) from exc
    for delivery_id in dispatch.send_now:
        celery_app.send_task(SEND_NOTIFICATION, args=[factory_id, delivery_id],
                             queue=QUEUE_NOTIFICATIONS)
    for digest_id, seconds in dispatch.later:
        celery_app.send_task(SEND_NOTIFICATION, args=[factory_id, digest_id],
                             queue=QUEUE_NOTIFICATIONS, countdown=seconds)


# Delivery attempts are counted on the delivery row (NOTIFICATION_MAX_ATTEMPTS); Celery's
# own retry count only bounds database conflicts.
@celery_app.task(name=SEND_NOTIFICATION, bind=True, ignore_result=True, max_retries=None)
def send_notification(self, factory_id: int, delivery_id: int) -> None:
    try:
        result = runtime.run(_send(factory_id, delivery_id))
    except OperationalError as exc:
        if self.request.retries >= DB_CONFLICT_RETRIES:
            raise
        raise self.retry(exc=exc, countdown=DB_CONFLICT_RETRY_SECONDS) from exc
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
