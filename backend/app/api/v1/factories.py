from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.deps import (
    AppSettings,
    ClientIp,
    CurrentUser,
    DbSession,
    Pagination,
    SuperAdmin,
)
from app.api.openapi import errors
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.factory import FactoryPublic, FactoryRead, FactoryUpdate
from app.services.factories.service import FactoryService

router = APIRouter(prefix="/factories", tags=["factories"])


async def get_factory_service(db: DbSession, settings: AppSettings) -> FactoryService:
    return FactoryService(db, settings)


Factories = Annotated[FactoryService, Depends(get_factory_service)]


@router.get("", operation_id="factories_list",
            responses=errors(404), response_model=ListEnvelope[FactoryPublic],
            summary="Public factory directory (id, name, slug) for the sign-in screen")
async def list_factories(service: Factories, page: Pagination,
                         search: Annotated[str | None, Query(max_length=100)] = None):
    items, total = await service.public_directory(page.offset, page.per_page, search)
    return list_envelope(items, total, page)


@router.get("/current", operation_id="factories_current", response_model=Envelope[FactoryRead],
            summary="The signed-in user's factory")
async def current_factory(user: CurrentUser, service: Factories):
    return {"data": await service.read(user.factory_id)}


@router.patch("/current", operation_id="factories_update_current",
              response_model=Envelope[FactoryRead],
              summary="Change the factory's name, time zone, currency, tariff, emission "
                      "factor and device options (super admin)")
async def update_current_factory(admin: SuperAdmin, body: FactoryUpdate, service: Factories,
                                 ip: ClientIp):
    return {"data": await service.update(admin.factory_id, body, actor_id=admin.id,
                                         client_ip=ip)}
