from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from app.core.dependencies import AppResources, AppSettings, ClientIp, CurrentUser, DbSession
from app.schemas.auth import CurrentUserRead, LoginRequest, RefreshRequest, TokenPair
from app.schemas.common import Envelope
from app.services.auth_service import AuthService, IssuedTokens
from app.services.user_service import UserService, current_user_view

router = APIRouter(prefix="/auth", tags=["auth"])


def get_auth_service(db: DbSession, settings: AppSettings, resources: AppResources
                     ) -> AuthService:
    return AuthService(db, settings, resources.limiter)


Auth = Annotated[AuthService, Depends(get_auth_service)]


def _token_pair(tokens: IssuedTokens) -> dict:
    return {"data": {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "token_type": "bearer",
        "expires_in": tokens.expires_in,
        "user": current_user_view(tokens.user, tokens.factory),
    }}


@router.post("/login", response_model=Envelope[TokenPair],
             summary="Sign in to a factory with email and password")
async def login(body: LoginRequest, auth: Auth, ip: ClientIp):
    tokens = await auth.login(factory_id=body.factory_id, factory_slug=body.factory_slug,
                              email=body.email, password=body.password, client_ip=ip)
    return _token_pair(tokens)


@router.post("/refresh", response_model=Envelope[TokenPair],
             summary="Exchange a refresh token for new tokens (the old one is revoked)")
async def refresh(body: RefreshRequest, auth: Auth):
    return _token_pair(await auth.refresh(body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT,
             summary="Revoke a refresh token")
async def logout(body: RefreshRequest, auth: Auth) -> Response:
    await auth.logout(body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=Envelope[CurrentUserRead], summary="The signed-in user")
async def me(user: CurrentUser, db: DbSession):
    return {"data": await UserService(db, user.factory_id).me(user)}
