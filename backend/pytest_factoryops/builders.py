"""Small builders for test data, writing through the real database: `make.tenant()`,
`make.user(...)`, `make.headers(user)`, `make.device(...)`, `make.parameter(...)`,
`make.api_key(...)`."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import timedelta

TEST_PASSWORD = "Correct-Horse-42"

_sequence = itertools.count(1)
_password_hash_cache: dict[str, str] = {}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}-{next(_sequence)}"


def _hashed(password: str) -> str:
    from app.core.security import hash_password

    if password not in _password_hash_cache:
        _password_hash_cache[password] = hash_password(password)
    return _password_hash_cache[password]


@dataclass
class Tenant:
    """A factory with a super admin, ready for requests."""

    factory: object
    admin: object
    headers: dict[str, str]

    @property
    def id(self) -> int:
        return self.factory.id


@dataclass
class IssuedKey:
    """An API key as its holder has it, with its row and service account."""

    secret: str
    row: object
    account: object

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.secret}

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


class Factories:
    """Small builders for test data, writing through the real database."""

    def __init__(self, settings) -> None:
        self.settings = settings

    async def factory(self, **overrides):
        from app.core.database import session_scope
        from app.models import Factory

        slug = overrides.pop("slug", None) or unique("plant")
        async with session_scope() as session:
            factory = Factory(
                name=overrides.pop("name", f"Factory {slug}"), slug=slug,
                timezone=overrides.pop("timezone", "UTC"),
                currency=overrides.pop("currency", "EUR"),
                tariff=overrides.pop("tariff", {"kind": "flat", "price_per_kwh": 0.2}),
                co2_kg_per_kwh=overrides.pop("co2_kg_per_kwh", 0.4),
                settings=overrides.pop("settings", {"allow_auto_register": True}),
                **overrides)
            session.add(factory)
            await session.commit()
            return factory

    async def user(self, factory, *, role: str = "user", permissions=(), email=None,
                   password: str = TEST_PASSWORD, is_active: bool = True, **extra):
        from app.core.database import session_scope
        from app.models import User
        from app.models.user import PERMISSIONS

        if role == "super_admin" and not permissions:
            permissions = PERMISSIONS
        async with session_scope() as session:
            user = User(factory_id=factory.id, email=(email or unique("user") + "@test.io"),
                        full_name=extra.pop("full_name", "Test User"), role=role,
                        permissions=sorted(permissions), hashed_password=_hashed(password),
                        is_active=is_active, **extra)
            session.add(user)
            await session.commit()
            return user

    def headers(self, user) -> dict[str, str]:
        from app.core.security import ACCESS, create_token

        token, _ = create_token(self.settings, user_id=user.id, factory_id=user.factory_id,
                                role=user.role, token_type=ACCESS,
                                version=user.token_version,
                                lifetime=timedelta(minutes=15))
        return {"Authorization": f"Bearer {token}"}

    async def device(self, owner, **fields):
        """A device of `owner` (a Tenant or a Factory); `fields` override any column."""
        from app.core.database import session_scope
        from app.models import Device

        key = fields.pop("device_key", None) or unique("meter")
        async with session_scope() as session:
            device = Device(factory_id=owner.id, device_key=key,
                            name=fields.pop("name", f"Device {key}"), **fields)
            session.add(device)
            await session.commit()
            return device

    async def parameter(self, device, key: str, **fields):
        from app.core.database import session_scope
        from app.models import DeviceParameter

        async with session_scope() as session:
            parameter = DeviceParameter(factory_id=device.factory_id, device_id=device.id,
                                        parameter_key=key, **fields)
            session.add(parameter)
            await session.commit()
            return parameter

    async def api_key(self, owner, *, permissions=(), ingest_device_ids=(), expires_at=None,
                      revoked_at=None, name: str | None = None) -> IssuedKey:
        """An API key of `owner` (a Tenant or a Factory) and its service account, written
        straight to the database (so that expired and revoked keys can be made too)."""
        from app.core.api_key_format import api_key_hash, display_prefix, new_api_key
        from app.core.database import session_scope
        from app.models import ApiKey, User

        secret = new_api_key()
        name = name or unique("key")
        async with session_scope() as session:
            account = User(factory_id=owner.id, email=unique("key") + "@api-keys.invalid",
                           full_name=name, role="user", kind="service",
                           permissions=sorted(permissions), is_active=revoked_at is None)
            session.add(account)
            await session.flush()
            key = ApiKey(factory_id=owner.id, user_id=account.id, name=name,
                         prefix=display_prefix(secret), secret_hash=api_key_hash(secret),
                         ingest_device_ids=sorted(ingest_device_ids), expires_at=expires_at,
                         revoked_at=revoked_at)
            session.add(key)
            await session.commit()
            return IssuedKey(secret, key, account)

    async def tenant(self, **factory_overrides) -> Tenant:
        factory = await self.factory(**factory_overrides)
        admin = await self.user(factory, role="super_admin")
        return Tenant(factory, admin, self.headers(admin))
