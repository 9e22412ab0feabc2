from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from app.api.deps import (
    AppResources,
    CurrentUser,
    DbSession,
    Pagination,
    require_permission,
)
from app.models.report_schedule import ReportSchedule
from app.models.user import User
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.job import MAX_ID
from app.schemas.report_schedule import ScheduleCreate, ScheduleRead, ScheduleUpdate
from app.services.reports.schedules import ReportScheduleService

router = APIRouter(prefix="/reports/schedules", tags=["reports"])


async def get_schedule_service(user: CurrentUser, db: DbSession, resources: AppResources
                         ) -> ReportScheduleService:
    return ReportScheduleService(db, resources, user.factory_id, actor_id=user.id)


Schedules = Annotated[ReportScheduleService, Depends(get_schedule_service)]
GenerateReports = Annotated[User, Depends(require_permission("generate_reports"))]


async def load_schedule(schedule_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                        service: Schedules) -> ReportSchedule:
    return await service.load(schedule_id)


ScheduleDep = Annotated[ReportSchedule, Depends(load_schedule)]


@router.post("", operation_id="report_schedules_create",
             status_code=status.HTTP_201_CREATED, response_model=Envelope[ScheduleRead],
             summary="Send a report by email every day, week or month")
async def create_schedule(_: GenerateReports, body: ScheduleCreate, service: Schedules):
    return {"data": await service.create(body)}


@router.get("", operation_id="report_schedules_list",
            response_model=ListEnvelope[ScheduleRead], summary="The report schedules")
async def list_schedules(service: Schedules, page: Pagination):
    items, total = await service.search(page)
    return list_envelope(items, total, page)


@router.get("/{schedule_id}", operation_id="report_schedules_get",
            response_model=Envelope[ScheduleRead], summary="One schedule")
async def get_schedule(schedule: ScheduleDep, service: Schedules):
    return {"data": await service.read(schedule)}


@router.patch("/{schedule_id}", operation_id="report_schedules_update",
              response_model=Envelope[ScheduleRead],
              summary="Edit a schedule; a new cadence or reactivation starts from now")
async def update_schedule(schedule: ScheduleDep, _: GenerateReports, body: ScheduleUpdate,
                          service: Schedules):
    return {"data": await service.update(schedule, body)}


@router.delete("/{schedule_id}", operation_id="report_schedules_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a schedule; reports it produced stay")
async def delete_schedule(schedule: ScheduleDep, _: GenerateReports, service: Schedules
                          ) -> Response:
    await service.delete(schedule)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
