"""What the dashboard counts: devices by status and recency, open alerts by severity, and the
newest alerts. Reads the devices and alerts tables, factory-scoped like every repository."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func

from app.models.alert import ALERT_OPEN, Alert
from app.models.device import Device
from app.repositories.base import TenantRepository


class DeviceCountRepository(TenantRepository[Device]):
    model = Device

    async def by_status_and_recency(self, online_since: datetime) -> dict[tuple[str, bool], int]:
        """(status, seen at or after `online_since`) → number of devices, in one query."""
        recent = case((Device.last_seen_at >= online_since, 1), else_=0)
        stmt = (self.select(Device.status, recent, func.count())
                .group_by(Device.status, recent))
        rows = await self.session.execute(stmt)
        return {(status, bool(is_recent)): int(count) for status, is_recent, count in rows}


class AlertDigestRepository(TenantRepository[Alert]):
    model = Alert

    async def open_by_severity(self) -> dict[str, int]:
        stmt = (self.select(Alert.severity, func.count())
                .where(Alert.status == ALERT_OPEN).group_by(Alert.severity))
        return {severity: int(count) for severity, count in await self.session.execute(stmt)}

    async def newest(self, limit: int) -> list[dict[str, Any]]:
        """The newest alerts with their device's name (a deleted device leaves none)."""
        stmt = (self.select(Alert.id, Alert.device_id, Device.name, Alert.rule_id,
                            Alert.severity, Alert.title, Alert.status, Alert.triggered_at)
                .outerjoin(Device, and_(Device.id == Alert.device_id,
                                        Device.factory_id == self.factory_id))
                .order_by(Alert.triggered_at.desc(), Alert.id.desc())
                .limit(limit))
        rows = await self.session.execute(stmt)
        return [{"id": row[0], "device_id": row[1], "device_name": row[2], "rule_id": row[3],
                 "severity": row[4], "title": row[5], "status": row[6],
                 "triggered_at": row[7]} for row in rows]
