"""Sending job tasks to their Celery queue from any process (API, worker, beat sweep)."""

from __future__ import annotations

from typing import Any

from app.core.config import Settings
from app.core.logging import get_logger
from app.core.task_queue import publish_task

log = get_logger(__name__)


async def dispatch(settings: Settings, task: str, queue: str, args: list[Any]) -> bool:
    """True once the broker has the message. False when it could not be reached: the job
    stays pending and the recovery sweep sends it again."""
    try:
        await publish_task(settings, task, queue, args)
        return True
    except Exception as exc:
        log.warning("jobs.dispatch_failed", task=task, args=args, error=str(exc)[:200])
        return False
