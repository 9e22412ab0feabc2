"""The demo factory `make run` and the browser tests sign in to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models.user import PERMISSIONS, ROLE_SUPER_ADMIN, ROLE_USER
from app.repositories.factory_repo import FactoryRepository
from app.repositories.user_repo import UserRepository
from app.services.factory_service import FactoryService
from app.services.user_service import UserService

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Factory"
DEMO_ADMIN = ("admin@demo.factoryops.io", "demo-admin-2026", "Dana Admin")
DEMO_OPERATOR = ("operator@demo.factoryops.io", "demo-operator-2026", "Omar Operator")
OPERATOR_PERMISSIONS = ["acknowledge_alerts"]


@dataclass
class DemoLogins:
    factory_id: int
    factory_slug: str
    admin: tuple[str, str]
    operator: tuple[str, str]


async def seed_demo(session: AsyncSession, settings: Settings) -> DemoLogins:
    """Creates what is missing and leaves what exists: safe to run at every start."""
    factory = await FactoryRepository(session).get_by_slug(DEMO_SLUG)
    if factory is None:
        factory = await FactoryService(session, settings).create(
            name=DEMO_NAME, slug=DEMO_SLUG, timezone="Europe/Berlin", currency="EUR",
            price_per_kwh=0.22, co2_kg_per_kwh=0.38)
        factory.tariff = {
            "kind": "tou",
            "default_price_per_kwh": 0.18,
            "periods": [{"name": "peak", "days": [0, 1, 2, 3, 4], "start": "08:00",
                         "end": "20:00", "price_per_kwh": 0.29}],
        }
    users = UserService(session, factory.id)
    existing = UserRepository(session, factory.id)
    for (email, password, name), role, perms in (
        (DEMO_ADMIN, ROLE_SUPER_ADMIN, list(PERMISSIONS)),
        (DEMO_OPERATOR, ROLE_USER, OPERATOR_PERMISSIONS),
    ):
        if await existing.get_by_email(email) is None:
            await users.create(email=email, password=password, full_name=name, role=role,
                               permissions=perms)
    await session.commit()
    return DemoLogins(factory.id, factory.slug, DEMO_ADMIN[:2], DEMO_OPERATOR[:2])
