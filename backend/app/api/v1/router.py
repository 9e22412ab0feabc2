"""Every v1 router, mounted under /api/v1."""

from fastapi import APIRouter

from app.api.v1 import (
    alerts,
    audit,
    auth,
    dashboard,
    devices,
    energy,
    factories,
    kpis,
    mqtt,
    rules,
    telemetry,
    users,
)

api_router = APIRouter(prefix="/api/v1")
for module in (auth, factories, devices, kpis, telemetry, energy, dashboard, rules, alerts,
               users, audit, mqtt):
    api_router.include_router(module.router)
