"""What the dashboard counts: devices by status and recency, open alerts by severity, and the
newest alerts. Reads the devices and alerts tables, factory-scoped like every repository.
Asked on every dashboard refresh, so each query is a template built once (see
TenantRepository.template)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, case, func

from app.models.alert import ALERT_OPEN, Alert
from app.models.device import Device
from app.repositories.base import TENANT_PARAMETER, TenantRepository
from app.schemas.dashboard import AlertBrief


class DeviceCountRepository(TenantRepository[Device]):
    model = Device

    async def by_status_and_recency(self, online_since: datetime) -> dict[tuple[str, bool], int]:
        """(status, seen at or after `online_since`) → number of devices, in one query."""
        rows = await self.run(_DEVICE_COUNTS, online_since=online_since)
        return {(status, bool(is_recent)): int(count) for status, is_recent, count in rows}


class AlertDigestRepository(TenantRepository[Alert]):
    model = Alert

    async def open_by_severity(self) -> dict[str, int]:
        return {severity: int(count)
                for severity, count in await self.run(_OPEN_BY_SEVERITY)}

    async def newest(self, limit: int) -> list[AlertBrief]:
        """The newest alerts with their device's name (a deleted device leaves none)."""
        rows = await self.run(_NEWEST_ALERTS, limit=limit)
        return [AlertBrief(id=row[0], device_id=row[1], device_name=row[2], rule_id=row[3],
                           severity=row[4], title=row[5], status=row[6],
                           triggered_at=row[7]) for row in rows]


_devices = Device.__table__.c
_alerts = Alert.__table__.c

_recent = case((_devices.last_seen_at >= bindparam("online_since"), 1), else_=0)
_DEVICE_COUNTS = (DeviceCountRepository.template(_devices.status, _recent, func.count())
                  .group_by(_devices.status, _recent))

_OPEN_BY_SEVERITY = (AlertDigestRepository.template(_alerts.severity, func.count())
                     .where(_alerts.status == ALERT_OPEN).group_by(_alerts.severity))

_NEWEST_ALERTS = (
    AlertDigestRepository.template(_alerts.id, _alerts.device_id, _devices.name, _alerts.rule_id,
                                   _alerts.severity, _alerts.title, _alerts.status,
                                   _alerts.triggered_at)
    .select_from(Alert.__table__.outerjoin(Device.__table__, and_(
        _devices.id == _alerts.device_id,
        _devices.factory_id == bindparam(TENANT_PARAMETER))))
    .order_by(_alerts.triggered_at.desc(), _alerts.id.desc())
    .limit(bindparam("limit")))
