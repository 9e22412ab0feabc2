"""Sign-in, token refresh with rotation, sign-out, and resolving the bearer of a token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cache_epochs import EpochCache, cache_epochs
from app.core.config import Settings
from app.core.database import session_scope
from app.core.errors import Unauthorized
from app.core.logging import get_logger
from app.core.rate_limit import RateLimiter
from app.core.security import (
    ACCESS,
    REFRESH,
    InvalidToken,
    TokenClaims,
    create_token,
    decode_token,
    verify_password,
)
from app.models.cache_keys import user_epoch
from app.models.factory import Factory
from app.models.user import RefreshToken, User
from app.repositories.factory_repo import FactoryRepository
from app.repositories.user_repo import RefreshTokenRepository, UserRepository
from app.schemas.auth import TokenPair
from app.schemas.principal import Principal
from app.services.accounts.attempts import AttemptLimits, factory_reference
from app.services.accounts.tokens import UserTokens
from app.services.accounts.users import current_user_view
from app.services.audit.service import AuditService

log = get_logger(__name__)

INVALID_CREDENTIALS = "Incorrect email or password."

# Every request is authorised from a copy of its user's role, permissions and token version,
# current as long as the user's epoch is: a deactivation, a role or permission change or a
# password change renews it, and the next request anywhere reads the row again.
_principals: EpochCache[Principal] = EpochCache(maxsize=10_000, ttl_seconds=300)


def invalid_credentials() -> Unauthorized:
    # One error for unknown factory, unknown email, wrong password and inactive user: the
    # answer never tells an attacker which part was wrong.
    return Unauthorized(INVALID_CREDENTIALS, code="INVALID_CREDENTIALS")


def invalid_token() -> Unauthorized:
    return Unauthorized("The token is invalid or has expired.", code="INVALID_TOKEN")


class AuthService:
    def __init__(self, session: AsyncSession, settings: Settings, limiter: RateLimiter) -> None:
        self.session = session
        self.settings = settings
        self.limiter = limiter

    async def login(self, *, factory_id: int | None, factory_slug: str | None, email: str,
                    password: str, client_ip: str) -> TokenPair:
        email = email.strip().lower()
        limits = AttemptLimits(self.limiter, self.settings, "login")
        factories = FactoryRepository(self.session)
        factory = (await factories.get(factory_id) if factory_id is not None
                   else await factories.get_by_slug(factory_slug or ""))
        factory_ref = factory_reference(factory_id, factory_slug,
                                        factory.id if factory else None)
        await limits.admit(address=client_ip, factory_ref=factory_ref, email=email)

        user = None
        if factory is not None:
            user = await UserRepository(self.session, factory.id).get_by_email(email)
        if user is not None:
            # The collation may have matched a differently spelt address: the user's own
            # count holds whatever spelling was typed.
            await limits.admit_user(user.id, client_ip)
        password_ok = verify_password(password, user.hashed_password if user else None)
        if factory is None or user is None or not password_ok or not user.is_active:
            await limits.count(factory_ref=factory_ref, email=email,
                                user_id=user.id if user else None)
            log.info("auth.login_failed", factory_ref=factory_ref,
                     factory_id=factory.id if factory else None,
                     user_id=user.id if user else None, client_ip=client_ip)
            if factory is not None:
                # Only the factory's super admins read this trail; the reason helps them
                # tell a forgotten password from someone trying addresses.
                reason = ("unknown_email" if user is None else
                          "inactive" if not user.is_active else
                          "no_password" if user.hashed_password is None else "wrong_password")
                AuditService(self.session, factory.id).record(
                    user.id if user else None, "auth.login_failed", "user",
                    user.id if user else None, {"email": email, "reason": reason}, client_ip)
                await self.session.commit()
            raise invalid_credentials()

        await limits.succeeded(factory_ref=factory_ref, email=email, user_id=user.id)
        user.last_login_at = datetime.now(UTC)
        tokens = await self._issue(user, factory)
        AuditService(self.session, factory.id).record(
            user.id, "auth.login", "user", user.id, {"email": email}, client_ip)
        await self.session.commit()
        log.info("auth.login", factory_id=factory.id, user_id=user.id)
        return tokens

    async def refresh(self, refresh_token: str) -> TokenPair:
        claims = self._decode(refresh_token, REFRESH)
        tokens_repo = RefreshTokenRepository(self.session, claims.factory_id)
        record = await tokens_repo.get_by_jti(claims.jti)
        now = datetime.now(UTC)
        if record is None or record.user_id != claims.user_id:
            raise invalid_token()
        user = await UserRepository(self.session, claims.factory_id).get(claims.user_id)
        if user is None or not user.is_active or user.token_version != claims.version:
            # Signed out everywhere by a password change or deactivation: an old tab still
            # presenting its token is expected and must not also sign out the new sign-in.
            raise invalid_token()
        if record.revoked_at is not None:
            age = (now - record.revoked_at).total_seconds()
            if age < self.settings.refresh_reuse_grace_seconds:
                # Rotated moments ago: another refresh with this token (a second tab, a
                # retry) got there first. Refused, but the winner's session stays.
                raise _lost_race(claims)
            # A rotated-out token presented again later means it leaked: end every session
            # of this user, the access tokens already handed out included (they carry the
            # token version, which changes here), rather than let the thief keep a foothold.
            await UserTokens(self.session, claims.factory_id).sign_out_everywhere(user)
            await self.session.commit()
            log.warning("auth.refresh_reuse", factory_id=claims.factory_id,
                        user_id=claims.user_id)
            raise invalid_token()
        factory = await FactoryRepository(self.session).get(claims.factory_id)
        if factory is None:
            raise invalid_token()
        # The database decides between refreshes racing with one token: only the one whose
        # conditional update still finds the token unrevoked gets new tokens.
        if not await tokens_repo.revoke(record.id, now):
            await self.session.rollback()
            raise _lost_race(claims)
        tokens = await self._issue(user, factory)
        await self.session.commit()
        return tokens

    async def logout(self, refresh_token: str) -> None:
        try:
            claims = self._decode(refresh_token, REFRESH)
        except Unauthorized:
            return  # signing out with a dead token is already done
        record = await RefreshTokenRepository(self.session, claims.factory_id).get_by_jti(
            claims.jti)
        if record is not None and record.revoked_at is None:
            record.revoked_at = datetime.now(UTC)
            await self.session.commit()
        log.info("auth.logout", factory_id=claims.factory_id, user_id=claims.user_id)

    async def authenticate(self, access_token: str) -> User:
        """The active user a bearer token belongs to, or 401."""
        claims = self._decode(access_token, ACCESS)
        user = await UserRepository(self.session, claims.factory_id).get(claims.user_id)
        if user is None or not user.is_active or user.token_version != claims.version:
            raise invalid_token()
        return user

    async def principal(self, access_token: str) -> Principal:
        """What `authenticate` checks, without the rest of the user row: answered from this
        process's copy while the user's epoch holds."""
        claims = self._decode(access_token, ACCESS)
        epochs = cache_epochs(self.settings.redis_url)
        if epochs is None:
            principal = await UserRepository(self.session, claims.factory_id).principal(
                claims.user_id)
        else:
            principal = await _principals.get(epochs,
                                              user_epoch(claims.factory_id, claims.user_id),
                                              lambda: _load_principal(claims))
        if (principal is None or not principal.is_active
                or principal.token_version != claims.version):
            raise invalid_token()
        return principal

    async def tokens_for(self, user: User, factory: Factory) -> TokenPair:
        """A new session for a user who proved who they are another way (a password change);
        the caller commits."""
        return await self._issue(user, factory)

    # -- internals -------------------------------------------------------------------------
    def _decode(self, token: str, token_type: str):
        try:
            return decode_token(self.settings, token, token_type)
        except InvalidToken as exc:
            raise invalid_token() from exc

    async def _issue(self, user: User, factory: Factory) -> TokenPair:
        s = self.settings
        access, _ = create_token(
            s, user_id=user.id, factory_id=factory.id, role=user.role, token_type=ACCESS,
            version=user.token_version, lifetime=timedelta(minutes=s.access_token_minutes))
        refresh, claims = create_token(
            s, user_id=user.id, factory_id=factory.id, role=user.role, token_type=REFRESH,
            version=user.token_version, lifetime=timedelta(days=s.refresh_token_days))
        RefreshTokenRepository(self.session, factory.id).add(
            RefreshToken(user_id=user.id, jti=claims.jti, expires_at=claims.expires_at))
        return TokenPair(access_token=access, refresh_token=refresh,
                         expires_in=s.access_token_minutes * 60,
                         user=current_user_view(user, factory))


def _lost_race(claims: TokenClaims) -> Unauthorized:
    log.info("auth.refresh_lost_race", factory_id=claims.factory_id, user_id=claims.user_id)
    return invalid_token()


async def _load_principal(claims: TokenClaims) -> Principal | None:
    # A session of its own: its snapshot begins after the epoch was read (see EpochCache).
    async with session_scope() as session:
        return await UserRepository(session, claims.factory_id).principal(claims.user_id)
