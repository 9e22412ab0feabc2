"""Jobs left `running` by a worker that died are taken back by a periodic sweep; a worker
that starts asks for one at once, so that a restarted machine resumes its jobs without
waiting for beat."""

from __future__ import annotations

from celery.signals import worker_ready

from app.core.logging import get_logger

log = get_logger(__name__)


def recover_when_ready(queue: str, task: str) -> None:
    def request_sweep(sender=None, **_kwargs) -> None:
        consumer = getattr(sender, "task_consumer", None)
        consumed = {q.name for q in getattr(consumer, "queues", ())}
        if queue not in consumed:
            return
        try:
            sender.app.send_task(task, queue=queue, expires=120)
        except Exception as exc:  # beat sends the same sweep every minute anyway
            log.warning("jobs.startup_sweep_not_sent", queue=queue, error=str(exc)[:200])

    worker_ready.connect(request_sweep, weak=False)
