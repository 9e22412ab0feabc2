"""SQL of background jobs (analytics and report jobs share their columns). Life-cycle
changes are conditional updates: the status a change starts from is part of its WHERE, so
two workers, or a worker and a user cancelling, can never both win."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.analytics_job import JOB_FAILED, JOB_PENDING, JOB_RUNNING, JobColumns
from app.repositories.base import TenantRepository

JobT = TypeVar("JobT", bound=JobColumns)


class JobRepository(TenantRepository[JobT], Generic[JobT]):
    async def list_page(self, *, kind: str | None, status: str | None, offset: int,
                        limit: int) -> tuple[list[JobT], int]:
        stmt = self.select()
        if kind:
            stmt = stmt.where(self.model.kind == kind)
        if status:
            stmt = stmt.where(self.model.status == status)
        return await self.page(stmt, offset=offset, limit=limit,
                               order_by=(self.model.created_at.desc(), self.model.id.desc()))

    async def status_of(self, job_id: int) -> str | None:
        result = await self.session.execute(
            self.select(self.model.status).where(self.model.id == job_id))
        return result.scalar_one_or_none()

    async def _change(self, job_id: int, *where: Any, **values: Any) -> bool:
        stmt = (self.update().where(self.model.id == job_id, *where).values(**values)
                .execution_options(synchronize_session=False))
        result = await self.session.execute(stmt)
        return result.rowcount == 1

    async def claim(self, job_id: int, now: datetime, max_attempts: int) -> bool:
        return await self._change(
            job_id, self.model.status == JOB_PENDING, self.model.attempts < max_attempts,
            status=JOB_RUNNING, attempts=self.model.attempts + 1, progress=0,
            started_at=now, heartbeat_at=now, error=None)

    async def beat(self, job_id: int, now: datetime, progress: int | None = None) -> bool:
        values: dict[str, Any] = {"heartbeat_at": now}
        if progress is not None:
            values["progress"] = progress
        return await self._change(job_id, self.model.status == JOB_RUNNING, **values)

    async def finish(self, job_id: int, status: str, now: datetime, **values: Any) -> bool:
        return await self._change(job_id, self.model.status == JOB_RUNNING, status=status,
                                  completed_at=now, heartbeat_at=now, **values)

    async def release(self, job_id: int, now: datetime) -> bool:
        """Back to pending after a failure worth retrying."""
        return await self._change(job_id, self.model.status == JOB_RUNNING,
                                  status=JOB_PENDING, heartbeat_at=now)

    async def mark_dispatched(self, job_id: int, now: datetime) -> bool:
        return await self._change(job_id, self.model.status == JOB_PENDING, heartbeat_at=now)

    async def set_status(self, job_id: int, from_statuses: tuple[str, ...], status: str,
                         now: datetime) -> bool:
        return await self._change(job_id, self.model.status.in_(from_statuses),
                                  status=status, completed_at=now)

    async def recover(self, job_id: int, cutoff: datetime, now: datetime,
                      max_attempts: int, message: str) -> str | None:
        """A job whose worker stopped reporting before `cutoff`: pending again while it has
        attempts left, failed otherwise. Returns the new status, None if it moved on."""
        stale = (self.model.status == JOB_RUNNING, self.model.heartbeat_at < cutoff)
        if await self._change(job_id, *stale, self.model.attempts < max_attempts,
                              status=JOB_PENDING, heartbeat_at=now):
            return JOB_PENDING
        if await self._change(job_id, *stale, status=JOB_FAILED, error=message,
                              completed_at=now):
            return JOB_FAILED
        return None


async def jobs_needing_dispatch(session: AsyncSession, model: type[JobColumns],
                                cutoff: datetime) -> list[tuple[int, int, str]]:
    """(factory_id, job_id, status) of every factory's jobs that no worker is known to
    hold: running with a heartbeat older than `cutoff`, or pending and last sent to the
    queue before it (the message was lost, or the broker was down)."""
    stmt = (select(model.factory_id, model.id, model.status)
            .where(model.status.in_((JOB_RUNNING, JOB_PENDING)),
                   model.heartbeat_at < cutoff)
            .order_by(model.id).limit(500)
            # Deliberately across factories: one sweep recovers every tenant's jobs, each
            # then handled through a repository scoped to its own factory.
            .execution_options(cross_tenant=True))
    rows = await session.execute(stmt)
    return [(int(f), int(j), s) for f, j, s in rows]
