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
from app.models.analytics_job import ReportJob
from app.models.user import User
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.job import MAX_ID, JobStatus
from app.schemas.report import ReportCreate, ReportKind, ReportRead
from app.services.reports.service import ReportService

router = APIRouter(prefix="/reports", tags=["reports"])


async def get_report_service(user: CurrentUser, db: DbSession, resources: AppResources
                       ) -> ReportService:
    return ReportService(db, resources, user.factory_id, actor_id=user.id)


Reports = Annotated[ReportService, Depends(get_report_service)]
GenerateReports = Annotated[User, Depends(require_permission("generate_reports"))]


async def load_report(report_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Reports
                      ) -> ReportJob:
    return await service.load(report_id)


ReportDep = Annotated[ReportJob, Depends(load_report)]


@router.post("", operation_id="reports_create",
             status_code=status.HTTP_202_ACCEPTED, response_model=Envelope[ReportRead],
             summary="Generate a PDF or Excel report; answers at once with the pending job")
async def create_report(_: GenerateReports, body: ReportCreate, service: Reports):
    return {"data": await service.create(body)}


@router.get("", operation_id="reports_list", response_model=ListEnvelope[ReportRead],
            summary="The factory's reports, newest first")
async def list_reports(service: Reports, page: Pagination, kind: ReportKind | None = None,
                       status_: Annotated[JobStatus | None, Query(alias="status")] = None):
    items, total = await service.search(kind, status_, page)
    return list_envelope(items, total, page)


@router.get("/{report_id}", operation_id="reports_get", response_model=Envelope[ReportRead],
            summary="A report's status and, once complete, its download link")
async def get_report(report: ReportDep, service: Reports):
    return {"data": await service.read(report)}


@router.post("/{report_id}/cancel", operation_id="reports_cancel", responses=errors(409),
             response_model=Envelope[ReportRead],
             summary="Stop a pending or running report")
async def cancel_report(report: ReportDep, _: GenerateReports, service: Reports):
    return {"data": await service.cancel(report)}


@router.delete("/{report_id}", operation_id="reports_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a report and its file")
async def delete_report(report: ReportDep, _: GenerateReports, service: Reports) -> Response:
    await service.delete(report)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
