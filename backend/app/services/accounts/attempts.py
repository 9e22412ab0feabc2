"""Limits on guessing: sign-ins and password-reset requests are counted per client address,
per account as typed (the resolved factory and the normalised email) and per user once the
database has said which user that is.

The account key alone is not enough: MariaDB's collation matches `ädmin@x` to `admin@x`, so
every accent variant would start a fresh count for the same user. Normalising folds most of
those together; the per-user count catches whatever normalising misses."""

from __future__ import annotations

import unicodedata

from app.core.config import Settings
from app.core.errors import RateLimited
from app.core.logging import get_logger
from app.core.rate_limit import RateLimiter

log = get_logger(__name__)


def normalised_email(email: str) -> str:
    """Compatibility-folded, accent-free and case-folded: what the database's collation
    treats as one address should count as one account."""
    decomposed = unicodedata.normalize("NFKD", email.strip())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", bare.casefold())


def factory_reference(factory_id: int | None, factory_slug: str | None,
                      resolved_id: int | None) -> str:
    """The factory an attempt names: its id once resolved, so that the id and the slug of one
    factory share a count; otherwise what was typed, folded like an email."""
    if resolved_id is not None:
        return str(resolved_id)
    if factory_id is not None:
        return f"id:{factory_id}"
    return "slug:" + normalised_email(factory_slug or "")


class AttemptLimits:
    def __init__(self, limiter: RateLimiter, settings: Settings, purpose: str) -> None:
        self.limiter = limiter
        self.account_rule = settings.login_rate_limit
        self.address_rule = settings.login_ip_rate_limit
        self.purpose = purpose

    def _address(self, address: str) -> tuple[str, ...]:
        return (f"{self.purpose}-ip", address)

    def _account(self, factory_ref: str, email: str) -> tuple[str, ...]:
        return (f"{self.purpose}-account", factory_ref, normalised_email(email))

    def _user(self, user_id: int) -> tuple[str, ...]:
        return (f"{self.purpose}-user", str(user_id))

    async def admit(self, *, address: str, factory_ref: str, email: str) -> None:
        """Refuses (429) while the address or the account is over its limit, else counts the
        attempt against the address."""
        wait = max(await self.limiter.retry_after(self.address_rule, *self._address(address)),
                   await self.limiter.retry_after(self.account_rule,
                                                  *self._account(factory_ref, email)))
        self._refuse_if(wait, address)
        await self.limiter.hit(self.address_rule, *self._address(address))

    async def admit_user(self, user_id: int, address: str) -> None:
        self._refuse_if(await self.limiter.retry_after(self.account_rule, *self._user(user_id)),
                        address)

    async def count(self, *, factory_ref: str, email: str, user_id: int | None) -> None:
        """One attempt against the account as typed, and against the user when known."""
        await self.limiter.hit(self.account_rule, *self._account(factory_ref, email))
        if user_id is not None:
            await self.limiter.hit(self.account_rule, *self._user(user_id))

    async def succeeded(self, *, factory_ref: str, email: str, user_id: int) -> None:
        await self.limiter.clear(self.account_rule, *self._account(factory_ref, email))
        await self.limiter.clear(self.account_rule, *self._user(user_id))

    def _refuse_if(self, wait: int, address: str) -> None:
        if wait:
            log.warning("auth.throttled", purpose=self.purpose, client_ip=address)
            raise RateLimited(wait)
