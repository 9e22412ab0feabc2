"""The users of a factory: invitations, roles and permissions, deactivation. Users are never
deleted: alerts they acknowledged and entries of the audit trail keep pointing at them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, ValidationFailed, not_found
from app.core.logging import get_logger
from app.core.security import hash_password
from app.models.factory import Factory
from app.models.user import PERMISSIONS, ROLE_SUPER_ADMIN, ROLES, User
from app.repositories.factory_repo import FactoryRepository
from app.repositories.user_repo import UserFilters, UserRepository
from app.schemas.auth import CurrentUserRead
from app.schemas.common import PageParams
from app.schemas.factory import FactoryBrief
from app.schemas.user import DirectoryEntry, UserInvite, UserInvited, UserRead, UserUpdate
from app.services.accounts.mail import AccountMailer
from app.services.accounts.tokens import INVITE, RESET, UserTokens
from app.services.audit.service import AuditService

log = get_logger(__name__)


def current_user_view(user: User, factory: Factory) -> CurrentUserRead:
    return CurrentUserRead(
        id=user.id, factory_id=user.factory_id, email=user.email, full_name=user.full_name,
        role=user.role, permissions=sorted(user.permissions or []), is_active=user.is_active,
        last_login_at=user.last_login_at, factory=FactoryBrief.model_validate(factory))


def user_status(user: User) -> str:
    if not user.is_active:
        return "deactivated"
    return "invited" if user.hashed_password is None else "active"


def user_view(user: User) -> UserRead:
    return UserRead(
        id=user.id, email=user.email, full_name=user.full_name, role=user.role,
        permissions=sorted(user.permissions or []), phone=user.phone,
        is_active=user.is_active, status=user_status(user), invited_at=user.invited_at,
        last_login_at=user.last_login_at, created_at=user.created_at,
        updated_at=user.updated_at)


def invited_view(user: User, invite_link: str | None) -> UserInvited:
    return UserInvited(**dict(user_view(user)), invite_link=invite_link)


class UserService:
    def __init__(self, session: AsyncSession, factory_id: int, *,
                 settings: Settings | None = None, actor: User | None = None,
                 client_ip: str | None = None) -> None:
        self.session = session
        self.factory_id = factory_id
        self.settings = settings
        self.actor = actor
        self.client_ip = client_ip
        self.users = UserRepository(session, factory_id)
        self.tokens = UserTokens(session, factory_id)
        self.audit = AuditService(session, factory_id)

    async def me(self, user: User) -> CurrentUserRead:
        return current_user_view(user, await self._factory())

    async def create(self, *, email: str, password: str | None, full_name: str = "",
                     role: str = "user", permissions: list[str] | None = None,
                     phone: str | None = None) -> User:
        email = email.strip().lower()
        if role not in ROLES:
            raise ValidationFailed(f"Unknown role {role!r}.", code="INVALID_ROLE")
        unknown = set(permissions or []) - set(PERMISSIONS)
        if unknown:
            raise ValidationFailed(f"Unknown permissions: {', '.join(sorted(unknown))}.",
                                   code="INVALID_PERMISSION")
        if await self.users.get_by_email(email) is not None:
            raise _user_exists()
        user = self.users.add(User(
            email=email, full_name=full_name, role=role,
            permissions=sorted(set(permissions or [])), phone=phone,
            hashed_password=hash_password(password) if password else None,
            invited_at=None if password else datetime.now(UTC)))
        try:
            # The unique (factory, email) index decides between two concurrent invitations.
            await self.session.flush()
        except IntegrityError as exc:
            await self.session.rollback()
            raise _user_exists() from exc
        return user

    # -- the directory: who can be picked, for any signed-in user --------------------------
    async def directory(self, q: str | None, page: PageParams
                        ) -> tuple[list[DirectoryEntry], int]:
        users, total = await self.users.list_page(UserFilters(is_active=True, q=q),
                                                  offset=page.offset, limit=page.per_page)
        return [DirectoryEntry.model_validate(u) for u in users], total

    # -- the users API (a super admin acting) ----------------------------------------------
    async def load(self, user_id: int) -> User:
        user = await self.users.get_person(user_id)
        if user is None:
            raise not_found("user")
        return user

    @staticmethod
    def read(user: User) -> UserRead:
        return user_view(user)

    async def search(self, filters: UserFilters, page: PageParams
                     ) -> tuple[list[UserRead], int]:
        users, total = await self.users.list_page(filters, offset=page.offset,
                                                  limit=page.per_page)
        return [user_view(u) for u in users], total

    async def invite(self, body: UserInvite) -> UserInvited:
        factory = await self._factory()
        user = await self.create(email=body.email, password=None, full_name=body.full_name,
                                 role=body.role, permissions=body.permissions, phone=body.phone)
        link = await self.tokens.new_link(user, INVITE, self._invite_lifetime())
        self._record("user.invited", user, {"email": user.email, "role": user.role,
                                            "permissions": user.permissions})
        await self.session.commit()
        log.info("user.invited", invited_user_id=user.id)
        unsent_link = await self._mailer().send_invitation(
            factory=factory, user=user, token=link.token, expires_at=link.expires_at,
            invited_by=self.actor)
        return invited_view(user, unsent_link)

    async def resend_invite(self, user: User) -> UserInvited:
        if not user.is_active:
            raise Conflict("This user is deactivated: reactivate them first.",
                           code="USER_INACTIVE")
        if user.hashed_password is not None:
            raise Conflict("This user has already accepted the invitation.",
                           code="INVITE_ALREADY_ACCEPTED")
        factory = await self._factory()
        link = await self.tokens.new_link(user, INVITE, self._invite_lifetime())
        user.invited_at = datetime.now(UTC)
        self._record("user.invite_resent", user, {"email": user.email})
        await self.session.commit()
        unsent_link = await self._mailer().send_invitation(
            factory=factory, user=user, token=link.token, expires_at=link.expires_at,
            invited_by=self.actor)
        return invited_view(user, unsent_link)

    async def update(self, user: User, body: UserUpdate) -> UserRead:
        changes = body.model_dump(exclude_unset=True)
        if changes.get("role") not in (None, ROLE_SUPER_ADMIN) and user.is_super_admin:
            if self.actor is not None and user.id == self.actor.id:
                raise Conflict("You cannot remove your own super admin role: ask another "
                               "super admin.", code="CANNOT_DEMOTE_SELF")
            if user.is_active:
                await self._keep_a_super_admin(besides=user)
        changed = {field: value for field, value in changes.items()
                   if getattr(user, field) != value}
        for field, value in changed.items():
            setattr(user, field, value)
        if changed:
            details: dict[str, Any] = {"fields": sorted(changed)}
            # Role and permissions are what a reviewer looks for; a phone number stays out.
            details.update({k: v for k, v in changed.items() if k in ("role", "permissions")})
            self._record("user.updated", user, details)
        await self.session.commit()
        return user_view(user)

    async def deactivate(self, user: User) -> UserRead:
        if self.actor is not None and user.id == self.actor.id:
            raise Conflict("You cannot deactivate your own account: ask another super admin.",
                           code="CANNOT_DEACTIVATE_SELF")
        if not user.is_active:
            return user_view(user)
        if user.is_super_admin:
            await self._keep_a_super_admin(besides=user)
        user.is_active = False
        await self.tokens.sign_out_everywhere(user)
        await self.tokens.discard_links(user, INVITE, RESET)
        self._record("user.deactivated", user, {"email": user.email})
        await self.session.commit()
        log.info("user.deactivated", deactivated_user_id=user.id)
        return user_view(user)

    async def reactivate(self, user: User) -> UserRead:
        if user.is_active:
            return user_view(user)
        user.is_active = True
        self._record("user.reactivated", user, {"email": user.email})
        await self.session.commit()
        return user_view(user)

    # -- internals -------------------------------------------------------------------------
    async def _keep_a_super_admin(self, besides: User) -> None:
        remaining = set(await self.users.lock_active_super_admin_ids()) - {besides.id}
        if not remaining:
            raise Conflict("The factory must keep at least one active super admin.",
                           code="LAST_SUPER_ADMIN")

    def _record(self, action: str, user: User, details: dict[str, Any]) -> None:
        self.audit.record(self.actor.id if self.actor else None, action, "user", user.id,
                          details, self.client_ip)

    async def _factory(self) -> Factory:
        factory = await FactoryRepository(self.session).get(self.factory_id)
        if factory is None:
            raise not_found("factory")
        return factory

    def _invite_lifetime(self) -> timedelta:
        return timedelta(hours=self._settings().invite_token_hours)

    def _mailer(self) -> AccountMailer:
        return AccountMailer(self._settings())

    def _settings(self) -> Settings:
        if self.settings is None:
            raise RuntimeError("UserService needs settings to send invitations")
        return self.settings


def _user_exists() -> Conflict:
    return Conflict("A user with this email exists in this factory.", code="USER_EXISTS")
