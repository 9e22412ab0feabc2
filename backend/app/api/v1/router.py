"""Every v1 router, mounted under /api/v1."""

from fastapi import APIRouter

from app.api.v1 import auth, devices, factories

api_router = APIRouter(prefix="/api/v1")
for module in (auth, factories, devices):
    api_router.include_router(module.router)
