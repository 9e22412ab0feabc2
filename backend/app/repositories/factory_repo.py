from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.factory import Factory


class FactoryRepository:
    """Factories are the tenants themselves, so this repository is not factory-scoped."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, factory_id: int) -> Factory | None:
        return await self.session.get(Factory, factory_id)

    async def get_by_slug(self, slug: str) -> Factory | None:
        result = await self.session.execute(select(Factory).where(Factory.slug == slug))
        return result.scalar_one_or_none()

    async def list_page(self, offset: int, limit: int, search: str | None = None
                        ) -> tuple[list[Factory], int]:
        stmt = select(Factory)
        if search:
            like = f"%{search.lower()}%"
            stmt = stmt.where(func.lower(Factory.name).like(like) | Factory.slug.like(like))
        total = (await self.session.execute(
            select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = await self.session.execute(stmt.order_by(Factory.name, Factory.id)
                                          .offset(offset).limit(limit))
        return list(rows.scalars()), int(total)

    async def all(self) -> list[Factory]:
        rows = await self.session.execute(select(Factory).order_by(Factory.slug))
        return list(rows.scalars())

    def add(self, factory: Factory) -> Factory:
        self.session.add(factory)
        return factory
