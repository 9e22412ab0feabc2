"""Alerts that reach operators, on the real database and Redis: escalation rounds with
short intervals and their timeline, acknowledging stops them, snooze, maintenance windows
that mute a device, notifications when an alert resolves, and racing sweeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.database import session_scope
from app.models import Alert, AuditLog, NotificationDelivery
from app.services.alerts.escalation import EscalationPlan, Escalator, escalate_due
from app.services.rules.engine import RuleEngine
from app.services.rules.versions import RuleVersions
from app.stores.timeseries.base import to_epoch_ms

HIGH_POWER = {"parameter": "power_kw", "operator": ">", "value": 100}


@pytest.fixture
async def versions(settings):
    versions = RuleVersions(settings.redis_url)
    yield versions
    await versions.close()


@pytest.fixture
def engine(app, versions):
    return RuleEngine(app.state.resources.latest, versions)


def batch(device, at: datetime, **values) -> dict:
    ts = to_epoch_ms(at)
    return {str(device.factory_id): {str(device.id): {k: [ts, v] for k, v in values.items()}}}


async def create_rule(client, owner, **body) -> dict:
    body.setdefault("name", "High power")
    body.setdefault("condition", HIGH_POWER)
    body.setdefault("cooldown_minutes", 0)
    body.setdefault("allow_unseen_parameters", True)
    r = await client.post("/api/v1/rules", json=body, headers=owner.headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def deliveries(owner) -> list[NotificationDelivery]:
    async with session_scope() as session:
        return list((await session.execute(select(NotificationDelivery).where(
            NotificationDelivery.factory_id == owner.id).order_by(
                NotificationDelivery.id))).scalars())


async def the_alert(owner) -> Alert:
    async with session_scope() as session:
        return (await session.execute(select(Alert).where(
            Alert.factory_id == owner.id))).scalar_one()


async def escalate(owner, now: datetime) -> list[int]:
    """The sweep's escalation step; what it queued for this factory (others' tests run on
    the same database)."""
    return [d for f, d in await escalate_due(now) if f == owner.id]


def test_rounds_merge_repeats_and_steps():
    plan = EscalationPlan.of({"repeat_seconds": 60, "steps": [
        {"after_seconds": 90, "channels": ["email"], "recipients": {"emails": ["b@x.io"]}},
        {"after_seconds": 120, "channels": ["email"], "recipients": {"emails": ["c@x.io"]}}]})
    assert [plan.round_at(n) for n in range(1, 6)] == [60, 90, 120, 180, 240]
    only_steps = EscalationPlan.of({"steps": [
        {"after_seconds": 30, "channels": ["email"], "recipients": {}}]})
    assert [only_steps.round_at(n) for n in (1, 2)] == [30, None]
    assert EscalationPlan.of(None) is None and EscalationPlan.of({"steps": []}) is None


async def test_escalation_rounds_until_acknowledged_with_their_timeline(
        client, engine, make, tenant):
    device = await make.device(tenant, name="Kiln 2")
    await create_rule(client, tenant, channels=["email"],
                      recipients={"emails": ["shift@plant.example"]}, escalation={
                          "repeat_seconds": 60, "steps": [{
                              "after_seconds": 90, "channels": ["email"],
                              "recipients": {"emails": ["boss@plant.example"]}}]})
    t0 = datetime.now(UTC).replace(microsecond=0)
    await engine.evaluate_batch(batch(device, t0, power_kw=150.0))
    alert = await the_alert(tenant)
    assert (alert.escalation_step, alert.next_escalation_at) == (0, t0 + timedelta(seconds=60))

    assert await escalate(tenant, t0 + timedelta(seconds=59)) == [], "not due yet"
    first = await escalate(tenant, t0 + timedelta(seconds=61))
    second = await escalate(tenant, t0 + timedelta(seconds=91))
    assert (len(first), len(second)) == (1, 2), "the boss joins from 90 s on"
    rows = await deliveries(tenant)
    assert [(r.event, r.step, r.recipient) for r in rows] == [
        ("raised", 0, "shift@plant.example"),
        ("escalated", 1, "shift@plant.example"),
        ("escalated", 2, "shift@plant.example"), ("escalated", 2, "boss@plant.example")]

    r = await client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["next_escalation_at"] is None
    assert await escalate(tenant, t0 + timedelta(seconds=3600)) == [], "acknowledged: no more"
    assert len(await deliveries(tenant)) == 4

    r = await client.get(f"/api/v1/alerts/{alert.id}/timeline", headers=tenant.headers)
    assert r.status_code == 200, r.text
    timeline = r.json()["data"]
    assert [(e["kind"], e["details"].get("step")) for e in timeline["events"]] == [
        ("raised", None), ("escalated", 1), ("escalated", 2), ("acknowledged", None)]
    assert timeline["events"][-1]["actor_name"]
    assert [(d["recipient"], d["event"], d["step"], d["status"])
            for d in timeline["deliveries"]] == [
        ("shift@plant.example", "raised", 0, "pending"),
        ("shift@plant.example", "escalated", 1, "pending"),
        ("shift@plant.example", "escalated", 2, "pending"),
        ("boss@plant.example", "escalated", 2, "pending")]


async def test_racing_sweeps_send_a_round_once(client, engine, make, tenant):
    device = await make.device(tenant)
    await create_rule(client, tenant, channels=["email"],
                      recipients={"emails": ["race@plant.example"]},
                      escalation={"repeat_seconds": 30})
    t0 = datetime.now(UTC).replace(microsecond=0)
    await engine.evaluate_batch(batch(device, t0, power_kw=150.0))
    alert = await the_alert(tenant)

    async def one() -> list[int]:
        async with session_scope() as session:
            return await Escalator(session, tenant.id).escalate(alert.id,
                                                                t0 + timedelta(seconds=31))

    results = await asyncio.gather(*[one() for _ in range(4)])
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert [r.step for r in await deliveries(tenant)] == [0, 1]


async def test_snooze_holds_rounds_back_and_is_audited(client, engine, make, tenant):
    device = await make.device(tenant)
    await create_rule(client, tenant, channels=["email"],
                      recipients={"emails": ["snooze@plant.example"]},
                      escalation={"repeat_seconds": 60})
    t0 = datetime.now(UTC).replace(microsecond=0)
    await engine.evaluate_batch(batch(device, t0, power_kw=150.0))
    alert = await the_alert(tenant)
    r = await client.post(f"/api/v1/alerts/{alert.id}/snooze", json={"minutes": 30},
                          headers=tenant.headers)
    assert r.status_code == 200, r.text
    until = datetime.fromisoformat(r.json()["data"]["snoozed_until"])
    assert await escalate(tenant, t0 + timedelta(seconds=120)) == [], "snoozed"
    assert len(await escalate(tenant, until + timedelta(seconds=1))) == 1, "after the snooze"
    async with session_scope() as session:
        [entry] = (await session.execute(select(AuditLog).where(
            AuditLog.factory_id == tenant.id, AuditLog.action == "alert.snoozed"))
        ).scalars().all()
    assert entry.details["minutes"] == 30 and entry.entity_id == str(alert.id)
    r = await client.post(f"/api/v1/alerts/{alert.id}/snooze", json={"minutes": 0},
                          headers=tenant.headers)
    assert r.status_code == 422


async def test_a_device_in_maintenance_raises_muted_alerts(client, engine, make, tenant):
    serviced = await make.device(tenant, name="Press 1")
    running = await make.device(tenant, name="Press 2")
    await create_rule(client, tenant, channels=["email"],
                      recipients={"emails": ["ops@plant.example"]},
                      escalation={"repeat_seconds": 60})
    now = datetime.now(UTC).replace(microsecond=0)
    r = await client.post(f"/api/v1/devices/{serviced.id}/maintenance-windows",
                          headers=tenant.headers, json={
                              "starts_at": (now - timedelta(minutes=5)).isoformat(),
                              "ends_at": (now + timedelta(hours=2)).isoformat(),
                              "reason": "Bearing swap"})
    assert r.status_code == 201, r.text
    window = r.json()["data"]
    await engine.evaluate_batch(batch(serviced, now, power_kw=150.0))
    await engine.evaluate_batch(batch(running, now, power_kw=150.0))
    async with session_scope() as session:
        alerts = {a.device_id: a for a in (await session.execute(select(Alert).where(
            Alert.factory_id == tenant.id))).scalars()}
    assert alerts[serviced.id].muted and alerts[serviced.id].next_escalation_at is None
    assert not alerts[running.id].muted
    assert [d.alert_id for d in await deliveries(tenant)] == [alerts[running.id].id]
    assert len(await escalate(tenant, now + timedelta(seconds=61))) == 1, "only the running one"

    r = await client.get(f"/api/v1/devices/{serviced.id}/maintenance-windows",
                         headers=tenant.headers)
    assert [w["reason"] for w in r.json()["data"]] == ["Bearing swap"]
    r = await client.delete(f"/api/v1/devices/{serviced.id}/maintenance-windows/"
                            f"{window['id']}", headers=tenant.headers)
    assert r.status_code == 204
    async with session_scope() as session:
        actions = sorted((await session.execute(select(AuditLog.action).where(
            AuditLog.factory_id == tenant.id, AuditLog.entity_type == "device"))).scalars())
    assert actions == ["maintenance.removed", "maintenance.scheduled"]
    r = await client.post(f"/api/v1/devices/{serviced.id}/maintenance-windows",
                          headers=tenant.headers, json={
                              "starts_at": now.isoformat(), "ends_at": now.isoformat()})
    assert r.status_code == 422


async def test_operators_are_told_when_an_alert_resolves(client, engine, make, tenant):
    device = await make.device(tenant)
    auto = await create_rule(client, tenant, channels=["email"], auto_resolve=True,
                             notify_on_resolve=True,
                             recipients={"emails": ["ops@plant.example"]})
    assert auto["notify_on_resolve"] is True
    quiet = await create_rule(client, tenant, name="Quiet", channels=["email"],
                              recipients={"emails": ["quiet@plant.example"]})
    t0 = datetime.now(UTC).replace(microsecond=0)
    outcome = await engine.evaluate_batch(batch(device, t0, power_kw=150.0))
    assert len(outcome.raised) == 2
    resolved = await engine.evaluate_batch(batch(device, t0 + timedelta(seconds=5),
                                                 power_kw=10.0))
    assert len(resolved.resolve_deliveries) == 1
    async with session_scope() as session:
        manual = (await session.execute(select(Alert).where(
            Alert.factory_id == tenant.id, Alert.rule_id == quiet["id"]))).scalar_one()
    r = await client.post(f"/api/v1/alerts/{manual.id}/resolve", headers=tenant.headers)
    assert r.status_code == 200
    rows = await deliveries(tenant)
    assert sorted((r.recipient, r.event) for r in rows) == [
        ("ops@plant.example", "raised"), ("ops@plant.example", "resolved"),
        ("quiet@plant.example", "raised")], "the quiet rule does not tell of resolving"
