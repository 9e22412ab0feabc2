"""Rules scoped to an asset node watch the devices on that node and on every node below it,
in the engine and wherever the API reasons about a scope."""

from __future__ import annotations

from tests.integration.test_rule_engine import add_rule, alerts_of, at, batch, engine, versions

__all__ = ["engine", "versions"]  # fixtures of the engine's own tests
API = "/api/v1"


async def _tree(client, make, tenant):
    async def node(name, parent=None):
        r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                              json={"name": name, "parent_id": parent})
        assert r.status_code == 201, r.text
        return r.json()["data"]["id"]

    site = await node("Site")
    line1 = await node("Line 1", site)
    cell = await node("Cell", line1)
    line2 = await node("Line 2", site)
    press = await make.device(tenant, name="Press")
    pump = await make.device(tenant, name="Pump")
    loose = await make.device(tenant, name="Loose")
    for node_id, device in ((cell, press), (line2, pump)):
        r = await client.put(f"{API}/assets/nodes/{node_id}/devices", headers=tenant.headers,
                             json={"device_ids": [device.id]})
        assert r.status_code == 200
    return {"site": site, "line1": line1, "line2": line2}, (press, pump, loose)


async def test_the_engine_fires_for_devices_below_the_node(client, engine, make, tenant):
    nodes, (press, pump, loose) = await _tree(client, make, tenant)
    on_site = await add_rule(tenant, name="site", scope={"kind": "node", "node_id": nodes["site"]})
    on_line1 = await add_rule(tenant, name="line 1",
                              scope={"kind": "node", "node_id": nodes["line1"]})
    raw = batch(press, at(0), power_kw=200)
    for device in (pump, loose):
        raw[str(tenant.id)].update(batch(device, at(0), power_kw=200)[str(tenant.id)])
    await engine.evaluate_batch(raw)
    pairs = {(a.rule_id, a.device_id) for a in await alerts_of(tenant)}
    assert pairs == {(on_site.id, press.id), (on_site.id, pump.id), (on_line1.id, press.id)}


async def test_the_api_resolves_a_node_scope(client, make, tenant, other_tenant):
    nodes, (press, pump, _loose) = await _tree(client, make, tenant)
    await make.parameter(press, "power_kw")
    await make.parameter(pump, "flow")
    r = await client.post(f"{API}/rules/parameters", headers=tenant.headers,
                          json={"scope": {"kind": "node", "node_id": nodes["line1"]}})
    assert r.status_code == 200, r.text
    assert [p["parameter_key"] for p in r.json()["data"]] == ["power_kw"]
    r = await client.post(f"{API}/rules", headers=tenant.headers, json={
        "name": "Line 2 flow", "scope": {"kind": "node", "node_id": nodes["line2"]},
        "condition": {"parameter": "flow", "operator": "<", "value": 1}, "channels": []})
    assert r.status_code == 201, r.text
    assert r.json()["data"]["scope"] == {"kind": "node", "node_id": nodes["line2"]}
    # Not a parameter any device on line 2 reported: refused as a likely typo.
    r = await client.post(f"{API}/rules", headers=tenant.headers, json={
        "name": "Typo", "scope": {"kind": "node", "node_id": nodes["line2"]},
        "condition": {"parameter": "power_kw", "operator": ">", "value": 1}, "channels": []})
    assert r.status_code == 422
    r = await client.post(f"{API}/assets/nodes", headers=other_tenant.headers,
                          json={"name": "Theirs"})
    theirs = r.json()["data"]["id"]
    r = await client.post(f"{API}/rules", headers=tenant.headers, json={
        "name": "x", "scope": {"kind": "node", "node_id": theirs},
        "condition": {"parameter": "flow", "operator": "<", "value": 1},
        "allow_unseen_parameters": True, "channels": []})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "INVALID_SCOPE")
