from __future__ import annotations

from datetime import datetime

from app.models.user import RefreshToken, User, UserToken
from app.repositories.base import TenantRepository


class UserRepository(TenantRepository[User]):
    model = User

    async def get_by_email(self, email: str) -> User | None:
        result = await self.session.execute(self.select().where(User.email == email.lower()))
        return result.scalar_one_or_none()


class RefreshTokenRepository(TenantRepository[RefreshToken]):
    model = RefreshToken

    async def get_by_jti(self, jti: str) -> RefreshToken | None:
        result = await self.session.execute(self.select().where(RefreshToken.jti == jti))
        return result.scalar_one_or_none()

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
