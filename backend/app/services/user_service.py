from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, ValidationFailed, not_found
from app.core.security import hash_password
from app.models.factory import Factory
from app.models.user import PERMISSIONS, ROLES, User
from app.repositories.factory_repo import FactoryRepository
from app.repositories.user_repo import UserRepository


def current_user_view(user: User, factory: Factory) -> dict[str, Any]:
    return {
        "id": user.id,
        "factory_id": user.factory_id,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "permissions": sorted(user.permissions or []),
        "is_active": user.is_active,
        "last_login_at": user.last_login_at,
        "factory": {"id": factory.id, "name": factory.name, "slug": factory.slug,
                    "timezone": factory.timezone, "currency": factory.currency},
    }


class UserService:
    def __init__(self, session: AsyncSession, factory_id: int) -> None:
        self.session = session
        self.factory_id = factory_id
        self.users = UserRepository(session, factory_id)

    async def me(self, user: User) -> dict[str, Any]:
        factory = await FactoryRepository(self.session).get(self.factory_id)
        if factory is None:
            raise not_found("factory")
        return current_user_view(user, factory)

    async def create(self, *, email: str, password: str | None, full_name: str = "",
                     role: str = "user", permissions: list[str] | None = None) -> User:
        email = email.strip().lower()
        if role not in ROLES:
            raise ValidationFailed(f"Unknown role {role!r}.", code="INVALID_ROLE")
        unknown = set(permissions or []) - set(PERMISSIONS)
        if unknown:
            raise ValidationFailed(f"Unknown permissions: {', '.join(sorted(unknown))}.",
                                   code="INVALID_PERMISSION")
        if await self.users.get_by_email(email) is not None:
            raise Conflict("A user with this email exists in this factory.",
                           code="USER_EXISTS")
        user = self.users.add(User(
            email=email, full_name=full_name, role=role,
            permissions=sorted(set(permissions or [])),
            hashed_password=hash_password(password) if password else None,
            invited_at=None if password else datetime.now(UTC)))
        await self.session.flush()
        return user
