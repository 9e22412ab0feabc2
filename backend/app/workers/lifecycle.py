"""Data lifecycle (queue `maintenance`): the minute rollup run and the hourly retention run,
each over every factory."""

from __future__ import annotations

from app.core.task_queue import APPLY_RETENTION, REFRESH_ROLLUPS
from app.services.lifecycle import apply_retention_all, refresh_all
from app.workers import runtime
from app.workers.celery_app import celery_app


@celery_app.task(name=REFRESH_ROLLUPS, ignore_result=True)
def refresh_rollups() -> dict[int, int]:
    return runtime.run(refresh_all(runtime.resources()))


@celery_app.task(name=APPLY_RETENTION, ignore_result=True)
def apply_retention() -> dict[int, int]:
    return runtime.run(apply_retention_all(runtime.resources()))
