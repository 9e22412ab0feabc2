"""Maintenance windows: while one covers a device, the device's new alerts are recorded as
muted and notify nobody. Adding and removing one is audited."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import not_found
from app.core.logging import get_logger
from app.models.alert import MaintenanceWindow
from app.models.device import Device
from app.repositories.alert_event_repo import MaintenanceRepository
from app.schemas.alert import MaintenanceWindowCreate, MaintenanceWindowRead
from app.services.audit.service import AuditService

log = get_logger(__name__)


class MaintenanceService:
    def __init__(self, session: AsyncSession, factory_id: int, *, actor_id: int | None = None,
                 client_ip: str | None = None) -> None:
        self.session = session
        self.factory_id = factory_id
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.windows = MaintenanceRepository(session, factory_id)
        self.audit = AuditService(session, factory_id)

    async def list(self, device: Device) -> list[MaintenanceWindowRead]:
        return [MaintenanceWindowRead.model_validate(w)
                for w in await self.windows.for_device(device.id)]

    async def create(self, device: Device, body: MaintenanceWindowCreate
                     ) -> MaintenanceWindowRead:
        window = self.windows.add(MaintenanceWindow(
            device_id=device.id, starts_at=body.starts_at, ends_at=body.ends_at,
            reason=body.reason, created_by=self.actor_id))
        await self.session.flush()
        self.audit.record(self.actor_id, "maintenance.scheduled", "device", device.id, {
            "window_id": window.id, "starts_at": body.starts_at.isoformat(),
            "ends_at": body.ends_at.isoformat(), "reason": body.reason}, self.client_ip)
        await self.session.commit()
        log.info("maintenance.scheduled", device_id=device.id, window_id=window.id)
        return MaintenanceWindowRead.model_validate(window)

    async def delete(self, device: Device, window_id: int) -> None:
        window = await self.windows.get(window_id)
        if window is None or window.device_id != device.id:
            raise not_found("maintenance_window")
        self.audit.record(self.actor_id, "maintenance.removed", "device", device.id, {
            "window_id": window.id, "starts_at": window.starts_at.isoformat(),
            "ends_at": window.ends_at.isoformat()}, self.client_ip)
        await self.windows.delete(window)
        await self.session.commit()
        log.info("maintenance.removed", device_id=device.id, window_id=window_id)
