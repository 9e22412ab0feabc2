"""Reports (queue `reporting`): PDF and Excel reports, the minute sweep of report schedules,
and the sweep that takes back reports whose worker died."""

from __future__ import annotations

from app.core.task_queue import (
    QUEUE_REPORTING,
    RECOVER_REPORT_JOBS,
    RUN_DUE_SCHEDULES,
    RUN_REPORT_JOB,
)
from app.models.analytics_job import ReportJob
from app.repositories.report_repo import ReportJobRepository
from app.services.jobs.runner import recover_stale_jobs
from app.services.reports.runner import run_report_job
from app.services.reports.scheduled import run_due_schedules
from app.workers import runtime
from app.workers.celery_app import celery_app
from app.workers.recovery import recover_when_ready


async def _run(factory_id: int, job_id: int) -> float | None:
    return await run_report_job(runtime.resources(), factory_id, job_id)


# Attempts are counted on the job row (JOB_MAX_ATTEMPTS), not by Celery.
@celery_app.task(name=RUN_REPORT_JOB, bind=True, ignore_result=True, max_retries=None)
def run_job(self, factory_id: int, job_id: int) -> None:
    retry_in = runtime.run(_run(factory_id, job_id))
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


async def _due() -> list[int]:
    return await run_due_schedules(runtime.resources())


@celery_app.task(name=RUN_DUE_SCHEDULES, ignore_result=True)
def run_due() -> list[int]:
    return runtime.run(_due())


@celery_app.task(name=RECOVER_REPORT_JOBS, ignore_result=True)
def recover_stale() -> dict[str, int]:
    settings = runtime.resources().settings
    return runtime.run(recover_stale_jobs(settings, ReportJob, ReportJobRepository,
                                          RUN_REPORT_JOB, QUEUE_REPORTING))


recover_when_ready(QUEUE_REPORTING, RECOVER_REPORT_JOBS)
