"""Alert notifications (queue `notifications`): each delivery of the outbox is its own task,
so a slow or failing channel never holds up another; a periodic sweep sends whatever was
left behind."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from app.core.logging import get_logger
from app.core.task_queue import QUEUE_NOTIFICATIONS, SEND_NOTIFICATION, SWEEP_NOTIFICATIONS
from app.repositories.sessions import read_committed_sessions
from app.services.alerts.escalation import escalate_due
from app.services.alerts.notifications import NotificationService, sweep_outbox
from app.workers import runtime
from app.workers.celery_app import celery_app

log = get_logger(__name__)

# Two deliveries to one recipient can deadlock on the digest key; sending is idempotent
# (the delivery is taken by one conditional UPDATE), so the loser simply runs again.
DB_CONFLICT_RETRY_SECONDS = 0.5
DB_CONFLICT_RETRIES = 5


async def _send(factory_id: int, delivery_id: int):
    async with read_committed_sessions()() as session:
        return await NotificationService(session, runtime.resources(), factory_id).send(
            delivery_id)


def queue_deliveries(pairs: list[tuple[int, int]]) -> int:
    """Ask for these (factory_id, delivery_id) to be sent; how many were queued. A delivery
    the queue does not take stays in the outbox for the sweep."""
    queued = 0
    for factory_id, delivery_id in pairs:
        try:
            # No publishing retries: a broker that is down is the sweep's business, not a
            # reason to hold up the rule engine.
            celery_app.send_task(SEND_NOTIFICATION, args=[factory_id, delivery_id],
                                 queue=QUEUE_NOTIFICATIONS, retry=False)
            queued += 1
        except Exception as exc:  # the broker is down: the sweep sends it later
            log.warning("notification.not_queued", factory_id=factory_id,
                        delivery_id=delivery_id, error=str(exc)[:200])
            break
    return queued


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
    if result.digest is not None:
        digest_id, seconds = result.digest
        celery_app.send_task(SEND_NOTIFICATION, args=[factory_id, digest_id],
                             queue=QUEUE_NOTIFICATIONS, countdown=seconds)
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)


@celery_app.task(name=SWEEP_NOTIFICATIONS, ignore_result=True)
def sweep() -> int:
    """Escalation rounds that are due, then whatever the outbox still holds."""
    queued = queue_deliveries(runtime.run(escalate_due()))
    return queued + queue_deliveries(runtime.run(sweep_outbox(runtime.resources())))
