"""Every v1 router, mounted under /api/v1."""

from fastapi import APIRouter

from app.api.v1 import auth, factories

api_router = APIRouter(prefix="/api/v1")
for module in (auth, factories):
    api_router.include_router(module.router)
