"""Production per asset node: counted by parameters with the `production_count` role (read
exactly like energy counters: the increase per quarter, a drop being a restart from zero)
and entered or uploaded per node and local day.

A node's production in a window is its own entry for that day when the window is the whole
day and the node has one; otherwise what the counters of the devices attached to it counted
plus its children's production. A window shorter than a day (a shift) cannot split a daily
entry, so where a node of the scope has an entry on that day its production is unknown.
Figures roll up by plain addition: nodes whose units differ need baselines of their own."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ValidationFailed, not_found
from app.models.factory import Factory
from app.models.production import ProductionEntry
from app.repositories.device_repo import DeviceParameterRepository
from app.repositories.production_repo import ProductionEntryRepository
from app.schemas.production import (
    ENTRIES_MAX,
    EntriesUpsert,
    EntryInput,
    EntryRead,
    ProductionDay,
    ProductionTable,
    UploadResult,
)
from app.services.audit.service import AuditService
from app.services.energy import calculator as calc
from app.services.energy.aggregate_cache import AggregateCache
from app.services.energy.assets import load_tree
from app.services.energy.service import EnergyDevice, EnergyService
from app.services.energy.tree import Tree
from app.stores.timeseries.base import TimeSeriesStore

PRODUCTION_ROLE = "production_count"
UPLOAD_MAX_BYTES = 1_000_000
MAX_TABLE_DAYS = 400


@dataclass(frozen=True)
class Window:
    start_ms: int
    end_ms: int
    day: date              # the local day it starts on
    whole_day: bool


def entry_view(entry: ProductionEntry) -> EntryRead:
    return EntryRead(id=entry.id, node_id=entry.node_id, day=entry.day,
                     quantity=entry.quantity, created_by=entry.created_by,
                     updated_at=entry.updated_at)


def day_windows(first: date, last: date, zone) -> list[Window]:
    start = calc.day_start(first, zone)
    end = calc.next_bucket(calc.day_start(last, zone), zone, "day")
    return [Window(s, e, datetime.fromtimestamp(s / 1000, zone).date(), True)
            for s, e in calc.local_buckets(start, end, zone, "day")]


class ProductionService:
    def __init__(self, session: AsyncSession, factory: Factory, timeseries: TimeSeriesStore,
                 cache: AggregateCache | None = None, *, actor_id: int | None = None,
                 client_ip: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.session = session
        self.factory = factory
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.energy = EnergyService(session, factory, timeseries, cache, clock)
        self.zone = self.energy.zone
        self.entries = ProductionEntryRepository(session, factory.id)
        self.parameters = DeviceParameterRepository(session, factory.id)
        self.audit = AuditService(session, factory.id)

    # -- entries ---------------------------------------------------------------------------
    async def load_entry(self, entry_id: int) -> ProductionEntry:
        entry = await self.entries.get(entry_id)
        if entry is None:
            raise not_found("production_entry")
        return entry

    async def upsert(self, body: EntriesUpsert) -> list[EntryRead]:
        tree = await load_tree(self.session, self.factory.id)
        unknown = sorted({e.node_id for e in body.entries if e.node_id not in tree.nodes})
        if unknown:
            raise ValidationFailed(f"Unknown node{'s' if len(unknown) > 1 else ''}: "
                                   f"{', '.join(map(str, unknown))}.", code="UNKNOWN_NODE",
                                   details={"node_ids": unknown})
        saved = await self._save(body.entries)
        self.audit.record(self.actor_id, "production.entered", "production_entry", None,
                          {"entries": len(saved)}, self.client_ip)
        await self.session.commit()
        return [entry_view(e) for e in saved]

    async def _save(self, entries: Sequence[EntryInput]) -> list[ProductionEntry]:
        existing = {(e.node_id, e.day): e for e in await self.entries.for_keys(
            [(e.node_id, e.day) for e in entries])}
        now = datetime.now(UTC)
        saved = []
        for item in entries:
            entry = existing.get((item.node_id, item.day))
            if entry is None:
                entry = self.entries.add(ProductionEntry(
                    node_id=item.node_id, day=item.day, quantity=item.quantity,
                    created_by=self.actor_id, created_at=now, updated_at=now))
            else:
                entry.quantity, entry.updated_at = item.quantity, now
                entry.created_by = self.actor_id
            saved.append(entry)
        await self.session.flush()
        return saved

    async def delete(self, entry: ProductionEntry) -> None:
        await self.entries.delete(entry)
        self.audit.record(self.actor_id, "production.deleted", "production_entry", entry.id,
                          {"node_id": entry.node_id, "day": entry.day.isoformat()},
                          self.client_ip)
        await self.session.commit()

    async def upload(self, content: bytes) -> UploadResult:
        """CSV with a header `node,day,quantity`: node is a node id or its path of names
        ("Site / Line 1"), day is YYYY-MM-DD. Every row is checked before any is saved."""
        if len(content) > UPLOAD_MAX_BYTES:
            raise ValidationFailed(f"The file is larger than {UPLOAD_MAX_BYTES // 1000} kB.",
                                   code="UPLOAD_TOO_LARGE")
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationFailed("The file is not UTF-8 text.", code="INVALID_UPLOAD") from exc
        tree = await load_tree(self.session, self.factory.id)
        by_label = {tree.label(node_id).casefold(): node_id for node_id in tree.nodes}
        rows = list(csv.reader(io.StringIO(text)))
        header = [cell.strip().lower() for cell in rows[0]] if rows else []
        if header[:3] != ["node", "day", "quantity"]:
            raise ValidationFailed("The first line must be: node,day,quantity",
                                   code="INVALID_UPLOAD")
        problems: list[dict] = []
        items: list[EntryInput] = []
        for line, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            try:
                node_text, day_text, quantity_text = (cell.strip() for cell in row[:3])
                node_id = (int(node_text) if node_text.isdigit()
                           else by_label.get(" / ".join(
                               p.strip() for p in node_text.split("/")).casefold()))
                if node_id not in tree.nodes:
                    raise ValueError(f"no node {node_text!r}")
                items.append(EntryInput(node_id=node_id, day=date.fromisoformat(day_text),
                                        quantity=float(quantity_text)))
            except ValueError as exc:
                problems.append({"line": line, "problem": str(exc).splitlines()[0]})
        if problems:
            raise ValidationFailed(f"{len(problems)} line{'s' if len(problems) > 1 else ''} "
                                   "could not be read; nothing was saved.",
                                   code="INVALID_UPLOAD", details={"lines": problems[:50]})
        if not items or len(items) > ENTRIES_MAX:
            raise ValidationFailed(f"The file must hold between 1 and {ENTRIES_MAX} rows.",
                                   code="INVALID_UPLOAD")
        try:
            body = EntriesUpsert(entries=items)
        except ValueError as exc:
            raise ValidationFailed("A node and day appear twice in the file.",
                                   code="INVALID_UPLOAD") from exc
        return UploadResult(saved=len(body.entries), entries=await self.upsert(body))

    # -- figures ---------------------------------------------------------------------------
    async def table(self, node_id: int, first: date, last: date) -> ProductionTable:
        if last < first or (last - first).days >= MAX_TABLE_DAYS:
            raise ValidationFailed(f"Choose between 1 and {MAX_TABLE_DAYS} days.",
                                   code="INVALID_RANGE")
        tree = await load_tree(self.session, self.factory.id)
        if node_id not in tree.nodes:
            raise not_found("node")
        windows = day_windows(first, last, self.zone)
        totals = await self.production(tree, node_id, windows)
        counted = await self.production(tree, node_id, windows, with_entries=False)
        own = {e.day: e for e in await self.entries.between([node_id], first, last)}
        node = tree.nodes[node_id]
        return ProductionTable(
            node_id=node_id, name=tree.label(node_id), unit=node.production_unit,
            timezone=self.zone.key,
            days=[ProductionDay(day=w.day, counted=c, entered=own[w.day].quantity
                                if w.day in own else None, total=t,
                                entry_id=own[w.day].id if w.day in own else None)
                  for w, c, t in zip(windows, counted, totals, strict=True)])

    async def production(self, tree: Tree, node_id: int | None, windows: Sequence[Window],
                         *, with_entries: bool = True) -> list[float | None]:
        """The scope's production in each window; None where nothing counts production or
        a daily entry cannot be split."""
        if not windows:
            return []
        scope = tree.subtree_ids(node_id) if node_id is not None else set(tree.nodes)
        devices = (tree.devices_under(node_id) if node_id is not None else None)
        counters = await self._counters(devices, windows[0].start_ms, windows[-1].end_ms)
        entries: dict[tuple[int, date], float] = {}
        if with_entries and scope:
            found = await self.entries.between(sorted(scope), windows[0].day, windows[-1].day)
            entries = {(e.node_id, e.day): e.quantity for e in found}
        attached = {d: n for d, n in tree.device_nodes.items()}

        def counted(device_ids: Sequence[int], window: Window) -> float | None:
            values = [sum(v for q, v in counters[d].items()
                          if window.start_ms <= q < window.end_ms)
                      for d in device_ids if d in counters]
            return sum(values) if values else None

        def of_node(nid: int, window: Window) -> tuple[float | None, bool]:
            """(production, known): unknown when a daily entry would have to be split."""
            if (nid, window.day) in entries:
                return (entries[(nid, window.day)], True) if window.whole_day else (None, False)
            total = counted(tree.devices_of(nid), window)
            for child in tree.children(nid):
                value, known = of_node(child.id, window)
                if not known:
                    return None, False
                if value is not None:
                    total = value if total is None else total + value
            return total, True

        result: list[float | None] = []
        for window in windows:
            if node_id is not None:
                value, known = of_node(node_id, window)
                result.append(value if known else None)
                continue
            total = counted([d for d in counters if d not in attached], window)
            known = True
            for root in tree.roots:
                value, root_known = of_node(root.id, window)
                known = known and root_known
                if value is not None:
                    total = value if total is None else total + value
            result.append(total if known else None)
        return result

    async def _counters(self, device_ids: Sequence[int] | None, start_ms: int, end_ms: int
                        ) -> dict[int, dict[int, float]]:
        """Units per quarter of each device with a production counter (all the factory's
        devices when `device_ids` is None), by the energy counter's arithmetic."""
        rows = await self.parameters.with_roles((PRODUCTION_ROLE,), device_ids)
        keys: dict[int, str] = {}
        for device_id, _role, key in rows:
            keys.setdefault(device_id, key)
        counters = [EnergyDevice(id=device_id, name="", counter_key=key, power_key=None,
                                 power_factor_key=None, idle_threshold_kw=None)
                    for device_id, key in keys.items()]
        quarters = await self.energy.device_quarters(counters, start_ms, end_ms)
        return {device_id: q.energy for device_id, q in quarters.items()}
