from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_

from app.models.user import KIND_PERSON, ROLE_SUPER_ADMIN, RefreshToken, User, UserToken
from app.repositories.base import TenantRepository
from app.schemas.principal import Principal


@dataclass(frozen=True)
class UserFilters:
    role: str | None = None
    is_active: bool | None = None
    q: str | None = None


class UserRepository(TenantRepository[User]):
    model = User

    async def principal(self, user_id: int) -> Principal | None:
        """What authorising a request needs, in one narrow query (no ORM entity)."""
        row = (await self.session.execute(
            self.select(User.role, User.permissions, User.is_active, User.token_version)
            .where(User.id == user_id))).one_or_none()
        if row is None:
            return None
        role, permissions, is_active, token_version = row
        return Principal(id=user_id, factory_id=self.factory_id, role=role,
                         permissions=frozenset(permissions or ()), is_active=bool(is_active),
                         token_version=int(token_version or 0))

    def people(self):
        """Users who are persons: API keys' service accounts never sign in, receive mail or
        appear in a list of people."""
        return self.select().where(User.kind == KIND_PERSON)

    async def get_person(self, user_id: int) -> User | None:
        result = await self.session.execute(self.people().where(User.id == user_id))
        return result.scalar_one_or_none()

    async def get_people(self, ids: Iterable[int]) -> list[User]:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        return list((await self.session.execute(
            self.people().where(User.id.in_(wanted)))).scalars())

    async def get_by_email(self, email: str) -> User | None:
        result = await self.session.execute(self.people().where(User.email == email.lower()))
        return result.scalar_one_or_none()

    async def list_page(self, filters: UserFilters, *, offset: int, limit: int
                        ) -> tuple[list[User], int]:
        stmt = self.people()
        if filters.role:
            stmt = stmt.where(User.role == filters.role)
        if filters.is_active is not None:
            stmt = stmt.where(User.is_active.is_(filters.is_active))
        if filters.q:
            needle = filters.q.lower()
            stmt = stmt.where(or_(func.lower(User.email).contains(needle, autoescape=True),
                                  func.lower(User.full_name).contains(needle, autoescape=True)))
        return await self.page(stmt, offset=offset, limit=limit, order_by=(User.email, User.id))

    async def display_names(self, ids: Iterable[int | None]) -> dict[int, str]:
        """id → the name people know the user by: the full name, else the email."""
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        rows = await self.session.execute(
            self.select(User.id, User.full_name, User.email).where(User.id.in_(wanted)))
        return {int(i): name or email for i, name, email in rows}

    async def lock_active_super_admin_ids(self) -> list[int]:
        """Row locks on every active super admin until the transaction ends: two admins
        demoting each other at the same moment cannot both see the other one remain."""
        result = await self.session.execute(
            self.select(User.id)
            .where(User.role == ROLE_SUPER_ADMIN, User.is_active.is_(True))
            .with_for_update())
        return [int(user_id) for user_id in result.scalars()]


class RefreshTokenRepository(TenantRepository[RefreshToken]):
    model = RefreshToken

    async def get_by_jti(self, jti: str) -> RefreshToken | None:
        result = await self.session.execute(self.select().where(RefreshToken.jti == jti))
        return result.scalar_one_or_none()

    async def revoke(self, token_id: int, when: datetime) -> bool:
        """Revokes one token unless something else did first; True when this call did."""
        result = await self.session.execute(
            self.update()
            .where(RefreshToken.id == token_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=when))
        return result.rowcount == 1

    async def revoke_all_for_user(self, user_id: int, when: datetime) -> None:
        await self.session.execute(
            self.update()
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=when)
        )


class UserTokenRepository(TenantRepository[UserToken]):
    model = UserToken

    async def get_by_hash(self, token_hash: str, purpose: str) -> UserToken | None:
        result = await self.session.execute(
            self.select().where(UserToken.token_hash == token_hash, UserToken.purpose == purpose)
        )
        return result.scalar_one_or_none()

    async def mark_used(self, token_id: int, when: datetime) -> bool:
        result = await self.session.execute(
            self.update()
            .where(UserToken.id == token_id, UserToken.used_at.is_(None))
            .values(used_at=when))
        return result.rowcount == 1

    async def discard_unused(self, user_id: int, *purposes: str) -> None:
        """Links already sent stop working (a new one replaces them, or the user left)."""
        stmt = self.delete_stmt().where(UserToken.user_id == user_id,
                                        UserToken.used_at.is_(None))
        if purposes:
            stmt = stmt.where(UserToken.purpose.in_(purposes))
        await self.session.execute(stmt)
