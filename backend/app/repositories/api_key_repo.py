from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.api_key import ApiKey
from app.models.user import User
from app.repositories.base import TenantRepository


class KeyCredential(NamedTuple):
    """What authenticating a request with a key needs to know about it."""

    key_id: int
    factory_id: int
    user_id: int
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyRow(NamedTuple):
    key: ApiKey
    permissions: list[str]


async def find_credential(session: AsyncSession, secret_hash: str) -> KeyCredential | None:
    """The key with this hash, in whichever factory: a key names no factory, it is the
    credential that tells which one a request acts for."""
    row = (await session.execute(
        select(ApiKey.id, ApiKey.factory_id, ApiKey.user_id, ApiKey.expires_at,
               ApiKey.revoked_at)
        .where(ApiKey.secret_hash == secret_hash)
        .execution_options(cross_tenant=True))).first()
    return None if row is None else KeyCredential(*row)


class ApiKeyRepository(TenantRepository[ApiKey]):
    model = ApiKey

    def _with_permissions(self):
        # The service account holds the permissions; the join keeps to this factory's users.
        return self.select(ApiKey, User.permissions).join(
            User, (User.id == ApiKey.user_id) & (User.factory_id == ApiKey.factory_id))

    async def get_row(self, key_id: int) -> ApiKeyRow | None:
        row = (await self.session.execute(
            self._with_permissions().where(ApiKey.id == key_id))).first()
        return None if row is None else ApiKeyRow(row[0], list(row[1] or []))

    async def list_rows(self, *, offset: int, limit: int) -> tuple[list[ApiKeyRow], int]:
        total = await self.count()
        rows = await self.session.execute(
            self._with_permissions()
            .order_by(ApiKey.revoked_at.is_not(None), ApiKey.name, ApiKey.id)
            .offset(offset).limit(limit))
        return [ApiKeyRow(key, list(permissions or [])) for key, permissions in rows], total

    async def touch(self, key_id: int, when: datetime) -> None:
        await self.session.execute(
            self.update()
            .where(ApiKey.id == key_id,
                   or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < when))
            .values(last_used_at=when))
