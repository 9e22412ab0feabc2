"""Keys of deleted devices that auto-registration must not bring back yet."""

from __future__ import annotations

from datetime import datetime

from app.models.device import RetiredDeviceKey
from app.repositories.base import TenantRepository


class RetiredDeviceKeyRepository(TenantRepository[RetiredDeviceKey]):
    model = RetiredDeviceKey

    async def retire(self, device_key: str, at: datetime) -> None:
        """Starts (or restarts) the key's grace period."""
        await self.forget(device_key)
        self.add(RetiredDeviceKey(device_key=device_key, retired_at=at))

    async def forget(self, device_key: str) -> None:
        await self.session.execute(
            self.delete_stmt().where(RetiredDeviceKey.device_key == device_key))

    async def retired_since(self, device_key: str, since: datetime) -> bool:
        """Whether the key was retired at or after `since` (still in its grace period)."""
        stmt = self.select(RetiredDeviceKey.id).where(RetiredDeviceKey.device_key == device_key,
                                                      RetiredDeviceKey.retired_at >= since)
        return (await self.session.execute(stmt.limit(1))).first() is not None
