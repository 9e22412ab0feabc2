"""FastAPI dependencies: the database session, the signed-in user, authorisation, and
the shared resources built at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.client_address import client_address
from app.core.config import Settings
from app.core.database import get_database
from app.core.errors import Forbidden, Unauthorized
from app.core.logging import bind_context
from app.models.user import PERMISSIONS, User
from app.schemas.common import MAX_PER_PAGE, PageParams
from app.schemas.principal import Principal
from app.services.accounts.auth import AuthService
from app.stores.resources import Resources

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/login")


async def get_db() -> AsyncIterator[AsyncSession]:
    async with get_database().sessionmaker() as session:
        yield session


# Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
# dependency in its thread pool, and that hop costs more than the work on every request.
async def get_resources(request: Request) -> Resources:
    return request.app.state.resources


async def get_app_settings(request: Request) -> Settings:
    """The settings the running app was built with (tests build apps with variants)."""
    return request.app.state.resources.settings


DbSession = Annotated[AsyncSession, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_app_settings)]
AppResources = Annotated[Resources, Depends(get_resources)]


async def get_current_user(
    db: DbSession,
    settings: AppSettings,
    resources: AppResources,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    user = await AuthService(db, settings, resources.limiter).authenticate(
        credentials.credentials)
    bind_context(user_id=user.id, factory_id=user.factory_id)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_principal(
    db: DbSession,
    settings: AppSettings,
    resources: AppResources,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Principal:
    """The signed-in user as far as authorising needs, without a database query while this
    process's copy is current: for routes on every dashboard refresh that only need the
    factory."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    principal = await AuthService(db, settings, resources.limiter).principal(
        credentials.credentials)
    bind_context(user_id=principal.id, factory_id=principal.factory_id)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def require_super_admin(user: CurrentUser) -> User:
    if not user.is_super_admin:
        raise Forbidden("Only a super admin can do this.", code="SUPER_ADMIN_REQUIRED")
    return user


# Marked like `require_permission` so that the permission matrix test can find these routes.
require_super_admin.super_admin_only = True  # type: ignore[attr-defined]

SuperAdmin = Annotated[User, Depends(require_super_admin)]


def require_permission(name: str) -> Callable[..., User]:
    if name not in PERMISSIONS:
        raise ValueError(f"unknown permission {name!r}")

    async def dependency(user: CurrentUser) -> User:
        if not user.has_permission(name):
            raise Forbidden(f"This needs the '{name}' permission.",
                            code="PERMISSION_DENIED", details={"permission": name})
        return user

    # Marked so that the permission matrix test can read each route's requirement.
    dependency.required_permission = name  # type: ignore[attr-defined]
    return dependency


async def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number")] = 1,
    per_page: Annotated[int, Query(ge=1, description=f"Page size, at most {MAX_PER_PAGE}")] = 20,
) -> PageParams:
    return PageParams(page=page, per_page=min(per_page, MAX_PER_PAGE))


Pagination = Annotated[PageParams, Depends(page_params)]


async def client_ip(request: Request, settings: AppSettings) -> str:
    return client_address(request.client.host if request.client else None,
                          request.headers.get("x-forwarded-for"), settings.trusted_proxies)


ClientIp = Annotated[str, Depends(client_ip)]
