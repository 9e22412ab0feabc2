"""Old rows of one factory, found and deleted a batch at a time (the purge commits after each
batch, so no statement holds many rows locked for long)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql import ColumnElement

from app.models.alert import ALERT_RESOLVED, Alert
from app.models.analytics_job import JOB_CANCELLED, JOB_COMPLETE, JOB_FAILED
from app.models.audit_log import AuditLog
from app.models.notification import NotificationDelivery
from app.models.user import RefreshToken, UserToken
from app.repositories.base import TenantRepository

FINISHED_JOB_STATUSES = (JOB_COMPLETE, JOB_FAILED, JOB_CANCELLED)


class OldRows(TenantRepository[Any]):
    """Batches of one table's rows matching a purge condition, oldest ids first."""

    def __init__(self, session, factory_id: int, model: Any) -> None:
        super().__init__(session, factory_id)
        self.model = model

    async def batch(self, condition: ColumnElement[bool], limit: int,
                    *columns: Any) -> list[tuple]:
        stmt = self.select(self.model.id, *columns).where(condition)
        rows = await self.session.execute(stmt.order_by(self.model.id).limit(limit))
        return [tuple(row) for row in rows]

    async def delete_ids(self, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        result = await self.session.execute(
            self.delete_stmt().where(self.model.id.in_(list(ids))))
        return int(result.rowcount or 0)

    async def delete_where(self, condition: ColumnElement[bool]) -> int:
        result = await self.session.execute(self.delete_stmt().where(condition))
        return int(result.rowcount or 0)


def resolved_alerts_before(cutoff: datetime) -> ColumnElement[bool]:
    return and_(Alert.status == ALERT_RESOLVED, Alert.resolved_at < cutoff)


def deliveries_of(alert_ids: Sequence[int]) -> ColumnElement[bool]:
    return NotificationDelivery.alert_id.in_(list(alert_ids))


def loose_deliveries_before(cutoff: datetime) -> ColumnElement[bool]:
    """Digests and deliveries whose alert is gone: nothing else ever deletes them."""
    return and_(NotificationDelivery.alert_id.is_(None), NotificationDelivery.created_at < cutoff)


def audit_entries_before(cutoff: datetime) -> ColumnElement[bool]:
    return AuditLog.created_at < cutoff


def finished_jobs_before(model: Any, cutoff: datetime) -> ColumnElement[bool]:
    return and_(model.status.in_(FINISHED_JOB_STATUSES),
                or_(model.completed_at < cutoff,
                    and_(model.completed_at.is_(None), model.created_at < cutoff)))


def spent_user_tokens_before(cutoff: datetime) -> ColumnElement[bool]:
    return or_(UserToken.used_at < cutoff, UserToken.expires_at < cutoff)


def dead_refresh_tokens_before(cutoff: datetime, now: datetime) -> ColumnElement[bool]:
    """Revoked tokens are kept until they would have expired: presenting one of them again
    is how a stolen token is noticed (it ends every session of its user)."""
    return or_(RefreshToken.expires_at < cutoff,
               and_(RefreshToken.revoked_at < cutoff, RefreshToken.expires_at < now))
