from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.api.deps import (
    AppSettings,
    ClientIp,
    CurrentUser,
    DbSession,
    Pagination,
    SuperAdmin,
)
from app.api.openapi import errors
from app.models.user import User
from app.repositories.user_repo import UserFilters
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.user import (
    DirectoryEntry,
    Role,
    UserInvite,
    UserInvited,
    UserRead,
    UserUpdate,
)
from app.services.accounts.users import UserService

router = APIRouter(prefix="/users", tags=["users"])

# Ids are BIGINT; a larger number could never match and must not reach the driver.
MAX_ID = 2**63 - 1
# An answer carrying an invitation link holds a secret: no cache may keep it.
NO_STORE = {"Cache-Control": "no-store"}


async def get_user_service(admin: SuperAdmin, db: DbSession, settings: AppSettings, ip: ClientIp
                     ) -> UserService:
    return UserService(db, admin.factory_id, settings=settings, actor=admin, client_ip=ip)


Users = Annotated[UserService, Depends(get_user_service)]


async def get_directory_service(user: CurrentUser, db: DbSession) -> UserService:
    return UserService(db, user.factory_id)


Directory = Annotated[UserService, Depends(get_directory_service)]


async def load_user(user_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Users) -> User:
    return await service.load(user_id)


UserDep = Annotated[User, Depends(load_user)]


@router.get("", operation_id="users_list", response_model=ListEnvelope[UserRead],
            summary="The factory's users, invited and deactivated ones included (super admin)")
async def list_users(
    service: Users,
    page: Pagination,
    role: Role | None = None,
    is_active: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Contained in email or name "
                                                               "(case-insensitive)")] = None,
):
    filters = UserFilters(role=role, is_active=is_active, q=q or None)
    items, total = await service.search(filters, page)
    return list_envelope(items, total, page)


@router.post("", operation_id="users_invite", responses=errors(409),
             status_code=status.HTTP_201_CREATED, response_model=Envelope[UserInvited],
             summary="Invite a user: they get an email with a single-use link to choose a "
                     "password; with email off the link is in the answer (super admin)")
async def invite_user(body: UserInvite, service: Users, response: Response):
    response.headers.update(NO_STORE)
    return {"data": await service.invite(body)}


# Declared before /{user_id}, which would otherwise take "directory" for an id.
@router.get("/directory", operation_id="users_directory",
            response_model=ListEnvelope[DirectoryEntry],
            summary="The factory's active users by name and email, to pick from (every user)")
async def user_directory(
    service: Directory,
    page: Pagination,
    q: Annotated[str | None, Query(max_length=200, description="Contained in email or name "
                                                               "(case-insensitive)")] = None,
):
    items, total = await service.directory(q or None, page)
    return list_envelope(items, total, page)


@router.get("/{user_id}", operation_id="users_get",
            response_model=Envelope[UserRead], summary="One user (super admin)")
async def get_user(user: UserDep, service: Users):
    return {"data": service.read(user)}


@router.patch("/{user_id}", operation_id="users_update",
              responses=errors(409), response_model=Envelope[UserRead],
              summary="Change a user's name, role or permissions (super admin)")
async def update_user(user: UserDep, body: UserUpdate, service: Users):
    return {"data": await service.update(user, body)}


@router.post("/{user_id}/resend-invite", operation_id="users_resend_invite", responses=errors(409),
             response_model=Envelope[UserInvited],
             summary="Email a new invitation link; the previous link stops working; with "
                     "email off the link is in the answer (super admin)")
async def resend_invite(user: UserDep, service: Users, response: Response):
    response.headers.update(NO_STORE)
    return {"data": await service.resend_invite(user)}


@router.post("/{user_id}/deactivate", operation_id="users_deactivate", responses=errors(409),
             response_model=Envelope[UserRead],
             summary="Stop a user from signing in; they are signed out everywhere at "
                     "once (super admin)")
async def deactivate_user(user: UserDep, service: Users):
    return {"data": await service.deactivate(user)}


@router.post("/{user_id}/reactivate", operation_id="users_reactivate",
             response_model=Envelope[UserRead],
             summary="Let a deactivated user sign in again (super admin)")
async def reactivate_user(user: UserDep, service: Users):
    return {"data": await service.reactivate(user)}
