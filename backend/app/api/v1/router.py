"""Every v1 router, mounted under /api/v1."""

from fastapi import APIRouter

from app.api.v1 import (
    alerts,
    analytics,
    api_keys,
    assets,
    audit,
    auth,
    callbacks,
    dashboard,
    devices,
    energy,
    factories,
    files,
    ingest,
    kpis,
    lifecycle,
    maintenance,
    mqtt,
    notifications,
    production,
    report_schedules,
    reports,
    rules,
    shifts,
    telemetry,
    users,
)

api_router = APIRouter(prefix="/api/v1")
# Schedules before reports: /reports/schedules must not be read as /reports/{report_id}.
for module in (auth, factories, devices, maintenance, kpis, telemetry, energy, assets,
               production, shifts, dashboard, rules, alerts, users, api_keys, audit, mqtt,
               analytics, report_schedules, reports, files, notifications, callbacks, ingest):
    api_router.include_router(module.router)
# Retention and storage of the factory, beside its settings.
api_router.include_router(lifecycle.router)
