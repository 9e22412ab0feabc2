"""Setting a password: accepting an invitation, resetting a forgotten password by an emailed
link, and changing it while signed in. A new password signs the account out everywhere."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import BadRequest, RateLimited, ValidationFailed
from app.core.logging import get_logger
from app.core.rate_limit import RateLimiter
from app.core.security import hash_password, verify_password
from app.models.factory import Factory
from app.models.user import User
from app.repositories.factory_repo import FactoryRepository
from app.repositories.user_repo import UserRepository
from app.schemas.auth import AccountReady, TokenPair
from app.services.accounts.attempts import AttemptLimits, factory_reference
from app.services.accounts.auth import AuthService
from app.services.accounts.mail import AccountMailer
from app.services.accounts.password_policy import enforce_password_policy
from app.services.accounts.tokens import INVITE, RESET, UserTokens, invalid_link
from app.services.audit.service import AuditService

log = get_logger(__name__)


class PasswordService:
    def __init__(self, session: AsyncSession, settings: Settings, limiter: RateLimiter) -> None:
        self.session = session
        self.settings = settings
        self.limiter = limiter

    async def accept_invite(self, *, factory_id: int | None, factory_slug: str | None,
                            token: str, password: str, full_name: str | None,
                            client_ip: str) -> AccountReady:
        factory, user, _tokens = await self._set_by_link(factory_id, factory_slug, token,
                                                         INVITE, password)
        if full_name:
            user.full_name = full_name
        return await self._done_by_link("user.invite_accepted", factory, user, client_ip)

    async def request_reset(self, *, factory_id: int | None, factory_slug: str | None,
                            email: str, client_ip: str) -> None:
        """Sends a reset link when the account exists and is active; says nothing either way."""
        email = email.strip().lower()
        limits = AttemptLimits(self.limiter, self.settings, "reset")
        factory = await self._factory(factory_id, factory_slug)
        factory_ref = factory_reference(factory_id, factory_slug,
                                        factory.id if factory else None)
        await limits.admit(address=client_ip, factory_ref=factory_ref, email=email)
        user = (await UserRepository(self.session, factory.id).get_by_email(email)
                if factory is not None else None)
        if user is not None:
            await limits.admit_user(user.id, client_ip)
        # Every request counts, found or not: each one may send an email.
        await limits.count(factory_ref=factory_ref, email=email,
                           user_id=user.id if user else None)
        if factory is None or user is None or not user.is_active:
            log.info("auth.reset_requested_unknown", factory_ref=factory_ref,
                     client_ip=client_ip)
            return
        link = await UserTokens(self.session, factory.id).new_link(
            user, RESET, timedelta(minutes=self.settings.password_reset_token_minutes))
        AuditService(self.session, factory.id).record(
            None, "user.password_reset_requested", "user", user.id, {"email": user.email},
            client_ip)
        await self.session.commit()
        await AccountMailer(self.settings).send_password_reset(
            factory=factory, user=user, token=link.token, expires_at=link.expires_at)

    async def reset(self, *, factory_id: int | None, factory_slug: str | None, token: str,
                    password: str, client_ip: str) -> AccountReady:
        factory, user, tokens = await self._set_by_link(factory_id, factory_slug, token,
                                                        RESET, password)
        await tokens.sign_out_everywhere(user)
        # A pending invitation is answered too: the account now has a password.
        await tokens.discard_links(user, INVITE, RESET)
        return await self._done_by_link("user.password_reset", factory, user, client_ip)

    async def change(self, user: User, *, current_password: str, new_password: str,
                     client_ip: str) -> TokenPair:
        """Signs the user out everywhere, these very tokens included, and answers with new
        ones for the device the change was made on."""
        attempts_key = ("password-change", str(user.factory_id), str(user.id))
        wait = await self.limiter.retry_after(self.settings.login_rate_limit, *attempts_key)
        if wait:
            raise RateLimited(wait)
        if not await asyncio.to_thread(verify_password, current_password, user.hashed_password):
            await self.limiter.hit(self.settings.login_rate_limit, *attempts_key)
            raise BadRequest("The current password is not correct.",
                             code="INVALID_CURRENT_PASSWORD")
        if new_password == current_password:
            raise ValidationFailed("The new password must differ from the current one.",
                                   code="PASSWORD_UNCHANGED")
        enforce_password_policy(new_password, user.email)
        await self.limiter.clear(self.settings.login_rate_limit, *attempts_key)
        user.hashed_password = await asyncio.to_thread(hash_password, new_password)
        tokens = UserTokens(self.session, user.factory_id)
        await tokens.sign_out_everywhere(user)
        await tokens.discard_links(user, RESET)
        AuditService(self.session, user.factory_id).record(
            user.id, "user.password_changed", "user", user.id, {"email": user.email}, client_ip)
        factory = await FactoryRepository(self.session).get(user.factory_id)
        if factory is None:
            raise BadRequest("The factory no longer exists.", code="FACTORY_NOT_FOUND")
        fresh = await AuthService(self.session, self.settings, self.limiter).tokens_for(
            user, factory)
        await self.session.commit()
        log.info("user.password_changed", user_id=user.id)
        return fresh

    # -- internals -------------------------------------------------------------------------
    async def _factory(self, factory_id: int | None, factory_slug: str | None
                       ) -> Factory | None:
        factories = FactoryRepository(self.session)
        if factory_id is not None:
            return await factories.get(factory_id)
        return await factories.get_by_slug(factory_slug or "")

    async def _set_by_link(self, factory_id: int | None, factory_slug: str | None, token: str,
                           purpose: str, password: str) -> tuple[Factory, User, UserTokens]:
        """Redeems an emailed link and gives its account the new password (policy checked);
        the caller commits."""
        factory = await self._factory(factory_id, factory_slug)
        if factory is None:
            raise invalid_link(purpose)
        tokens = UserTokens(self.session, factory.id)
        record = await tokens.redeem(token, purpose)
        user = await self._active_user(factory, record.user_id, purpose)
        enforce_password_policy(password, user.email)
        user.hashed_password = await asyncio.to_thread(hash_password, password)
        return factory, user, tokens

    async def _done_by_link(self, action: str, factory: Factory, user: User, client_ip: str
                            ) -> AccountReady:
        AuditService(self.session, factory.id).record(
            user.id, action, "user", user.id, {"email": user.email}, client_ip)
        await self.session.commit()
        log.info(action, factory_id=factory.id, user_id=user.id)
        return AccountReady(user_id=user.id, email=user.email, factory_id=factory.id,
                            factory_slug=factory.slug)

    async def _active_user(self, factory: Factory, user_id: int, purpose: str) -> User:
        user = await UserRepository(self.session, factory.id).get(user_id)
        if user is None or not user.is_active:
            # The link was marked used above; roll that back with the rest.
            await self.session.rollback()
            raise invalid_link(purpose)
        return user
