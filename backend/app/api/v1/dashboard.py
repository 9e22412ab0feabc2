from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import AppResources, CurrentPrincipal, DbSession
from app.schemas.common import Envelope
from app.schemas.dashboard import DashboardSummary
from app.services.energy.dashboard import DashboardService

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


async def get_dashboard_service(principal: CurrentPrincipal, db: DbSession,
                                resources: AppResources) -> DashboardService:
    return DashboardService(db, resources, principal.factory_id)


Dashboard = Annotated[DashboardService, Depends(get_dashboard_service)]


@router.get("/summary", operation_id="dashboard_summary", response_model=Envelope[DashboardSummary],
            summary="The factory at a glance: devices, alerts, energy, load and top consumers")
async def dashboard_summary(service: Dashboard):
    return {"data": await service.summary()}
