"""FastAPI dependencies: the database session, the signed-in user, authorisation, and
the shared resources built at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.api_key_format import API_KEY_PREFIX, looks_like_api_key
from app.core.client_address import client_address
from app.core.config import Settings
from app.core.database import get_database
from app.core.errors import Forbidden, Unauthorized
from app.core.logging import bind_context
from app.models.user import PERMISSIONS, User
from app.schemas.common import MAX_PER_PAGE, PageParams
from app.schemas.principal import Principal
from app.services.accounts.api_keys import ApiKeyAuthenticator, AuthenticatedKey
from app.services.accounts.auth import AuthService
from app.stores.resources import Resources

bearer_scheme = HTTPBearer(auto_error=False, scheme_name="bearer", description=(
    "An access token from /api/v1/auth/login, or an API key (`Authorization: Bearer "
    f"{API_KEY_PREFIX}...`)"))
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="apiKey",
                              description=(
    f"An API key ({API_KEY_PREFIX}...), made by a super admin under Settings → API keys"))


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


@dataclass(frozen=True)
class Credentials:
    """What a request presented: a person's access token, or an API key already checked."""

    token: str | None
    key: AuthenticatedKey | None


async def get_credentials(
    db: DbSession,
    settings: AppSettings,
    resources: AppResources,
    bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
    api_key: str | None = Depends(api_key_scheme),
) -> Credentials:
    """`X-API-Key` is only ever a key; a bearer credential is a key when it carries the key
    prefix, else an access token. A key is checked here, once per request (FastAPI reuses
    this answer), so that its rate limit counts each request once."""
    secret = api_key
    if not secret:
        if bearer is None or bearer.scheme.lower() != "bearer":
            raise Unauthorized()
        secret = bearer.credentials
        if not looks_like_api_key(secret):
            return Credentials(token=secret, key=None)
    key = await ApiKeyAuthenticator(db, settings, resources.limiter).authenticate(secret)
    bind_context(user_id=key.principal.id, factory_id=key.principal.factory_id,
                 api_key_id=key.key_id)
    return Credentials(token=None, key=key)


RequestCredentials = Annotated[Credentials, Depends(get_credentials)]


async def get_current_user(db: DbSession, settings: AppSettings, resources: AppResources,
                           credentials: RequestCredentials) -> User:
    if credentials.key is not None:
        return await ApiKeyAuthenticator(db, settings, resources.limiter).account(
            credentials.key)
    user = await AuthService(db, settings, resources.limiter).authenticate(
        credentials.token or "")
    bind_context(user_id=user.id, factory_id=user.factory_id)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_principal(db: DbSession, settings: AppSettings, resources: AppResources,
                        credentials: RequestCredentials) -> Principal:
    """The signed-in user (or API key) as far as authorising needs, without a database query
    while this process's copy is current: for routes on every dashboard refresh that only need
    the factory."""
    if credentials.key is not None:
        return credentials.key.principal
    principal = await AuthService(db, settings, resources.limiter).principal(
        credentials.token or "")
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
