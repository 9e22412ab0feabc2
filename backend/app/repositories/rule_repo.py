from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from app.models.asset import AssetNode, AssetNodeDevice
from app.models.device import STATUS_DISABLED, Device
from app.models.device_parameter import DeviceParameter
from app.models.rule import Rule, RuleCooldown, RuleState
from app.repositories.base import TenantRepository
from app.repositories.upsert import insert_ignoring_duplicates

Pair = tuple[int, int]
"""(rule_id, device_id)."""


@dataclass(frozen=True)
class RuleFilters:
    is_active: bool | None = None
    severity: str | None = None
    q: str | None = None


def scope_clause(scope: dict, factory_id: int) -> object:
    """The devices a rule's scope covers, as a WHERE clause on `devices`."""
    kind = scope.get("kind", "all")
    if kind == "node":
        # Devices on the node or below it: nodes whose path starts with the node's.
        root_path = (select(AssetNode.path)
                     .where(AssetNode.id == int(scope.get("node_id") or 0),
                            AssetNode.factory_id == factory_id)
                     .scalar_subquery())
        attached = (select(AssetNodeDevice.device_id)
                    .join(AssetNode, AssetNode.id == AssetNodeDevice.node_id)
                    .where(AssetNodeDevice.factory_id == factory_id,
                           AssetNode.factory_id == factory_id,
                           AssetNode.path.startswith(root_path)))
        return Device.id.in_(attached)
    if kind == "devices":
        return Device.id.in_([int(i) for i in scope.get("device_ids") or []])
    if kind == "type":
        return Device.type == scope.get("value")
    if kind == "area":
        return Device.area == scope.get("value")
    return Device.id.is_not(None)


class RuleRepository(TenantRepository[Rule]):
    model = Rule

    async def list_page(self, filters: RuleFilters, *, offset: int, limit: int
                        ) -> tuple[list[Rule], int]:
        stmt = self.select()
        if filters.is_active is not None:
            stmt = stmt.where(Rule.is_active.is_(filters.is_active))
        if filters.severity:
            stmt = stmt.where(Rule.severity == filters.severity)
        if filters.q:
            needle = filters.q.lower()
            stmt = stmt.where(or_(func.lower(Rule.name).contains(needle, autoescape=True),
                                  func.lower(Rule.description).contains(needle,
                                                                        autoescape=True)))
        return await self.page(stmt, offset=offset, limit=limit, order_by=(Rule.name, Rule.id))

    async def fingerprint(self) -> int:
        """Changes whenever a rule of the factory is created, changed or deleted: the rule
        engine's cache key where no shared version counter exists."""
        count, newest = (await self.session.execute(
            self.select(func.count(Rule.id), func.max(Rule.updated_at)))).one()
        return hash((count, newest))

    async def active(self) -> list[Rule]:
        result = await self.session.execute(
            self.select().where(Rule.is_active.is_(True)).order_by(Rule.id))
        return list(result.scalars())

    async def names_of_all(self) -> set[str]:
        return set((await self.session.execute(self.select(Rule.name))).scalars())

    async def names(self, ids: Iterable[int]) -> dict[int, str]:
        ids = sorted({i for i in ids if i is not None})
        if not ids:
            return {}
        rows = await self.session.execute(self.select(Rule.id, Rule.name)
                                          .where(Rule.id.in_(ids)))
        return {int(i): name for i, name in rows}


async def factories_with_active_rules(session) -> list[int]:
    """The factories the rule engine's clock looks at. Spans factories on purpose: the tick is
    one periodic task for the whole platform; each factory is then evaluated on its own."""
    stmt = (select(Rule.factory_id).where(Rule.is_active.is_(True)).distinct()
            .order_by(Rule.factory_id).execution_options(cross_tenant=True))
    return [int(f) for f in (await session.execute(stmt)).scalars()]


class ScopeRepository(TenantRepository[Device]):
    """Which devices and which discovered parameters a rule's scope covers."""

    model = Device

    async def enabled_device_ids(self) -> list[int]:
        stmt = (self.select(Device.id).where(Device.status != STATUS_DISABLED)
                .order_by(Device.id))
        return [int(i) for i in (await self.session.execute(stmt)).scalars()]

    async def existing_device_ids(self, ids: Sequence[int]) -> set[int]:
        if not ids:
            return set()
        rows = await self.session.execute(self.select(Device.id).where(Device.id.in_(ids)))
        return set(rows.scalars())

    async def devices_in_scope(self, scope: dict, limit: int) -> list[Device]:
        stmt = (self.select()
                .where(scope_clause(scope, self.factory_id), Device.status != STATUS_DISABLED)
                .order_by(Device.name, Device.id).limit(limit))
        return list((await self.session.execute(stmt)).scalars())

    async def known_parameters(self, scope: dict, keys: Sequence[str]) -> set[str]:
        """Which of `keys` some device in scope has reported."""
        if not keys:
            return set()
        stmt = (self.select(DeviceParameter.parameter_key).select_from(Device)
                .join(DeviceParameter, and_(DeviceParameter.device_id == Device.id,
                                            DeviceParameter.factory_id == self.factory_id))
                .where(scope_clause(scope, self.factory_id),
                       DeviceParameter.parameter_key.in_(list(keys)))
                .distinct())
        return set((await self.session.execute(stmt)).scalars())

    async def parameter_summary(self, scope: dict, limit: int
                                ) -> list[tuple[str, str | None, str | None, int]]:
        """(key, a display name, a unit, how many devices) of every parameter reported by
        the devices in scope the engine evaluates, by key."""
        stmt = (self.select(DeviceParameter.parameter_key,
                            func.max(DeviceParameter.display_name),
                            func.max(DeviceParameter.unit),
                            func.count(DeviceParameter.device_id))
                .select_from(Device)
                .join(DeviceParameter, and_(DeviceParameter.device_id == Device.id,
                                            DeviceParameter.factory_id == self.factory_id))
                .where(scope_clause(scope, self.factory_id), Device.status != STATUS_DISABLED)
                .group_by(DeviceParameter.parameter_key)
                .order_by(DeviceParameter.parameter_key)
                .limit(limit))
        rows = await self.session.execute(stmt)
        return [(key, name, unit, int(count)) for key, name, unit, count in rows]

    async def node_paths(self, device_ids: Sequence[int]) -> dict[int, str]:
        """Device id → path of the asset node it hangs on (devices on no node are absent)."""
        if not device_ids:
            return {}
        stmt = (select(AssetNodeDevice.device_id, AssetNode.path)
                .join(AssetNode, AssetNode.id == AssetNodeDevice.node_id)
                .where(AssetNodeDevice.factory_id == self.factory_id,
                       AssetNode.factory_id == self.factory_id,
                       AssetNodeDevice.device_id.in_(list(device_ids))))
        return {int(d): path for d, path in await self.session.execute(stmt)}

    async def node_exists(self, node_id: int) -> bool:
        stmt = select(AssetNode.id).where(AssetNode.id == node_id,
                                          AssetNode.factory_id == self.factory_id)
        return (await self.session.execute(stmt)).first() is not None

    async def describe(self, ids: Sequence[int]) -> list[Device]:
        if not ids:
            return []
        stmt = self.select().where(Device.id.in_(list(ids)))
        return list((await self.session.execute(stmt)).scalars())


class RuleCooldownRepository(TenantRepository[RuleCooldown]):
    model = RuleCooldown

    # -- many pairs at once, inside one transaction ----------------------------------------
    async def lock(self, pairs: Sequence[Pair]) -> dict[Pair, datetime]:
        """Last trigger per existing pair, row-locked until the transaction ends."""
        if not pairs:
            return {}
        stmt = (self.select(RuleCooldown.rule_id, RuleCooldown.device_id,
                            RuleCooldown.last_triggered_at)
                .where(tuple_(RuleCooldown.rule_id, RuleCooldown.device_id).in_(list(pairs)))
                .with_for_update())
        rows = await self.session.execute(stmt)
        return {(int(r), int(d)): at for r, d, at in rows}

    async def insert_many(self, rows: Sequence[tuple[int, int, datetime]]) -> None:
        """First triggers; a pair another worker inserted meanwhile raises IntegrityError."""
        if rows:
            await self.session.execute(insert(RuleCooldown.__table__), [
                {"factory_id": self.factory_id, "rule_id": r, "device_id": d,
                 "last_triggered_at": at} for r, d, at in rows])

    async def set_many(self, rows: Sequence[tuple[int, int, datetime]]) -> None:
        """Later triggers of pairs locked by `lock`."""
        if not rows:
            return
        table = RuleCooldown.__table__
        stmt = (update(table)
                .where(table.c.factory_id == self.factory_id,
                       table.c.rule_id == bindparam("b_rule"),
                       table.c.device_id == bindparam("b_device"))
                .values(last_triggered_at=bindparam("b_at")))
        await self.session.execute(stmt, [{"b_rule": r, "b_device": d, "b_at": at}
                                          for r, d, at in rows])

    # -- one pair, when workers race -------------------------------------------------------

    async def claim(self, rule_id: int, device_id: int, at: datetime, cooldown_seconds: int
                    ) -> bool:
        """Record a trigger at `at` unless the last one is within the cooldown (or is not
        older than `at`: the same batch seen twice). The database decides, so of several
        workers evaluating one batch exactly one wins."""
        if await self._advance(rule_id, device_id, at, cooldown_seconds):
            return True
        try:
            async with self.session.begin_nested():
                self.add(RuleCooldown(rule_id=rule_id, device_id=device_id,
                                      last_triggered_at=at))
            return True
        except IntegrityError:
            # Another worker inserted it first; its trigger may or may not cover ours.
            return await self._advance(rule_id, device_id, at, cooldown_seconds)

    async def _advance(self, rule_id: int, device_id: int, at: datetime,
                       cooldown_seconds: int) -> bool:
        stmt = (self.update()
                .where(RuleCooldown.rule_id == rule_id, RuleCooldown.device_id == device_id,
                       RuleCooldown.last_triggered_at < at,
                       RuleCooldown.last_triggered_at <= at - timedelta(
                           seconds=cooldown_seconds))
                .values(last_triggered_at=at)
                .execution_options(synchronize_session=False))
        result = await self.session.execute(stmt)
        return result.rowcount == 1


class RuleStateRepository(TenantRepository[RuleState]):
    model = RuleState

    async def pending_since(self, pairs: Sequence[Pair]) -> dict[Pair, datetime]:
        if not pairs:
            return {}
        stmt = self.select(RuleState.rule_id, RuleState.device_id, RuleState.pending_since
                           ).where(tuple_(RuleState.rule_id, RuleState.device_id).in_(
                               list(pairs)), RuleState.pending_since.is_not(None))
        rows = await self.session.execute(stmt)
        return {(int(r), int(d)): since for r, d, since in rows}

    async def pending_pairs(self, rule_ids: Sequence[int]) -> list[Pair]:
        """(rule, device) of the sustained conditions currently counting."""
        if not rule_ids:
            return []
        stmt = self.select(RuleState.rule_id, RuleState.device_id).where(
            RuleState.rule_id.in_(list(rule_ids)), RuleState.pending_since.is_not(None))
        return [(int(r), int(d)) for r, d in await self.session.execute(stmt)]

    async def start_pending(self, pairs: Sequence[tuple[int, int, datetime]]) -> None:
        """Mark conditions that began to hold; an earlier start already recorded wins."""
        if not pairs:
            return
        now = max(at for _, _, at in pairs)
        await insert_ignoring_duplicates(self.session, RuleState.__table__, [
            {"factory_id": self.factory_id, "rule_id": r, "device_id": d,
             "pending_since": at, "updated_at": now} for r, d, at in pairs])
        for rule_id, device_id, at in pairs:
            await self.session.execute(
                self.update()
                .where(RuleState.rule_id == rule_id, RuleState.device_id == device_id,
                       or_(RuleState.pending_since.is_(None), RuleState.pending_since > at))
                .values(pending_since=at, updated_at=at)
                .execution_options(synchronize_session=False))

    async def clear_pending(self, pairs: Sequence[tuple[int, int, datetime]]) -> None:
        """Forget conditions that stopped holding, unless they started again later than the
        observation that cleared them (batches may be evaluated out of order)."""
        for rule_id, device_id, at in pairs:
            await self.session.execute(
                self.update()
                .where(RuleState.rule_id == rule_id, RuleState.device_id == device_id,
                       RuleState.pending_since <= at)
                .values(pending_since=None, updated_at=at)
                .execution_options(synchronize_session=False))
