from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import AppResources
from app.api.openapi import errors
from app.core.errors import ServiceUnavailable
from app.services.health import readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health_live", summary="Liveness: the process answers")
async def healthz():
    return {"data": {"status": "ok"}}


@router.get("/readyz", operation_id="health_ready", responses=errors(503),
            summary="Readiness: every configured backing service answers")
async def readyz(resources: AppResources):
    ready, services = await readiness(resources)
    if not ready:
        down = ", ".join(name for name, s in services.items() if s["status"] != "ok")
        raise ServiceUnavailable(f"Not ready: {down} unavailable.", code="NOT_READY",
                                 details={"services": services})
    return {"data": {"status": "ok", "services": services}}
