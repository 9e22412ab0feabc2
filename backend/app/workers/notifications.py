"""Alert notifications (queue `notifications`): one task plans an alert's deliveries, then
each delivery is its own task, so a slow or failing channel never holds up another."""

from __future__ import annotations

from app.core.database import get_database
from app.services.notification_service import NotificationService
from app.workers import runtime
from app.workers.celery_app import celery_app
from app.workers.task_names import NOTIFY_ALERT, QUEUE_NOTIFICATIONS, SEND_NOTIFICATION


async def _plan(factory_id: int, alert_id: int):
    async with get_database().sessionmaker() as session:
        return await NotificationService(session, runtime.resources(), factory_id).plan(
            alert_id)


async def _send(factory_id: int, delivery_id: int):
    async with get_database().sessionmaker() as session:
        return await NotificationService(session, runtime.resources(), factory_id).send(
            delivery_id)


@celery_app.task(name=NOTIFY_ALERT, ignore_result=True)
def notify_alert(factory_id: int, alert_id: int) -> None:
    dispatch = runtime.run(_plan(factory_id, alert_id))
    for delivery_id in dispatch.send_now:
        celery_app.send_task(SEND_NOTIFICATION, args=[factory_id, delivery_id],
                             queue=QUEUE_NOTIFICATIONS)
    for digest_id, seconds in dispatch.later:
        celery_app.send_task(SEND_NOTIFICATION, args=[factory_id, digest_id],
                             queue=QUEUE_NOTIFICATIONS, countdown=seconds)


# Attempts are counted on the delivery row (NOTIFICATION_MAX_ATTEMPTS), not by Celery.
@celery_app.task(name=SEND_NOTIFICATION, bind=True, ignore_result=True, max_retries=None)
def send_notification(self, factory_id: int, delivery_id: int) -> None:
    result = runtime.run(_send(factory_id, delivery_id))
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
