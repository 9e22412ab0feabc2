"""What the API does with any background job once it exists: list, read with download
links, cancel and delete (with its files). Analytics and report services add `create`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, not_found
from app.core.logging import get_logger
from app.models.analytics_job import (
    JOB_CANCELLED,
    JOB_COMPLETE,
    JOB_PENDING,
    JOB_RUNNING,
    JobColumns,
)
from app.repositories.job_repo import JobRepository
from app.schemas.common import PageParams
from app.schemas.job import JobFile, JobRead
from app.services.jobs.dispatch import dispatch
from app.services.jobs.files import FileService
from app.stores.resources import Resources

log = get_logger(__name__)

JobT = TypeVar("JobT", bound=JobColumns)
ReadT = TypeVar("ReadT", bound=JobRead)


class JobService(Generic[JobT, ReadT]):
    repository_class: type[JobRepository]
    read_model: type[ReadT]   # what the routes answer for a job of this kind
    entity: str          # for not_found(): "job" → JOB_NOT_FOUND
    task: str
    queue: str

    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int, *,
                 actor_id: int | None = None) -> None:
        self.session = session
        self.resources = resources
        self.settings = resources.settings
        self.factory_id = factory_id
        self.actor_id = actor_id
        self.jobs: JobRepository[JobT] = self.repository_class(session, factory_id)
        self.files = FileService(resources.objects, self.settings.download_link_seconds)

    async def load(self, job_id: int) -> JobT:
        job = await self.jobs.get(job_id)
        if job is None:
            raise not_found(self.entity)
        return job

    async def search(self, kind: str | None, status: str | None, page: PageParams
                     ) -> tuple[list[ReadT], int]:
        jobs, total = await self.jobs.list_page(kind=kind, status=status, offset=page.offset,
                                                limit=page.per_page)
        return [await self.read(job) for job in jobs], total

    async def read(self, job: JobT) -> ReadT:
        result = dict(job.result or {}) if job.status == JOB_COMPLETE else None
        stored = (result or {}).pop("files", []) if result is not None else []
        files = []
        download_url = None
        for item in stored:
            url = await self.files.link(self.factory_id, item["key"], item["name"])
            files.append(JobFile(key=item["key"], name=item["name"],
                                 content_type=item["content_type"], size=item["size"],
                                 url=url))
            if item["key"] == job.object_key:
                download_url = url
        return self.read_model(
            id=job.id, kind=job.kind, status=job.status, progress=job.progress,
            request=job.parameters or {}, result=result, error=job.error,
            attempts=job.attempts, created_by=job.created_by,
            created_at=job.created_at, started_at=job.started_at,
            completed_at=job.completed_at, download_url=download_url, files=files,
            **self.extra_fields(job),
        )

    def extra_fields(self, job: JobT) -> dict[str, Any]:
        """The values of the fields `read_model` adds to JobRead."""
        return {}

    async def submit(self, job: JobT) -> ReadT:
        """Store a new job and hand it to the queue; the answer does not wait for the work."""
        now = datetime.now(UTC)
        job.status, job.progress, job.attempts = JOB_PENDING, 0, 0
        job.created_by, job.created_at, job.heartbeat_at = self.actor_id, now, now
        self.jobs.add(job)
        await self.session.commit()
        sent = await dispatch(self.settings, self.task, self.queue, [self.factory_id, job.id])
        log.info("jobs.created", job_id=job.id, kind=job.kind, dispatched=sent)
        return await self.read(job)

    async def cancel(self, job: JobT) -> ReadT:
        now = datetime.now(UTC)
        if not await self.jobs.set_status(job.id, (JOB_PENDING, JOB_RUNNING), JOB_CANCELLED,
                                          now):
            status = await self.jobs.status_of(job.id)
            raise Conflict(f"The job is already {status} and cannot be cancelled.",
                           code="JOB_FINISHED", details={"status": status})
        await self.session.commit()
        job_id = job.id
        # Reloaded through the scoped repository, never by a bare primary-key refresh.
        self.session.expire(job)
        fresh = await self.jobs.get(job_id)
        log.info("jobs.cancelled_by_user", job_id=job_id)
        return await self.read(fresh or job)

    async def delete(self, job: JobT) -> None:
        # A running job is told to stop first: its worker notices at the next step and
        # removes whatever it had stored.
        await self.jobs.set_status(job.id, (JOB_PENDING, JOB_RUNNING), JOB_CANCELLED,
                                   datetime.now(UTC))
        keys = [item["key"] for item in (job.result or {}).get("files", [])]
        if job.object_key and job.object_key not in keys:
            keys.append(job.object_key)
        await self.files.delete_all(keys)
        await self.jobs.delete(job)
        await self.session.commit()
        log.info("jobs.deleted", job_id=job.id, files=len(keys))
