"""Sending job tasks to their Celery queue from any process (API, worker, beat sweep)."""

from __future__ import annotations

import asyncio
from typing import Any

from app.core.config import Settings
from app.core.logging import get_logger

log = get_logger(__name__)

PUBLISH_TIMEOUT_SECONDS = 5

_celery_apps: dict[str, Any] = {}


def celery_for(settings: Settings):
    """The Celery app of these settings' broker, built once per broker (tests run apps
    with different settings in one process)."""
    from app.workers.celery_app import create_celery

    app = _celery_apps.get(settings.celery_broker)
    if app is None:
        app = _celery_apps[settings.celery_broker] = create_celery(settings)
    return app


async def dispatch(settings: Settings, task: str, queue: str, args: list[Any]) -> bool:
    """True once the broker has the message. False when it could not be reached: the job
    stays pending and the recovery sweep sends it again."""
    celery = celery_for(settings)

    def publish() -> None:
        celery.send_task(task, args=args, queue=queue)

    try:
        # Publishing is a blocking network call in kombu: keep it off the event loop.
        await asyncio.wait_for(asyncio.to_thread(publish), PUBLISH_TIMEOUT_SECONDS)
        return True
    except Exception as exc:
        log.warning("jobs.dispatch_failed", task=task, args=args, error=str(exc)[:200])
        return False
