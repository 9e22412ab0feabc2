"""The workers' Celery app (`celery -A app.workers.celery_app worker`); how it is built, its
queues and its periodic work live in app.core.task_queue, shared with the senders."""

from __future__ import annotations

from app.core.task_queue import create_celery

celery_app = create_celery()
