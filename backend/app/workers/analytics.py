"""Analytics jobs (queue `analytics`): anomaly detection and energy forecasts, plus the
sweep that takes back jobs whose worker died."""

from __future__ import annotations

from app.core.task_queue import QUEUE_ANALYTICS, RECOVER_ANALYTICS_JOBS, RUN_ANALYTICS_JOB
from app.models.analytics_job import AnalyticsJob
from app.repositories.analytics_repo import AnalyticsJobRepository
from app.services.analytics.runner import run_analytics_job
from app.services.jobs.runner import recover_stale_jobs
from app.workers import runtime
from app.workers.celery_app import celery_app
from app.workers.recovery import recover_when_ready


async def _run(factory_id: int, job_id: int) -> float | None:
    return await run_analytics_job(runtime.resources(), factory_id, job_id)


# Attempts are counted on the job row (JOB_MAX_ATTEMPTS), not by Celery. acks_late and
# reject_on_worker_lost (set for the whole app) put the message back when the worker dies.
@celery_app.task(name=RUN_ANALYTICS_JOB, bind=True, ignore_result=True, max_retries=None)
def run_job(self, factory_id: int, job_id: int) -> None:
    retry_in = runtime.run(_run(factory_id, job_id))
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@celery_app.task(name=RECOVER_ANALYTICS_JOBS, ignore_result=True)
def recover_stale() -> dict[str, int]:
    settings = runtime.resources().settings
    return runtime.run(recover_stale_jobs(settings, AnalyticsJob, AnalyticsJobRepository,
                                          RUN_ANALYTICS_JOB, QUEUE_ANALYTICS))


recover_when_ready(QUEUE_ANALYTICS, RECOVER_ANALYTICS_JOBS)
