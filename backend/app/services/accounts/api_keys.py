"""API keys: a super admin issues, lists and revokes them; requests that present one are
authenticated here (app.api.deps picks this path for a key, AuthService for a person's token).

A key acts as a service account of its own, a user of kind "service" with the key's name and
permissions that never signs in: whatever the key does is recorded under that account, so the
audit trail and "acknowledged by" name the key. Revoking deactivates the account, which
renews its epoch, so every process refuses the key from its next request on."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from cachetools import TTLCache
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.api_key_format import api_key_hash, display_prefix, is_well_formed, new_api_key
from app.core.cache_epochs import EpochCache, cache_epochs
from app.core.config import Settings
from app.core.database import session_scope
from app.core.errors import Conflict, RateLimited, Unauthorized, ValidationFailed, not_found
from app.core.logging import get_logger
from app.core.rate_limit import RateLimiter
from app.models.api_key import ApiKey
from app.models.cache_keys import user_epoch
from app.models.user import KIND_SERVICE, ROLE_USER, User
from app.repositories.api_key_repo import (
    ApiKeyRepository,
    ApiKeyRow,
    KeyCredential,
    find_credential,
)
from app.repositories.device_repo import DeviceRepository
from app.repositories.user_repo import UserRepository
from app.schemas.api_key import ApiKeyCreate, ApiKeyCreated, ApiKeyCreator, ApiKeyRead
from app.schemas.common import PageParams
from app.schemas.principal import Principal
from app.services.audit.service import AuditService

log = get_logger(__name__)

# Service accounts need an address (unique per factory); `.invalid` can never receive mail.
_SERVICE_EMAIL_DOMAIN = "api-keys.invalid"


def invalid_api_key() -> Unauthorized:
    return Unauthorized("The API key is not valid.", code="INVALID_API_KEY")


def revoked_api_key() -> Unauthorized:
    return Unauthorized("The API key has been revoked.", code="API_KEY_REVOKED")


def expired_api_key() -> Unauthorized:
    return Unauthorized("The API key has expired.", code="API_KEY_EXPIRED")


def key_status(key: ApiKey, now: datetime | None = None) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= (now or datetime.now(UTC)):
        return "expired"
    return "active"


class ApiKeyService:
    def __init__(self, session: AsyncSession, factory_id: int, *, actor_id: int | None = None,
                 client_ip: str | None = None) -> None:
        self.session = session
        self.factory_id = factory_id
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.keys = ApiKeyRepository(session, factory_id)
        self.audit = AuditService(session, factory_id)

    async def load(self, key_id: int) -> ApiKeyRow:
        row = await self.keys.get_row(key_id)
        if row is None:
            raise not_found("api_key")
        return row

    async def search(self, page: PageParams) -> tuple[list[ApiKeyRead], int]:
        rows, total = await self.keys.list_rows(offset=page.offset, limit=page.per_page)
        creators = await self._creators(rows)
        return [_read(row, creators) for row in rows], total

    async def read(self, row: ApiKeyRow) -> ApiKeyRead:
        return _read(row, await self._creators([row]))

    async def create(self, body: ApiKeyCreate) -> ApiKeyCreated:
        await self._check_devices(body.ingest_device_ids)
        secret = new_api_key()
        account = UserRepository(self.session, self.factory_id).add(User(
            email=f"key-{secrets.token_hex(8)}@{_SERVICE_EMAIL_DOMAIN}", full_name=body.name,
            role=ROLE_USER, kind=KIND_SERVICE, permissions=body.permissions,
            hashed_password=None, is_active=True))
        try:
            await self.session.flush()
            key = self.keys.add(ApiKey(
                user_id=account.id, name=body.name, prefix=display_prefix(secret),
                secret_hash=api_key_hash(secret), ingest_device_ids=body.ingest_device_ids,
                expires_at=body.expires_at, created_by_id=self.actor_id))
            await self.session.flush()
        except IntegrityError as exc:  # a colliding random address or hash: astronomically rare
            await self.session.rollback()
            raise Conflict("The key could not be created. Try again.",
                           code="API_KEY_CONFLICT") from exc
        self.audit.record(self.actor_id, "api_key.created", "api_key", key.id,
                          {"name": key.name, "prefix": key.prefix,
                           "permissions": body.permissions,
                           "ingest_device_ids": body.ingest_device_ids,
                           "expires_at": body.expires_at.isoformat() if body.expires_at
                           else None}, self.client_ip)
        await self.session.commit()
        log.info("api_key.created", api_key_id=key.id, prefix=key.prefix)
        row = ApiKeyRow(key, list(body.permissions))
        read = _read(row, await self._creators([row]))
        return ApiKeyCreated(**read.model_dump(), key=secret)

    async def revoke(self, row: ApiKeyRow) -> ApiKeyRead:
        key = row.key
        if key.revoked_at is None:
            key.revoked_at = datetime.now(UTC)
            account = await UserRepository(self.session, self.factory_id).get(key.user_id)
            if account is not None:
                # Renews the account's epoch on commit: every process drops its copy.
                account.is_active = False
                account.token_version += 1
            self.audit.record(self.actor_id, "api_key.revoked", "api_key", key.id,
                              {"name": key.name, "prefix": key.prefix}, self.client_ip)
            await self.session.commit()
            log.info("api_key.revoked", api_key_id=key.id)
        return await self.read(row)

    async def _check_devices(self, device_ids: list[int]) -> None:
        found = {d.id for d in await DeviceRepository(self.session, self.factory_id)
                 .get_many(device_ids)}
        missing = [i for i in device_ids if i not in found]
        if missing:
            raise ValidationFailed("Some devices are not devices of this factory.",
                                   code="INVALID_DEVICES", details={"missing_device_ids": missing})

    async def _creators(self, rows: list[ApiKeyRow]) -> dict[int, User]:
        ids = sorted({r.key.created_by_id for r in rows if r.key.created_by_id is not None})
        users = await UserRepository(self.session, self.factory_id).get_many(ids)
        return {u.id: u for u in users}


def _read(row: ApiKeyRow, creators: dict[int, User]) -> ApiKeyRead:
    key = row.key
    creator = creators.get(key.created_by_id) if key.created_by_id is not None else None
    return ApiKeyRead(
        id=key.id, name=key.name, prefix=key.prefix, permissions=sorted(row.permissions),
        ingest_device_ids=list(key.ingest_device_ids or []), status=key_status(key),
        expires_at=key.expires_at, revoked_at=key.revoked_at, last_used_at=key.last_used_at,
        created_at=key.created_at,
        created_by=(ApiKeyCreator(id=creator.id, full_name=creator.full_name,
                                  email=creator.email) if creator is not None else None))


# -- authenticating requests ----------------------------------------------------------------
# Which key a hash belongs to does not change; whether it may still act is the service
# account's state, checked against its epoch on every request. Expiry is checked on each use.
_credentials: TTLCache[str, KeyCredential] = TTLCache(maxsize=10_000, ttl=300)
_principals: EpochCache[Principal] = EpochCache(maxsize=10_000, ttl_seconds=300)
# Keys whose last use was written lately, by this process: at most one write a minute each.
_LAST_USE_RESOLUTION_SECONDS = 60
_recently_touched: TTLCache[int, float] = TTLCache(
    maxsize=100_000, ttl=_LAST_USE_RESOLUTION_SECONDS, timer=time.monotonic)


@dataclass(frozen=True)
class AuthenticatedKey:
    key_id: int
    principal: Principal


class ApiKeyAuthenticator:
    def __init__(self, session: AsyncSession, settings: Settings, limiter: RateLimiter) -> None:
        self.session = session
        self.settings = settings
        self.limiter = limiter

    async def authenticate(self, secret: str) -> AuthenticatedKey:
        """The key's service account as far as authorising needs, once the key passed its
        rate limit (run once per request: every later check reuses the answer)."""
        credential = await self._credential(secret)
        epochs = cache_epochs(self.settings.redis_url)
        if epochs is None:
            principal = await UserRepository(self.session, credential.factory_id).principal(
                credential.user_id)
        else:
            principal = await _principals.get(
                epochs, user_epoch(credential.factory_id, credential.user_id),
                lambda: _load_principal(credential))
        if principal is None or not principal.is_active:
            raise revoked_api_key()
        await self._admit(credential)
        return AuthenticatedKey(credential.key_id, principal)

    async def account(self, key: AuthenticatedKey) -> User:
        """The key's service account row, for routes that need more than the principal."""
        account = await UserRepository(self.session, key.principal.factory_id).get(
            key.principal.id)
        if account is None or not account.is_active:
            raise revoked_api_key()
        return account

    async def _credential(self, secret: str) -> KeyCredential:
        if not is_well_formed(secret):
            raise invalid_api_key()
        digest = api_key_hash(secret)
        credential = _credentials.get(digest)
        if credential is None:
            credential = await find_credential(self.session, digest)
            if credential is None:
                raise invalid_api_key()
            _credentials[digest] = credential
        if credential.revoked_at is not None:
            raise revoked_api_key()
        if credential.expires_at is not None and credential.expires_at <= datetime.now(UTC):
            raise expired_api_key()
        return credential

    async def _admit(self, credential: KeyCredential) -> None:
        """The key's rate limit, then its last use."""
        rule = self.settings.api_key_rate_limit
        if not await self.limiter.hit(rule, "api-key", str(credential.key_id)):
            wait = await self.limiter.retry_after(rule, "api-key", str(credential.key_id))
            log.warning("api_key.throttled", api_key_id=credential.key_id,
                        factory_id=credential.factory_id)
            raise RateLimited(wait, f"This API key made too many requests ({rule}). "
                                    f"Try again in {max(1, wait)} seconds.")
        if credential.key_id not in _recently_touched:
            _recently_touched[credential.key_id] = time.monotonic()
            await _record_use(credential)


async def _record_use(credential: KeyCredential) -> None:
    # A session of its own: the request's transaction is the route's to commit or roll back.
    try:
        async with session_scope() as session:
            await ApiKeyRepository(session, credential.factory_id).touch(
                credential.key_id, datetime.now(UTC))
            await session.commit()
    except Exception as exc:  # a missed timestamp must not fail the request it describes
        _recently_touched.pop(credential.key_id, None)
        log.warning("api_key.last_use_not_recorded", api_key_id=credential.key_id,
                    error=str(exc))


async def _load_principal(credential: KeyCredential) -> Principal | None:
    # A session of its own: its snapshot begins after the epoch was read (see EpochCache).
    async with session_scope() as session:
        return await UserRepository(session, credential.factory_id).principal(
            credential.user_id)
