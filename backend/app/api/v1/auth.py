from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from app.api.deps import AppResources, AppSettings, ClientIp, CurrentUser, DbSession
from app.api.openapi import errors
from app.schemas.auth import (
    Accepted,
    AcceptInviteRequest,
    AccountReady,
    ChangePasswordRequest,
    CurrentUserRead,
    ForgotPasswordRequest,
    LoginRequest,
    RefreshRequest,
    ResetPasswordRequest,
    TokenPair,
)
from app.schemas.common import Envelope
from app.services.accounts.auth import AuthService
from app.services.accounts.passwords import PasswordService
from app.services.accounts.users import UserService

router = APIRouter(prefix="/auth", tags=["auth"])


async def get_auth_service(db: DbSession, settings: AppSettings, resources: AppResources
                     ) -> AuthService:
    return AuthService(db, settings, resources.limiter)


Auth = Annotated[AuthService, Depends(get_auth_service)]


async def get_password_service(db: DbSession, settings: AppSettings, resources: AppResources
                         ) -> PasswordService:
    return PasswordService(db, settings, resources.limiter)


Passwords = Annotated[PasswordService, Depends(get_password_service)]

RESET_REQUESTED = ("If an active account with this email exists in this factory, a link to "
                   "reset its password has been sent.")


@router.post("/login", operation_id="auth_login",
             responses=errors(401, 429), response_model=Envelope[TokenPair],
             summary="Sign in to a factory with email and password")
async def login(body: LoginRequest, auth: Auth, ip: ClientIp):
    tokens = await auth.login(factory_id=body.factory_id, factory_slug=body.factory_slug,
                              email=body.email, password=body.password, client_ip=ip)
    return {"data": tokens}


@router.post("/refresh", operation_id="auth_refresh",
             responses=errors(401), response_model=Envelope[TokenPair],
             summary="Exchange a refresh token for new tokens (the old one is revoked)")
async def refresh(body: RefreshRequest, auth: Auth):
    return {"data": await auth.refresh(body.refresh_token)}


@router.post("/logout", operation_id="auth_logout",
             status_code=status.HTTP_204_NO_CONTENT,
             summary="Revoke a refresh token")
async def logout(body: RefreshRequest, auth: Auth) -> Response:
    await auth.logout(body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", operation_id="auth_me",
            response_model=Envelope[CurrentUserRead], summary="The signed-in user")
async def me(user: CurrentUser, db: DbSession):
    return {"data": await UserService(db, user.factory_id).me(user)}


@router.post("/accept-invite", operation_id="auth_accept_invite", responses=errors(400),
             response_model=Envelope[AccountReady],
             summary="Choose a password with the link of an invitation email, then sign in")
async def accept_invite(body: AcceptInviteRequest, passwords: Passwords, ip: ClientIp):
    return {"data": await passwords.accept_invite(
        factory_id=body.factory_id, factory_slug=body.factory_slug, token=body.token,
        password=body.password, full_name=body.full_name, client_ip=ip)}


@router.post("/forgot-password", operation_id="auth_forgot_password", responses=errors(429),
             status_code=status.HTTP_202_ACCEPTED,
             response_model=Envelope[Accepted],
             summary="Email a password-reset link; the answer is the same whether or not the "
                     "account exists")
async def forgot_password(body: ForgotPasswordRequest, passwords: Passwords, ip: ClientIp):
    await passwords.request_reset(factory_id=body.factory_id, factory_slug=body.factory_slug,
                                  email=body.email, client_ip=ip)
    return {"data": Accepted(message=RESET_REQUESTED)}


@router.post("/reset-password", operation_id="auth_reset_password", responses=errors(400),
             response_model=Envelope[AccountReady],
             summary="Choose a new password with the link of a reset email; every session of "
                     "the account ends")
async def reset_password(body: ResetPasswordRequest, passwords: Passwords, ip: ClientIp):
    return {"data": await passwords.reset(
        factory_id=body.factory_id, factory_slug=body.factory_slug, token=body.token,
        password=body.password, client_ip=ip)}


@router.post("/change-password", operation_id="auth_change_password", responses=errors(400, 429),
             response_model=Envelope[TokenPair],
             summary="Change the signed-in user's password; every other session ends and "
                     "this answer carries new tokens")
async def change_password(body: ChangePasswordRequest, user: CurrentUser,
                          passwords: Passwords, ip: ClientIp):
    return {"data": await passwords.change(
        user, current_password=body.current_password, new_password=body.new_password,
        client_ip=ip)}
