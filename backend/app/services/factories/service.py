from __future__ import annotations

import re
from decimal import Decimal
from zoneinfo import available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, NotFound, ValidationFailed, not_found
from app.core.logging import get_logger
from app.models.factory import Factory
from app.repositories.factory_repo import FactoryRepository
from app.schemas.factory import FactoryPublic, FactoryRead, FactoryUpdate
from app.services.audit.service import AuditService

log = get_logger(__name__)


SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

DEFAULT_SETTINGS = {"allow_auto_register": True}

# Options kept in the factory's `settings` JSON rather than in columns of their own.
SETTINGS_KEYS = ("online_threshold_seconds", "allow_auto_register", "device_quotas")
CO2_QUANTUM = Decimal("0.000001")


class FactoryService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.repo = FactoryRepository(session)
        self.settings = settings

    async def public_directory(self, offset: int, limit: int, search: str | None
                               ) -> tuple[list[FactoryPublic], int]:
        if not self.settings.public_factory_directory:
            raise NotFound("The factory directory is not public: enter your factory code.",
                           code="FACTORY_DIRECTORY_DISABLED")
        factories, total = await self.repo.list_page(offset, limit, search)
        return [FactoryPublic.model_validate(f) for f in factories], total

    async def read(self, factory_id: int) -> FactoryRead:
        return FactoryRead.model_validate(await self._get(factory_id))

    async def _get(self, factory_id: int) -> Factory:
        factory = await self.repo.get(factory_id)
        if factory is None:
            raise not_found("factory")
        return factory

    async def create(self, *, name: str, slug: str, timezone: str = "UTC",
                     currency: str = "EUR", price_per_kwh: float = 0.2,
                     co2_kg_per_kwh: float = 0.4) -> Factory:
        if not SLUG_PATTERN.match(slug):
            raise ValidationFailed("The slug must be lowercase letters, digits and dashes.",
                                   code="INVALID_SLUG")
        if timezone not in available_timezones():
            raise ValidationFailed(f"Unknown time zone {timezone!r}.", code="INVALID_TIMEZONE")
        if await self.repo.get_by_slug(slug) is not None:
            raise Conflict(f"A factory with slug {slug!r} exists.", code="FACTORY_EXISTS")
        factory = self.repo.add(Factory(
            name=name, slug=slug, timezone=timezone, currency=currency.upper(),
            tariff={"kind": "flat", "price_per_kwh": price_per_kwh},
            co2_kg_per_kwh=Decimal(str(co2_kg_per_kwh)), settings=dict(DEFAULT_SETTINGS)))
        await self.repo.session.flush()
        return factory

    async def update(self, factory_id: int, body: FactoryUpdate, *,
                     actor_id: int | None = None, client_ip: str | None = None
                     ) -> FactoryRead:
        factory = await self._get(factory_id)
        changes = body.model_dump(exclude_unset=True, mode="python")
        options = dict(factory.settings or {})
        for key in SETTINGS_KEYS:
            if key not in changes:
                continue
            value = changes.pop(key)
            if value is None:
                options.pop(key, None)  # back to the platform default
            else:
                options[key] = value
        if "tariff" in changes:
            changes["tariff"] = body.tariff.model_dump(mode="json")
        if "co2_kg_per_kwh" in changes:
            changes["co2_kg_per_kwh"] = changes["co2_kg_per_kwh"].quantize(CO2_QUANTUM)
        for field, value in changes.items():
            setattr(factory, field, value)
        # JSON columns do not track in-place changes: assign a new dict.
        factory.settings = options
        AuditService(self.repo.session, factory.id).record(
            actor_id, "factory.updated", "factory", factory.id,
            {"fields": sorted(body.model_fields_set)}, client_ip)
        await self.repo.session.commit()
        log.info("factory.updated", factory_id=factory.id, fields=sorted(body.model_fields_set))
        return FactoryRead.model_validate(factory)


def online_threshold_seconds(factory: Factory, default_seconds: int) -> int:
    value = (factory.settings or {}).get("online_threshold_seconds")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return default_seconds
