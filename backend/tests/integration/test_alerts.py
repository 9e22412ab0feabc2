"""The alerts API: list filters and order, badge counts, acknowledge and resolve (one and
bulk), permissions and tenancy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.core.database import get_database, session_scope
from app.models import Alert, Rule
from app.repositories.alert_repo import AlertRepository, open_key

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
ALERT_FIELDS = {
    "id", "rule_id", "rule_name", "device_id", "device_name", "severity", "title", "message",
    "values", "status", "trigger_count", "triggered_at", "last_triggered_at",
    "acknowledged_by", "acknowledged_by_name", "acknowledged_at", "resolved_by",
    "resolved_by_name", "resolved_at", "muted", "snoozed_until", "escalation_step",
    "next_escalation_at", "created_at", "updated_at",
}


async def add_alert(owner, rule, device, *, minutes=0, severity="warning", status="open"):
    moment = T0 + timedelta(minutes=minutes)
    async with session_scope() as session:
        alert = Alert(factory_id=owner.id, rule_id=rule.id, device_id=device.id,
                      open_key=None if status == "resolved" else
                      f"{open_key(rule.id, device.id)}:{minutes}",
                      severity=severity, title=f"{rule.name} on {device.name}",
                      message="m", values={"power_kw": 120.5}, status=status,
                      triggered_at=moment, last_triggered_at=moment,
                      resolved_at=moment if status == "resolved" else None)
        session.add(alert)
        await session.commit()
        return alert


async def add_rule(owner, name="High power") -> Rule:
    async with session_scope() as session:
        rule = Rule(factory_id=owner.id, name=name, condition={
            "parameter": "power_kw", "operator": ">", "value": 100})
        session.add(rule)
        await session.commit()
        return rule


@pytest.fixture
async def scene(make, tenant):
    """Two devices, two rules and five alerts at T0 + 0..4 minutes."""
    press = await make.device(tenant, name="Press 1")
    pump = await make.device(tenant, name="Pump 1")
    power = await add_rule(tenant, "High power")
    voltage = await add_rule(tenant, "Voltage")
    alerts = [
        await add_alert(tenant, power, press, minutes=0, severity="critical"),
        await add_alert(tenant, voltage, press, minutes=1, severity="warning",
                        status="acknowledged"),
        await add_alert(tenant, power, pump, minutes=2, severity="info", status="resolved"),
        await add_alert(tenant, voltage, pump, minutes=3, severity="critical"),
        await add_alert(tenant, power, press, minutes=4, severity="warning"),
    ]
    return {"press": press, "pump": pump, "power": power, "voltage": voltage,
            "alerts": alerts}


async def ids(client, tenant, **params) -> list[int]:
    r = await client.get("/api/v1/alerts", params=params, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()["data"]]


async def test_list_newest_first_with_names(client, tenant, scene):
    r = await client.get("/api/v1/alerts", headers=tenant.headers)
    body = r.json()
    assert body["total"] == 5 and body["page"] == 1
    assert [a["id"] for a in body["data"]] == [a.id for a in reversed(scene["alerts"])]
    first = body["data"][0]
    assert set(first) == ALERT_FIELDS
    assert (first["rule_name"], first["device_name"]) == ("High power", "Press 1")
    assert first["values"] == {"power_kw": 120.5}


async def test_list_filters(client, tenant, scene):
    a = [x.id for x in scene["alerts"]]
    assert await ids(client, tenant, status="open") == [a[4], a[3], a[0]]
    assert await ids(client, tenant, status=["open", "acknowledged"]) == [a[4], a[3], a[1],
                                                                          a[0]]
    assert await ids(client, tenant, severity="critical") == [a[3], a[0]]
    assert await ids(client, tenant, device_id=scene["pump"].id) == [a[3], a[2]]
    assert await ids(client, tenant, rule_id=scene["voltage"].id) == [a[3], a[1]]
    since = (T0 + timedelta(minutes=1)).isoformat()
    until = (T0 + timedelta(minutes=3)).isoformat()
    assert await ids(client, tenant, since=since, until=until) == [a[2], a[1]]
    assert await ids(client, tenant, per_page=2, page=2) == [a[2], a[1]]
    r = await client.get("/api/v1/alerts", params={"status": "closed"},
                         headers=tenant.headers)
    assert r.status_code == 422


async def test_counts_for_the_badge(client, tenant, other_tenant, scene):
    r = await client.get("/api/v1/alerts/counts", headers=tenant.headers)
    assert r.status_code == 200
    assert r.json()["data"] == {
        "open_total": 3,
        "by_severity": {"info": 0, "warning": 1, "critical": 2},
        "by_status": {"open": 3, "acknowledged": 1, "resolved": 1},
    }
    r = await client.get("/api/v1/alerts/counts", headers=other_tenant.headers)
    assert r.json()["data"]["open_total"] == 0


async def test_acknowledge_then_resolve(client, tenant, scene):
    alert = scene["alerts"][0]
    url = f"/api/v1/alerts/{alert.id}"
    r = await client.post(f"{url}/acknowledge", headers=tenant.headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status"] == "acknowledged" and data["acknowledged_by"] == tenant.admin.id
    acknowledged_at = data["acknowledged_at"]
    r = await client.post(f"{url}/acknowledge", headers=tenant.headers)
    assert r.json()["data"]["acknowledged_at"] == acknowledged_at, "idempotent"
    r = await client.post(f"{url}/resolve", headers=tenant.headers)
    data = r.json()["data"]
    assert data["status"] == "resolved" and data["resolved_by"] == tenant.admin.id
    assert data["resolved_at"] is not None
    async with session_scope() as session:
        stored = await AlertRepository(session, tenant.id).get(alert.id)
    assert stored.open_key is None, "the rule may raise a new alert for this device"
    r = await client.post(f"{url}/acknowledge", headers=tenant.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALERT_RESOLVED"
    r = await client.post(f"{url}/resolve", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["status"] == "resolved"


async def test_who_acknowledged_and_resolved_is_named(client, make, tenant, scene):
    a = scene["alerts"]
    olga = await make.user(tenant.factory, full_name="Olga Operator",
                           permissions=["acknowledge_alerts"])
    nameless = await make.user(tenant.factory, full_name="", email="shift.b@test.io",
                               permissions=["acknowledge_alerts"])
    r = await client.post(f"/api/v1/alerts/{a[0].id}/acknowledge", headers=make.headers(olga))
    data = r.json()["data"]
    assert (data["acknowledged_by"], data["acknowledged_by_name"]) == (olga.id, "Olga Operator")
    assert data["resolved_by_name"] is None
    r = await client.post(f"/api/v1/alerts/{a[0].id}/resolve", headers=make.headers(nameless))
    data = r.json()["data"]
    assert data["acknowledged_by_name"] == "Olga Operator"
    assert (data["resolved_by"], data["resolved_by_name"]) == (nameless.id, "shift.b@test.io")
    r = await client.post("/api/v1/alerts/acknowledge", json={"ids": [a[3].id]},
                          headers=make.headers(nameless))
    assert r.json()["data"][0]["acknowledged_by_name"] == "shift.b@test.io"

    r = await client.get(f"/api/v1/alerts/{a[0].id}", headers=tenant.headers)
    assert r.json()["data"]["resolved_by_name"] == "shift.b@test.io"
    r = await client.get("/api/v1/alerts", headers=tenant.headers)
    names = {x["id"]: (x["acknowledged_by_name"], x["resolved_by_name"])
             for x in r.json()["data"]}
    assert names[a[0].id] == ("Olga Operator", "shift.b@test.io")
    assert names[a[3].id] == ("shift.b@test.io", None)
    assert names[a[4].id] == (None, None), "nobody acted yet"


async def test_names_of_a_whole_page_come_from_one_query(client, make, tenant, scene):
    alerts = scene["alerts"]
    for alert in (alerts[0], alerts[3], alerts[4]):
        person = await make.user(tenant.factory, permissions=["acknowledge_alerts"])
        await client.post(f"/api/v1/alerts/{alert.id}/acknowledge",
                          headers=make.headers(person))
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    async def user_queries(per_page: int) -> int:
        statements.clear()
        r = await client.get("/api/v1/alerts", params={"per_page": per_page},
                             headers=tenant.headers)
        assert r.status_code == 200 and len(r.json()["data"]) == per_page
        return sum("FROM users" in s for s in statements)

    engine = get_database().engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert await user_queries(1) == await user_queries(5)
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_bulk_acknowledge(client, tenant, scene):
    a = scene["alerts"]
    r = await client.post("/api/v1/alerts/acknowledge", json={"ids": [a[3].id, a[0].id]},
                          headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert [(x["id"], x["status"]) for x in r.json()["data"]] == [
        (a[3].id, "acknowledged"), (a[0].id, "acknowledged")]


async def test_bulk_acknowledge_is_all_or_nothing(client, tenant, other_tenant, scene, make):
    a = scene["alerts"]
    foreign_device = await make.device(other_tenant)
    foreign = await add_alert(other_tenant, await add_rule(other_tenant), foreign_device)
    r = await client.post("/api/v1/alerts/acknowledge", json={"ids": [a[0].id, foreign.id]},
                          headers=tenant.headers)
    assert r.status_code == 404
    assert r.json()["error"] == {"code": "ALERT_NOT_FOUND", "message": "Alert not found.",
                                 "details": {"missing_ids": [foreign.id]}}
    r = await client.post("/api/v1/alerts/acknowledge", json={"ids": [a[0].id, a[2].id]},
                          headers=tenant.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALERT_RESOLVED"
    assert r.json()["error"]["details"] == {"resolved_ids": [a[2].id]}
    assert await ids(client, tenant, status="acknowledged") == [a[1].id], "nothing changed"
    for body in ({"ids": []}, {"ids": [1, 1]}, {}, {"ids": ["x"]}):
        r = await client.post("/api/v1/alerts/acknowledge", json=body, headers=tenant.headers)
        assert r.status_code == 422


async def test_permissions(client, make, tenant, scene):
    viewer = make.headers(await make.user(tenant.factory, permissions=["manage_rules"]))
    operator = make.headers(await make.user(tenant.factory,
                                            permissions=["acknowledge_alerts"]))
    alert = scene["alerts"][0]
    assert (await client.get("/api/v1/alerts", headers=viewer)).status_code == 200
    assert (await client.get(f"/api/v1/alerts/{alert.id}", headers=viewer)).status_code == 200
    assert (await client.get("/api/v1/alerts/counts", headers=viewer)).status_code == 200
    for url, body in ((f"/api/v1/alerts/{alert.id}/acknowledge", None),
                      (f"/api/v1/alerts/{alert.id}/resolve", None),
                      ("/api/v1/alerts/acknowledge", {"ids": [alert.id]})):
        r = await client.post(url, json=body, headers=viewer)
        assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"
    r = await client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=operator)
    assert r.status_code == 200


async def test_another_factorys_alert_is_not_found(client, tenant, other_tenant, scene):
    alert = scene["alerts"][0]
    for method, suffix in (("GET", ""), ("POST", "/acknowledge"), ("POST", "/resolve")):
        r = await client.request(method, f"/api/v1/alerts/{alert.id}{suffix}",
                                 headers=other_tenant.headers)
        assert r.status_code == 404 and r.json()["error"]["code"] == "ALERT_NOT_FOUND"
    assert await ids(client, other_tenant) == []
