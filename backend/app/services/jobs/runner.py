"""One attempt at a background job, as a worker runs it: claim it, report progress and a
heartbeat, honour cancellation between steps, store its files, and end it complete, failed
or (after a failure worth retrying) pending again. Shared by analytics and report jobs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError

from app.core.config import Settings
from app.core.database import session_scope
from app.core.logging import get_logger
from app.models.analytics_job import (
    JOB_COMPLETE,
    JOB_FAILED,
    JOB_PENDING,
    JOB_RUNNING,
    JobColumns,
)
from app.repositories.job_repo import JobRepository, jobs_needing_dispatch
from app.services.jobs.dispatch import dispatch
from app.stores.objects import ObjectStore, ObjectStoreUnavailable
from app.stores.timeseries import TimeSeriesUnavailable

log = get_logger(__name__)

JobT = TypeVar("JobT", bound=JobColumns)

RETRY_SECONDS = 30.0
# Failures of a backing service: the job goes back to pending and is tried again.
TRANSIENT_ERRORS = (TimeSeriesUnavailable, ObjectStoreUnavailable, OperationalError,
                    InterfaceError, ConnectionError, TimeoutError)


class JobCancelled(Exception):
    """The job was cancelled or deleted while it ran."""


class JobFailed(Exception):
    """A failure whose message is written for the person who asked for the job."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    name: str
    content_type: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "content_type": self.content_type,
                "size": self.size}


@dataclass
class JobOutput:
    result: dict[str, Any]
    object_key: str | None


def now_utc() -> datetime:
    return datetime.now(UTC)


def heartbeat_interval(settings: Settings) -> float:
    return max(0.5, settings.job_stale_seconds / 6)


@dataclass
class JobRun(Generic[JobT]):
    repository: type[JobRepository[JobT]]
    factory_id: int
    job_id: int
    settings: Settings
    objects: ObjectStore
    stored: list[StoredFile] = field(default_factory=list)
    _lost: bool = False

    async def _with_repo(self, operation: Callable[[JobRepository[JobT]], Awaitable[Any]]
                         ) -> Any:
        async with session_scope() as session:
            result = await operation(self.repository(session, self.factory_id))
            await session.commit()
            return result

    async def claim(self) -> JobT | None:
        async def take(repo: JobRepository[JobT]) -> JobT | None:
            if not await repo.claim(self.job_id, now_utc(), self.settings.job_max_attempts):
                return None
            return await repo.get(self.job_id)

        return await self._with_repo(take)

    async def progress(self, percent: int) -> None:
        """Record progress; raises JobCancelled when the job is no longer ours to run."""
        if self._lost or not await self._with_repo(
                lambda repo: repo.beat(self.job_id, now_utc(), max(0, min(99, percent)))):
            self._lost = True
            raise JobCancelled()

    @contextlib.asynccontextmanager
    async def heartbeat(self) -> AsyncIterator[None]:
        """Beats while the body runs, so that a long step (a model fit in a thread) still
        shows the job alive; a lost job is noticed at the next `progress`."""

        async def beat_forever() -> None:
            while True:
                await asyncio.sleep(heartbeat_interval(self.settings))
                try:
                    if not await self._with_repo(lambda r: r.beat(self.job_id, now_utc())):
                        self._lost = True
                        return
                except Exception as exc:  # a missed beat is retried at the next interval
                    log.warning("jobs.heartbeat_failed", job_id=self.job_id, error=str(exc))

        task = asyncio.create_task(beat_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def store(self, key: str, name: str, data: bytes, content_type: str) -> StoredFile:
        info = await self.objects.put_bytes(key, data, content_type)
        stored = StoredFile(key, name, content_type, info.size)
        self.stored.append(stored)
        return stored

    async def discard_files(self) -> None:
        for stored in self.stored:
            try:
                await self.objects.delete(stored.key)
            except ObjectStoreUnavailable as exc:
                log.warning("jobs.file_not_removed", key=stored.key, error=str(exc))
        self.stored.clear()

    async def complete(self, output: JobOutput) -> bool:
        result = {**output.result, "files": [f.as_dict() for f in self.stored]}
        return await self._with_repo(lambda repo: repo.finish(
            self.job_id, JOB_COMPLETE, now_utc(), progress=100, result=result,
            object_key=output.object_key, error=None))

    async def fail(self, message: str) -> None:
        await self._with_repo(lambda repo: repo.finish(
            self.job_id, JOB_FAILED, now_utc(), error=message[:2000]))

    async def release(self) -> None:
        await self._with_repo(lambda repo: repo.release(self.job_id, now_utc()))


async def execute(run: JobRun[JobT], work: Callable[[JobT, JobRun[JobT]], Awaitable[JobOutput]]
                  ) -> float | None:
    """Run one attempt. Returns seconds after which to try again, or None when done (or
    when there was nothing to do: the job is not pending, another worker holds it)."""
    job = await run.claim()
    if job is None:
        log.info("jobs.not_claimed", job_id=run.job_id, factory_id=run.factory_id)
        return None
    log.info("jobs.started", job_id=job.id, factory_id=job.factory_id, kind=job.kind,
             attempt=job.attempts)
    async with run.heartbeat():
        try:
            output = await work(job, run)
            if not await run.complete(output):
                raise JobCancelled()
            log.info("jobs.completed", job_id=job.id, factory_id=job.factory_id)
            return None
        except JobCancelled:
            await run.discard_files()
            log.info("jobs.cancelled", job_id=job.id, factory_id=job.factory_id)
            return None
        except JobFailed as exc:
            await run.discard_files()
            await run.fail(str(exc))
            log.info("jobs.failed", job_id=job.id, factory_id=job.factory_id, reason=str(exc))
            return None
        except TRANSIENT_ERRORS as exc:
            await run.discard_files()
            log.warning("jobs.interrupted", job_id=job.id, factory_id=job.factory_id,
                        error=str(exc)[:300], attempt=job.attempts)
            if job.attempts < run.settings.job_max_attempts:
                await run.release()
                return RETRY_SECONDS
            await run.fail("A service the job needs was unavailable, so it stopped after "
                           f"{job.attempts} attempts. Please run it again later.")
            return None
        except Exception as exc:
            await run.discard_files()
            log.exception("jobs.crashed", job_id=job.id, factory_id=job.factory_id)
            await run.fail(f"The job stopped on an unexpected error ({type(exc).__name__}). "
                           "Please try again; if it happens again, contact support.")
            return None


async def recover_stale_jobs(settings: Settings, model: type[JobT],
                             repository: type[JobRepository[JobT]], task: str,
                             queue: str) -> dict[str, int]:
    """The sweep: jobs whose worker died (running, no heartbeat for JOB_STALE_SECONDS) go
    back to pending, or fail once their attempts are spent; pending jobs whose message was
    lost are sent again. Safe to run anywhere, any number of times: a job is taken only by
    an update that still finds it stale."""
    now = now_utc()
    cutoff = now - timedelta(seconds=settings.job_stale_seconds)
    async with session_scope() as session:
        candidates = await jobs_needing_dispatch(session, model, cutoff)
    counts = {"requeued": 0, "failed": 0, "redispatched": 0}
    message = (f"The job was interrupted {settings.job_max_attempts} times (a worker "
               "stopped while running it) and was given up. Please run it again.")
    for factory_id, job_id, status in candidates:
        async with session_scope() as session:
            repo = repository(session, factory_id)
            if status == JOB_RUNNING:
                outcome = await repo.recover(job_id, cutoff, now, settings.job_max_attempts,
                                             message)
            else:
                outcome = JOB_PENDING if await repo.mark_dispatched(job_id, now) else None
            await session.commit()
        if outcome == JOB_PENDING:
            counts["requeued" if status == JOB_RUNNING else "redispatched"] += 1
            await dispatch(settings, task, queue, [factory_id, job_id])
        elif outcome == JOB_FAILED:
            counts["failed"] += 1
    if any(counts.values()):
        log.warning("jobs.recovered", table=model.__tablename__, **counts)
    return counts
