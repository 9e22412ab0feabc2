"""The rule engine on the real database and Redis, fed batches shaped exactly like the
ingester's: triggers, cooldowns, sustained durations, schedules, auto-resolve, races between
workers, and rule changes reaching a running engine."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.database import session_scope
from app.models import Alert, NotificationDelivery, Rule, RuleCooldown, RuleState
from app.schemas.rule_batch import RuleBatch
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


async def add_rule(owner, **fields) -> Rule:
    fields.setdefault("name", "High power")
    fields.setdefault("condition", HIGH_POWER)
    fields.setdefault("cooldown_minutes", 0)
    async with session_scope() as session:
        rule = Rule(factory_id=owner.id, **fields)
        session.add(rule)
        await session.commit()
    return rule


async def alerts_of(owner, rule=None) -> list[Alert]:
    async with session_scope() as session:
        stmt = select(Alert).where(Alert.factory_id == owner.id).order_by(Alert.id)
        if rule is not None:
            stmt = stmt.where(Alert.rule_id == rule.id)
        return list((await session.execute(stmt)).scalars())


def batch(device, at: datetime, **values) -> dict:
    ts = to_epoch_ms(at)
    return {str(device.factory_id): {str(device.id): {k: [ts, v] for k, v in values.items()}}}


T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# --- parsing -------------------------------------------------------------------------------
def test_parse_batch_skips_anything_malformed():
    raw = {"1": {"2": {"a": [1000, 1.5], "b": ["x", 1], "c": [1], "d": None},
                 "x": {"a": [1, 2]}, "3": "junk"}, "y": {"1": {}}, "4": None,
           "5": {"x": {"a": [1, 2]}}}
    assert RuleBatch.from_message(raw).root == {1: {2: {"a": (1000, 1.5)}}}
    assert RuleBatch.model_validate(raw) == RuleBatch.from_message(raw)
    assert not RuleBatch.from_message(None) and not RuleBatch.from_message([1, 2])


# --- triggering ----------------------------------------------------------------------------
async def test_a_matching_batch_raises_one_alert(engine, make, tenant):
    device = await make.device(tenant, name="Press 1")
    rule = await add_rule(tenant, severity="critical", channels=["email"],
                          recipients={"emails": ["a@plant.example", "b@plant.example"]})
    outcome = await engine.evaluate_batch(batch(device, at(0), power_kw=130.5, other=1))
    [alert] = await alerts_of(tenant)
    # The outbox rows were committed with the alert, one per recipient, waiting to be sent.
    async with session_scope() as session:
        rows = list((await session.execute(select(NotificationDelivery).where(
            NotificationDelivery.factory_id == tenant.id).order_by(
                NotificationDelivery.id))).scalars())
    assert [(r.alert_id, r.recipient, r.status, r.event, r.step) for r in rows] == [
        (alert.id, "a@plant.example", "pending", "raised", 0),
        (alert.id, "b@plant.example", "pending", "raised", 0)]
    assert [(r.alert_id, r.delivery_ids) for r in outcome.raised] == [
        (alert.id, tuple(r.id for r in rows))]
    assert (alert.rule_id, alert.device_id, alert.status) == (rule.id, device.id, "open")
    assert alert.open_key == f"{rule.id}:{device.id}"
    assert alert.severity == "critical" and alert.trigger_count == 1
    assert alert.triggered_at == at(0) == alert.last_triggered_at
    assert alert.values == {"power_kw": 130.5}
    assert alert.title == "High power on Press 1"
    assert "power_kw > 100" in alert.message and "power_kw = 130.5" in alert.message


async def test_no_match_no_alert(engine, make, tenant):
    device = await make.device(tenant)
    await add_rule(tenant)
    outcome = await engine.evaluate_batch(batch(device, at(0), power_kw=99))
    assert outcome.raised == [] and await alerts_of(tenant) == []


async def test_the_condition_sees_latest_values_updated_by_the_batch(app, engine, make,
                                                                      tenant):
    device = await make.device(tenant)
    await add_rule(tenant, condition={"op": "and", "conditions": [
        HIGH_POWER, {"parameter": "voltage", "operator": "outside", "value": [207, 253]}]})
    latest = app.state.resources.latest
    await latest.put_many({(tenant.id, device.id): {"voltage": (to_epoch_ms(at(-5)), 260.0),
                                                    "power_kw": (to_epoch_ms(at(5)), 10.0)}})
    # The batch's power is older than the stored one: the newer value (10) wins.
    await engine.evaluate_batch(batch(device, at(0), power_kw=150))
    assert await alerts_of(tenant) == []
    await engine.evaluate_batch(batch(device, at(6), power_kw=150))
    [alert] = await alerts_of(tenant)
    assert alert.values == {"power_kw": 150.0, "voltage": 260.0}


async def test_a_repeat_updates_the_open_alert(engine, make, tenant):
    device = await make.device(tenant)
    await add_rule(tenant, cooldown_minutes=0)
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    outcome = await engine.evaluate_batch(batch(device, at(1), power_kw=140))
    assert outcome.raised == []
    [alert] = await alerts_of(tenant)
    assert alert.trigger_count == 2 and alert.values == {"power_kw": 140.0}
    assert (alert.triggered_at, alert.last_triggered_at) == (at(0), at(1))


async def test_the_same_batch_twice_counts_once(engine, make, tenant):
    device = await make.device(tenant)
    await add_rule(tenant)
    same = batch(device, at(0), power_kw=120)
    await engine.evaluate_batch(same)
    await engine.evaluate_batch(same)
    [alert] = await alerts_of(tenant)
    assert alert.trigger_count == 1


async def test_scopes(engine, make, tenant):
    press = await make.device(tenant, type="press", area="Hall A")
    pump = await make.device(tenant, type="pump", area="Hall B")
    by_type = await add_rule(tenant, name="presses", scope={"kind": "type", "value": "press"})
    by_area = await add_rule(tenant, name="hall b", scope={"kind": "area", "value": "Hall B"})
    listed = await add_rule(tenant, name="listed",
                            scope={"kind": "devices", "device_ids": [pump.id]})
    everyone = await add_rule(tenant, name="all", scope={"kind": "all"})
    raw = batch(press, at(0), power_kw=200)
    raw[str(tenant.id)].update(batch(pump, at(0), power_kw=200)[str(tenant.id)])
    await engine.evaluate_batch(raw)
    pairs = {(a.rule_id, a.device_id) for a in await alerts_of(tenant)}
    assert pairs == {(by_type.id, press.id), (by_area.id, pump.id), (listed.id, pump.id),
                     (everyone.id, press.id), (everyone.id, pump.id)}


async def test_inactive_rules_disabled_devices_and_foreign_devices_are_ignored(
        engine, make, tenant, other_tenant):
    device = await make.device(tenant, status="disabled", is_active=False)
    foreign = await make.device(other_tenant)
    await add_rule(tenant)
    await add_rule(tenant, name="off", is_active=False)
    await add_rule(other_tenant)
    raw = batch(device, at(0), power_kw=500)
    # A batch naming another factory's device under this factory must not reach it.
    raw[str(tenant.id)][str(foreign.id)] = {"power_kw": [to_epoch_ms(at(0)), 500]}
    await engine.evaluate_batch(raw)
    assert await alerts_of(tenant) == [] and await alerts_of(other_tenant) == []


# --- cooldown ------------------------------------------------------------------------------
async def test_cooldown_suppresses_new_alerts_after_a_resolution(engine, make, tenant):
    device = await make.device(tenant)
    rule = await add_rule(tenant, cooldown_minutes=10, auto_resolve=True)
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    await engine.evaluate_batch(batch(device, at(30), power_kw=50))      # resolves
    await engine.evaluate_batch(batch(device, at(60), power_kw=120))     # within cooldown
    await engine.evaluate_batch(batch(device, at(9 * 60), power_kw=130))  # still within
    alerts = await alerts_of(tenant)
    assert [(a.status, a.trigger_count) for a in alerts] == [("resolved", 1)]
    outcome = await engine.evaluate_batch(batch(device, at(10 * 60), power_kw=125))
    alerts = await alerts_of(tenant)
    assert [a.status for a in alerts] == ["resolved", "open"]
    assert [r.alert_id for r in outcome.raised] == [alerts[1].id]
    async with session_scope() as session:
        cooldown = (await session.execute(select(RuleCooldown).where(
            RuleCooldown.factory_id == tenant.id, RuleCooldown.rule_id == rule.id))).scalar_one()
    assert cooldown.last_triggered_at == at(10 * 60)


async def test_within_cooldown_an_open_alert_is_left_alone(engine, make, tenant):
    device = await make.device(tenant)
    await add_rule(tenant, cooldown_minutes=5)
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    await engine.evaluate_batch(batch(device, at(60), power_kw=150))
    [alert] = await alerts_of(tenant)
    assert alert.trigger_count == 1 and alert.values == {"power_kw": 120.0}
    await engine.evaluate_batch(batch(device, at(5 * 60), power_kw=160))
    [alert] = await alerts_of(tenant)
    assert alert.trigger_count == 2 and alert.last_triggered_at == at(300)


# --- sustained duration --------------------------------------------------------------------
async def test_sustained_duration_survives_a_worker_restart(app, versions, make, tenant):
    device = await make.device(tenant)
    rule = await add_rule(tenant, for_seconds=60)
    first = RuleEngine(app.state.resources.latest, versions)
    await first.evaluate_batch(batch(device, at(0), power_kw=120))
    await first.evaluate_batch(batch(device, at(30), power_kw=130))
    assert await alerts_of(tenant) == []
    async with session_scope() as session:
        state = (await session.execute(select(RuleState).where(
            RuleState.factory_id == tenant.id, RuleState.rule_id == rule.id))).scalar_one()
    assert state.pending_since == at(0)
    restarted = RuleEngine(app.state.resources.latest, versions)
    await restarted.evaluate_batch(batch(device, at(59), power_kw=130))
    assert await alerts_of(tenant) == []
    await restarted.evaluate_batch(batch(device, at(60), power_kw=130))
    [alert] = await alerts_of(tenant)
    assert alert.triggered_at == at(60)


async def test_sustained_duration_restarts_when_the_condition_stops(engine, make, tenant):
    device = await make.device(tenant)
    await add_rule(tenant, for_seconds=60)
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    await engine.evaluate_batch(batch(device, at(40), power_kw=90))
    await engine.evaluate_batch(batch(device, at(50), power_kw=120))
    await engine.evaluate_batch(batch(device, at(100), power_kw=120))
    assert await alerts_of(tenant) == []
    await engine.evaluate_batch(batch(device, at(110), power_kw=120))
    assert len(await alerts_of(tenant)) == 1


# --- schedule ------------------------------------------------------------------------------
async def test_schedule_in_the_factory_time_zone(engine, make):
    owner = await make.tenant(timezone="Asia/Kolkata")
    device = await make.device(owner)
    # 10:00 UTC on Monday is 15:30 in Kolkata.
    await add_rule(owner, name="afternoon", schedule={"days": [0], "start": "15:00",
                                                      "end": "16:00"})
    await add_rule(owner, name="morning", schedule={"days": [0], "start": "09:00",
                                                    "end": "10:30"})
    await add_rule(owner, name="night", schedule={"days": [6], "start": "22:00",
                                                  "end": "16:00"})
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    titles = sorted(a.title.split(" on ")[0] for a in await alerts_of(owner))
    assert titles == ["afternoon", "night"]


async def test_outside_its_hours_a_rule_does_not_resolve(engine, make, tenant):
    device = await make.device(tenant)
    await add_rule(tenant, auto_resolve=True,
                   schedule={"days": [0], "start": "10:00", "end": "10:01"})
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    await engine.evaluate_batch(batch(device, at(90), power_kw=10))
    [alert] = await alerts_of(tenant)
    assert alert.status == "open"


# --- auto-resolve --------------------------------------------------------------------------
async def test_auto_resolve_when_the_condition_clears(engine, make, tenant):
    device = await make.device(tenant)
    keep = await add_rule(tenant, name="keep")
    clear = await add_rule(tenant, name="clear", auto_resolve=True)
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    # An observation older than the alert must not resolve it.
    await engine.evaluate_batch(batch(device, at(-10), power_kw=10))
    await engine.evaluate_batch(batch(device, at(20), power_kw=10))
    by_rule = {a.rule_id: a for a in await alerts_of(tenant)}
    assert by_rule[keep.id].status == "open"
    resolved = by_rule[clear.id]
    assert (resolved.status, resolved.resolved_at, resolved.open_key) == (
        "resolved", at(20), None)
    await engine.evaluate_batch(batch(device, at(40), power_kw=120))
    assert [a.status for a in await alerts_of(tenant, clear)] == ["resolved", "open"]


# --- races ---------------------------------------------------------------------------------
async def test_workers_racing_on_one_batch_raise_one_alert(app, versions, make, tenant):
    devices = [await make.device(tenant) for _ in range(5)]
    rule = await add_rule(tenant)
    raw = {str(tenant.id): {str(d.id): {"power_kw": [to_epoch_ms(at(0)), 150]}
                            for d in devices}}
    engines = [RuleEngine(app.state.resources.latest, versions) for _ in range(6)]
    outcomes = await asyncio.gather(*(e.evaluate_batch(raw) for e in engines))
    alerts = await alerts_of(tenant, rule)
    assert len(alerts) == len(devices)
    assert all(a.trigger_count == 1 for a in alerts)
    raised = [r.alert_id for o in outcomes for r in o.raised]
    assert sorted(raised) == sorted(a.id for a in alerts), "each alert raised exactly once"
    assert not any(o.failed_factories for o in outcomes)


# --- rule changes reach a running engine ---------------------------------------------------
async def test_a_rule_change_through_the_api_reaches_the_engine(client, engine, make, tenant):
    device = await make.device(tenant)
    await make.parameter(device, "power_kw")
    r = await client.post("/api/v1/rules", json={"name": "r", "condition": HIGH_POWER,
                                                 "cooldown_minutes": 0},
                          headers=tenant.headers)
    rule_id = r.json()["data"]["id"]
    await engine.evaluate_batch(batch(device, at(0), power_kw=120))
    assert len(await alerts_of(tenant)) == 1
    r = await client.post(f"/api/v1/rules/{rule_id}/disable", headers=tenant.headers)
    assert r.status_code == 200
    await engine.evaluate_batch(batch(device, at(10), power_kw=120))
    [alert] = await alerts_of(tenant)
    assert alert.trigger_count == 1, "the disabled rule no longer triggers"


async def test_a_worker_that_loses_the_insert_race_backs_off(engine, make, tenant):
    """Another worker holds the uncommitted first trigger of the pair: ours waits on the
    unique key, gets the duplicate once that one commits, and raises nothing."""
    device = await make.device(tenant)
    rule = await add_rule(tenant, cooldown_minutes=5)
    async with session_scope() as rival:
        rival.add(RuleCooldown(factory_id=tenant.id, rule_id=rule.id, device_id=device.id,
                               last_triggered_at=at(0)))
        await rival.flush()
        ours = asyncio.create_task(engine.evaluate_batch(batch(device, at(0), power_kw=150)))
        await asyncio.sleep(0.5)
        assert not ours.done(), "our insert waits for the rival's transaction"
        await rival.commit()
    outcome = await ours
    assert outcome.raised == [] and not outcome.failed_factories
    assert await alerts_of(tenant) == []
    # A later trigger out of the cooldown is ours again.
    outcome = await engine.evaluate_batch(batch(device, at(300), power_kw=150))
    assert len(outcome.raised) == 1
