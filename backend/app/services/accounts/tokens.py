"""The tokens of a user's account: single-use links sent by email (invitation, password
reset), of which only a SHA-256 hash is kept; and signing a user out everywhere at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import BadRequest
from app.core.security import hash_token, new_secret_token
from app.models.user import User, UserToken
from app.repositories.user_repo import RefreshTokenRepository, UserTokenRepository

INVITE = "invite"
RESET = "reset"

_REFUSALS = {
    INVITE: (
        ("INVITE_INVALID", "This invitation link is not valid or has already been used. "
                           "Ask your administrator for a new one."),
        ("INVITE_EXPIRED", "This invitation link has expired. Ask your administrator to send "
                           "a new one."),
    ),
    RESET: (
        ("RESET_TOKEN_INVALID", "This password reset link is not valid or has already been "
                                "used. Request a new one."),
        ("RESET_TOKEN_EXPIRED", "This password reset link has expired. Request a new one."),
    ),
}


def invalid_link(purpose: str) -> BadRequest:
    code, message = _REFUSALS[purpose][0]
    return BadRequest(message, code=code)


def expired_link(purpose: str) -> BadRequest:
    code, message = _REFUSALS[purpose][1]
    return BadRequest(message, code=code)


@dataclass(frozen=True)
class EmailLink:
    token: str
    expires_at: datetime


class UserTokens:
    def __init__(self, session: AsyncSession, factory_id: int) -> None:
        self.session = session
        self.links = UserTokenRepository(session, factory_id)
        self.refresh_tokens = RefreshTokenRepository(session, factory_id)

    async def new_link(self, user: User, purpose: str, lifetime: timedelta) -> EmailLink:
        """A new link for `purpose`; links sent before for the same purpose stop working."""
        await self.links.discard_unused(user.id, purpose)
        token = new_secret_token()
        expires_at = datetime.now(UTC) + lifetime
        self.links.add(UserToken(user_id=user.id, purpose=purpose,
                                 token_hash=hash_token(token), expires_at=expires_at))
        return EmailLink(token, expires_at)

    async def redeem(self, token: str, purpose: str) -> UserToken:
        """Marks the link used, or refuses it. Of two requests racing with the same link,
        only one gets past the conditional update."""
        record = await self.links.get_by_hash(hash_token(token), purpose)
        now = datetime.now(UTC)
        if record is None or record.used_at is not None:
            raise invalid_link(purpose)
        if record.expires_at <= now:
            raise expired_link(purpose)
        if not await self.links.mark_used(record.id, now):
            raise invalid_link(purpose)
        return record

    async def discard_links(self, user: User, *purposes: str) -> None:
        await self.links.discard_unused(user.id, *purposes)

    async def sign_out_everywhere(self, user: User) -> None:
        """Access tokens carry the user's token version, so bumping it kills them on their
        next request; refresh tokens are revoked outright."""
        user.token_version = (user.token_version or 0) + 1
        await self.refresh_tokens.revoke_all_for_user(user.id, datetime.now(UTC))
