from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.api.deps import (
    AppResources,
    CurrentUser,
    DbSession,
    Pagination,
    require_permission,
)
from app.api.openapi import errors
from app.models.analytics_job import AnalyticsJob
from app.models.user import User
from app.schemas.analytics import AnalyticsJobCreate, AnalyticsJobRead, AnalyticsKind
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.job import MAX_ID, JobStatus
from app.services.analytics.service import AnalyticsService

router = APIRouter(prefix="/analytics", tags=["analytics"])


async def get_analytics_service(user: CurrentUser, db: DbSession, resources: AppResources
                          ) -> AnalyticsService:
    return AnalyticsService(db, resources, user.factory_id, actor_id=user.id)


Analytics = Annotated[AnalyticsService, Depends(get_analytics_service)]
RunAnalytics = Annotated[User, Depends(require_permission("run_analytics"))]


async def load_job(job_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Analytics
                   ) -> AnalyticsJob:
    return await service.load(job_id)


JobDep = Annotated[AnalyticsJob, Depends(load_job)]


@router.post("/jobs", operation_id="analytics_jobs_create", status_code=status.HTTP_202_ACCEPTED,
             response_model=Envelope[AnalyticsJobRead],
             summary="Start an anomaly detection or energy forecast; answers at once with the "
                     "pending job")
async def create_job(_: RunAnalytics, body: AnalyticsJobCreate, service: Analytics):
    return {"data": await service.create(body)}


@router.get("/jobs", operation_id="analytics_jobs_list",
            response_model=ListEnvelope[AnalyticsJobRead],
            summary="The factory's analytics jobs, newest first")
async def list_jobs(service: Analytics, page: Pagination,
                    kind: AnalyticsKind | None = None,
                    status_: Annotated[JobStatus | None, Query(alias="status")] = None):
    items, total = await service.search(kind, status_, page)
    return list_envelope(items, total, page)


@router.get("/jobs/{job_id}", operation_id="analytics_jobs_get",
            response_model=Envelope[AnalyticsJobRead],
            summary="A job's status, progress, result summary and download links")
async def get_job(job: JobDep, service: Analytics):
    return {"data": await service.read(job)}


@router.post("/jobs/{job_id}/cancel", operation_id="analytics_jobs_cancel", responses=errors(409),
             response_model=Envelope[AnalyticsJobRead],
             summary="Stop a pending or running job; its worker stops at the next step")
async def cancel_job(job: JobDep, _: RunAnalytics, service: Analytics):
    return {"data": await service.cancel(job)}


@router.delete("/jobs/{job_id}", operation_id="analytics_jobs_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a job and its result files")
async def delete_job(job: JobDep, _: RunAnalytics, service: Analytics) -> Response:
    await service.delete(job)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
