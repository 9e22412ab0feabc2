"""The task queue as every process sees it: queue and task names, and the Celery app of a
settings' broker (Redis in production, SQLite through kombu's SQLAlchemy transport on the
embedded default). Senders (API, ingester, beat sweeps) need only this module, never the task
code in app.workers; the workers build their app here too."""

from __future__ import annotations

import asyncio
from typing import Any

from celery import Celery
from kombu import Exchange, Queue
from kombu.transport import sqlalchemy as sqla_transport

from app.core.config import Settings, get_settings

QUEUE_RULE_ENGINE = "rule_engine"
QUEUE_ANALYTICS = "analytics"
QUEUE_REPORTING = "reporting"
QUEUE_NOTIFICATIONS = "notifications"
QUEUE_MAINTENANCE = "maintenance"
QUEUES = (QUEUE_RULE_ENGINE, QUEUE_ANALYTICS, QUEUE_REPORTING, QUEUE_NOTIFICATIONS,
          QUEUE_MAINTENANCE)

EVALUATE_BATCH = "rule_engine.evaluate_batch"
RULES_TICK = "rule_engine.tick"
SEND_EMAIL = "notifications.send_email"
SEND_NOTIFICATION = "notifications.send"
SWEEP_NOTIFICATIONS = "notifications.sweep"

RUN_ANALYTICS_JOB = "analytics.run_job"
RECOVER_ANALYTICS_JOBS = "analytics.recover_stale_jobs"
RUN_REPORT_JOB = "reporting.run_job"
RECOVER_REPORT_JOBS = "reporting.recover_stale_jobs"
RUN_DUE_SCHEDULES = "reporting.run_due_schedules"
REFRESH_ROLLUPS = "maintenance.refresh_rollups"
APPLY_RETENTION = "maintenance.apply_retention"

# Modules a worker imports at start so that their tasks (and the metrics signal handlers)
# are registered.
TASK_MODULES = ["app.workers.metrics", "app.workers.mail", "app.workers.rule_engine",
                "app.workers.notifications", "app.workers.analytics", "app.workers.reporting",
                "app.workers.lifecycle"]

# Periodic work (`celery beat`, or `worker -B` on the embedded default). Each message expires
# before the next one is due, so a queue nobody consumes does not pile them up.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "run-due-report-schedules": {"task": RUN_DUE_SCHEDULES, "schedule": 60.0,
                                 "options": {"queue": QUEUE_REPORTING, "expires": 55}},
    "recover-stale-analytics-jobs": {"task": RECOVER_ANALYTICS_JOBS, "schedule": 60.0,
                                     "options": {"queue": QUEUE_ANALYTICS, "expires": 55}},
    "recover-stale-report-jobs": {"task": RECOVER_REPORT_JOBS, "schedule": 60.0,
                                  "options": {"queue": QUEUE_REPORTING, "expires": 55}},
    # Rollups fold each minute's writes (and late points) in; a run that overlaps the next
    # one skips the factories still locked.
    "refresh-rollups": {"task": REFRESH_ROLLUPS, "schedule": 60.0,
                        "options": {"queue": QUEUE_MAINTENANCE, "expires": 55}},
    "apply-retention": {"task": APPLY_RETENTION, "schedule": 3600.0,
                        "options": {"queue": QUEUE_MAINTENANCE, "expires": 3300}},
}


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The fixed schedule and the entries whose interval is a setting."""
    sweep = settings.notification_sweep_seconds
    tick = settings.rule_clock_seconds
    return {
        **BEAT_SCHEDULE,
        # Silent devices, stale parameters, sustained durations and auto-resolves: what no
        # arriving message would decide.
        "rules-tick": {"task": RULES_TICK, "schedule": tick,
                       "options": {"queue": QUEUE_RULE_ENGINE,
                                   "expires": max(1.0, tick * 0.9)}},
        # The outbox's safety net: deliveries whose own task never ran or never finished.
        "sweep-notifications": {"task": SWEEP_NOTIFICATIONS, "schedule": sweep,
                                "options": {"queue": QUEUE_NOTIFICATIONS,
                                            "expires": max(1.0, sweep * 0.9)}},
    }


def _tune_sqlite_transport() -> None:
    # kombu's SQLAlchemy transport polls once a second by default, which would add up to a
    # second to every alert. Passing polling_interval through broker_transport_options
    # crashes kombu 5.7, so set the class default instead.
    sqla_transport.Transport.polling_interval = 0.1


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    broker = settings.celery_broker
    if broker.startswith("sqla+"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _tune_sqlite_transport()
    app = Celery("factoryops", broker=broker, backend=settings.celery_backend,
                 include=TASK_MODULES)
    app.conf.update(
        # Each queue its own exchange and routing key: with the defaults every queue would
        # bind to one exchange under one key, and a task would be copied to all four.
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        task_default_queue=QUEUES[0],
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=4,
        task_always_eager=settings.celery_always_eager,
        broker_connection_retry_on_startup=True,
        result_expires=3600,
        timezone="UTC",
        enable_utc=True,
        beat_schedule=beat_schedule(settings),
    )
    return app


_celery_apps: dict[str, Celery] = {}


def celery_for(settings: Settings) -> Celery:
    """The Celery app of these settings' broker, built once per broker (tests run apps with
    different settings in one process)."""
    app = _celery_apps.get(settings.celery_broker)
    if app is None:
        app = _celery_apps[settings.celery_broker] = create_celery(settings)
    return app


PUBLISH_TIMEOUT_SECONDS = 5


async def publish_task(settings: Settings, task: str, queue: str, args: list[Any],
                       deadline_s: float = PUBLISH_TIMEOUT_SECONDS) -> None:
    """Hand a task to the broker; raises when the broker does not take it in `deadline_s`."""
    celery = celery_for(settings)

    def publish() -> None:
        celery.send_task(task, args=args, queue=queue)

    # Publishing is a blocking network call in kombu: keep it off the event loop.
    await asyncio.wait_for(asyncio.to_thread(publish), deadline_s)
