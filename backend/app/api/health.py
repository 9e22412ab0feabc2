from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import AppResources
from app.core.errors import ServiceUnavailable
from app.services.health import readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz():
    return {"data": {"status": "ok"}}


@router.get("/readyz", summary="Readiness: every configured backing service answers")
async def readyz(resources: AppResources):
    ready, services = await readiness(resources)
    if not ready:
        down = ", ".join(name for name, s in services.items() if s["status"] != "ok")
        raise ServiceUnavailable(f"Not ready: {down} unavailable.", code="NOT_READY",
                                 details={"services": services})
    return {"data": {"status": "ok", "services": services}}
