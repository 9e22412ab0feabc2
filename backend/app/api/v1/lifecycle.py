from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import AppResources, ClientIp, CurrentUser, DbSession, SuperAdmin
from app.schemas.common import Envelope
from app.schemas.lifecycle import DataLifecycleRead, RetentionUpdate
from app.services.lifecycle.service import DataLifecycleService

router = APIRouter(prefix="/factories/current", tags=["factories"])


async def get_lifecycle_service(user: CurrentUser, db: DbSession, resources: AppResources
                                ) -> DataLifecycleService:
    return DataLifecycleService(db, resources, user.factory_id)


Lifecycle = Annotated[DataLifecycleService, Depends(get_lifecycle_service)]


@router.get("/data-lifecycle", operation_id="factories_data_lifecycle",
            response_model=Envelope[DataLifecycleRead],
            summary="How long the factory keeps each kind of data, what it stores and how far "
                    "its rollups reach")
async def data_lifecycle(service: Lifecycle):
    return {"data": await service.overview()}


@router.patch("/retention", operation_id="factories_update_retention",
              response_model=Envelope[DataLifecycleRead],
              summary="Change how long the factory keeps raw points, rollups and metadata "
                      "(super admin)")
async def update_retention(admin: SuperAdmin, body: RetentionUpdate, service: Lifecycle,
                           ip: ClientIp):
    return {"data": await service.update_retention(body, actor_id=admin.id, client_ip=ip)}
