"""The rule engine's clock on the real database and Redis: silent devices and stale
parameters raise alarms with no message arriving, and resolve when data returns; sustained
conditions and auto-resolves are decided on the clock too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.database import session_scope
from app.models import Alert, NotificationDelivery, Rule
from app.services.rules.engine import RuleEngine
from app.services.rules.versions import RuleVersions
from app.stores.timeseries.base import to_epoch_ms

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def versions(settings):
    versions = RuleVersions(settings.redis_url)
    yield versions
    await versions.close()


@pytest.fixture
def engine(app, versions):
    return RuleEngine(app.state.resources.latest, versions)


@pytest.fixture
def report(app):
    """What the ingester keeps for every device: its latest values and when they came."""
    async def put(device, at: datetime, **values) -> None:
        await app.state.resources.latest.put_many({(device.factory_id, device.id): {
            key: (to_epoch_ms(at), value) for key, value in values.items()}})
    return put


def batch(device, at: datetime, **values) -> dict:
    ts = to_epoch_ms(at)
    return {str(device.factory_id): {str(device.id): {k: [ts, v] for k, v in values.items()}}}


async def add_rule(owner, **fields) -> Rule:
    fields.setdefault("name", "Meter silent")
    fields.setdefault("condition", {"silent_for_seconds": 60})
    fields.setdefault("cooldown_minutes", 0)
    async with session_scope() as session:
        rule = Rule(factory_id=owner.id, **fields)
        session.add(rule)
        await session.commit()
    return rule


async def alerts_of(owner) -> list[Alert]:
    async with session_scope() as session:
        return list((await session.execute(select(Alert).where(
            Alert.factory_id == owner.id).order_by(Alert.id))).scalars())


async def test_a_silent_device_raises_an_alarm_and_data_resolves_it(engine, make, tenant,
                                                                      report):
    quiet = await make.device(tenant, name="Meter 4")
    talking = await make.device(tenant, name="Meter 5")
    await make.device(tenant, name="Not installed yet")  # never reported: not silent
    rule = await add_rule(tenant, channels=["email"],
                          recipients={"emails": ["night@plant.example"]})
    await report(quiet, NOW - timedelta(seconds=90), power_kw=12.0)
    await report(talking, NOW - timedelta(seconds=5), power_kw=30.0)

    early = await engine.tick(NOW - timedelta(seconds=40))
    assert early.raised == [] and await alerts_of(tenant) == [], "50 s is under 60 s"
    outcome = await engine.tick(NOW)
    [alert] = await alerts_of(tenant)
    assert (alert.rule_id, alert.device_id, alert.status) == (rule.id, quiet.id, "open")
    assert alert.triggered_at == NOW and alert.values == {"seconds_without_data": 90}
    assert alert.message == "No data for 1 min on Meter 4: last reported 90 s ago."
    [raised] = outcome.raised
    assert raised.alert_id == alert.id and len(raised.delivery_ids) == 1
    async with session_scope() as session:
        [delivery] = (await session.execute(select(NotificationDelivery).where(
            NotificationDelivery.factory_id == tenant.id))).scalars().all()
    assert (delivery.alert_id, delivery.recipient, delivery.status) == (
        alert.id, "night@plant.example", "pending")

    again = await engine.tick(NOW + timedelta(seconds=15))
    assert again.raised == [] and len(await alerts_of(tenant)) == 1, "one live alarm"

    # The meter talks again: its message resolves the alarm at once.
    await engine.evaluate_batch(batch(quiet, NOW + timedelta(seconds=20), power_kw=11.0))
    [alert] = await alerts_of(tenant)
    assert alert.status == "resolved" and alert.resolved_at == NOW + timedelta(seconds=20)


async def test_the_clock_resolves_a_device_that_came_back(engine, make, tenant, report):
    device = await make.device(tenant)
    await add_rule(tenant)
    await report(device, NOW - timedelta(seconds=120), power_kw=1.0)
    await engine.tick(NOW)
    # Its data came back through a batch this engine never saw (another worker's).
    await report(device, NOW + timedelta(seconds=10), power_kw=2.0)
    await engine.tick(NOW + timedelta(seconds=15))
    [alert] = await alerts_of(tenant)
    assert alert.status == "resolved" and alert.resolved_at == NOW + timedelta(seconds=15)


async def test_a_stale_parameter_is_an_alarm_while_the_device_talks(engine, make, tenant,
                                                                    report):
    device = await make.device(tenant, name="Boiler")
    rule = await add_rule(tenant, name="Flow sensor", condition={
        "parameter": "flow", "stale_for_seconds": 300}, scope={"kind": "devices",
                                                            "device_ids": [device.id]})
    await report(device, NOW - timedelta(seconds=400), flow=3.0)
    await report(device, NOW - timedelta(seconds=2), temperature=80.0)
    await engine.tick(NOW)
    [alert] = await alerts_of(tenant)
    assert (alert.rule_id, alert.values) == (rule.id, {"seconds_without_data": 400})
    assert alert.message.startswith("Flow not reported for 5 min on Boiler")
    await engine.evaluate_batch(batch(device, NOW + timedelta(seconds=1), temperature=81.0))
    assert (await alerts_of(tenant))[0].status == "open", "other data does not clear it"
    await engine.evaluate_batch(batch(device, NOW + timedelta(seconds=2), flow=3.1))
    assert (await alerts_of(tenant))[0].status == "resolved"


async def test_disabled_devices_and_other_scopes_stay_quiet(engine, make, tenant, report):
    inside = await make.device(tenant, type="meter")
    outside = await make.device(tenant, type="press")
    disabled = await make.device(tenant, type="meter", status="disabled")
    await add_rule(tenant, scope={"kind": "type", "value": "meter"})
    for device in (inside, outside, disabled):
        await report(device, NOW - timedelta(seconds=600), power_kw=1.0)
    await engine.tick(NOW)
    assert [a.device_id for a in await alerts_of(tenant)] == [inside.id]


async def test_a_sustained_condition_fires_on_the_clock(engine, make, tenant, report):
    device = await make.device(tenant)
    await add_rule(tenant, name="High power", condition={
        "parameter": "power_kw", "operator": ">", "value": 100}, for_seconds=30,
        auto_resolve=True)
    start = NOW - timedelta(seconds=40)
    await report(device, start, power_kw=150.0)  # the ingester keeps it, and sends the batch
    await engine.evaluate_batch(batch(device, start, power_kw=150.0))
    assert await alerts_of(tenant) == [], "held for 0 s"
    # No further message: the meter reports on change only.
    await engine.tick(start + timedelta(seconds=20))
    assert await alerts_of(tenant) == [], "held for 20 s"
    await engine.tick(start + timedelta(seconds=31))
    [alert] = await alerts_of(tenant)
    assert alert.triggered_at == start + timedelta(seconds=31) and alert.status == "open"

    # The value dropped in a batch another worker took; the clock resolves the alert.
    await report(device, start + timedelta(seconds=35), power_kw=20.0)
    await engine.tick(start + timedelta(seconds=45))
    [alert] = await alerts_of(tenant)
    assert alert.status == "resolved"


async def test_a_missing_value_resolves_nothing(engine, make, tenant):
    device = await make.device(tenant)
    await add_rule(tenant, name="High power", condition={
        "parameter": "power_kw", "operator": ">", "value": 100}, auto_resolve=True)
    await engine.evaluate_batch(batch(device, NOW, power_kw=150.0))
    await engine.latest.forget_device(tenant.id, device.id)
    await engine.tick(NOW + timedelta(seconds=30))
    assert [a.status for a in await alerts_of(tenant)] == ["open"]


async def test_clock_conditions_are_validated(client, tenant):
    for condition, path in [
        ({"silent_for_seconds": 0}, "/silent_for_seconds"),
        ({"silent_for_seconds": "60"}, "/silent_for_seconds"),
        ({"stale_for_seconds": 60}, "/parameter"),
        ({"silent_for_seconds": 60, "extra": 1}, "/"),
        ({"op": "and", "conditions": [{"silent_for_seconds": 60}]}, "/conditions/0"),
    ]:
        r = await client.post("/api/v1/rules", headers=tenant.headers, json={
            "name": "Silent", "condition": condition})
        assert r.status_code == 422, (condition, r.text)
        assert r.json()["error"]["code"] == "INVALID_CONDITION"
        assert r.json()["error"]["details"]["path"] == path, condition
    r = await client.post("/api/v1/rules", headers=tenant.headers, json={
        "name": "Silent", "condition": {"silent_for_seconds": 600}})
    assert r.status_code == 201, r.text
    assert r.json()["data"]["condition"] == {"silent_for_seconds": 600}
