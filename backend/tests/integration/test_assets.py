"""The asset tree and virtual meters through the API: building, moving and deleting nodes,
attaching devices, the depth limit, and another factory's tree staying out of reach."""

from __future__ import annotations

from app.models.asset import MAX_NODE_DEPTH

API = "/api/v1"


async def _node(client, tenant, name, parent_id=None, kind="line"):
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": name, "kind": kind, "parent_id": parent_id})
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_build_a_tree_attach_devices_and_move_a_line(client, make, tenant):
    site = await _node(client, tenant, "Site", kind="site")
    line1 = await _node(client, tenant, "Line 1", site["id"])
    line2 = await _node(client, tenant, "Line 2", site["id"])
    press = await _node(client, tenant, "Press", line1["id"], kind="machine")
    a = await make.device(tenant, name="A")
    b = await make.device(tenant, name="B")
    loose = await make.device(tenant, name="Loose")

    r = await client.put(f"{API}/assets/nodes/{press['id']}/devices", headers=tenant.headers,
                         json={"device_ids": [a.id, b.id]})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["device_ids"] == [a.id, b.id]
    # A device hangs on one node: attaching B to line 2 takes it off the press.
    r = await client.put(f"{API}/assets/nodes/{line2['id']}/devices", headers=tenant.headers,
                         json={"device_ids": [b.id]})
    assert r.json()["data"]["device_ids"] == [b.id]

    tree = (await client.get(f"{API}/assets/tree", headers=tenant.headers)).json()["data"]
    assert tree["max_depth"] == MAX_NODE_DEPTH
    assert tree["unattached_device_ids"] == [loose.id]
    [root] = tree["roots"]
    assert [c["name"] for c in root["children"]] == ["Line 1", "Line 2"]
    line1_view = root["children"][0]
    assert line1_view["children"][0]["device_ids"] == [a.id]
    assert line1_view["children"][0]["depth"] == 3

    # Move the press under line 2: it keeps its devices, its depth stays 3.
    r = await client.patch(f"{API}/assets/nodes/{press['id']}", headers=tenant.headers,
                           json={"parent_id": line2["id"]})
    assert r.status_code == 200, r.text
    tree = (await client.get(f"{API}/assets/tree", headers=tenant.headers)).json()["data"]
    line2_view = tree["roots"][0]["children"][1]
    assert [c["name"] for c in line2_view["children"]] == ["Press"]
    assert line2_view["children"][0]["device_ids"] == [a.id]

    # A node below itself, a name twice, a node with children deleted: refused.
    r = await client.patch(f"{API}/assets/nodes/{site['id']}", headers=tenant.headers,
                           json={"parent_id": press["id"]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "NODE_CYCLE")
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": "line 1", "parent_id": site["id"]})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "NODE_NAME_TAKEN")
    r = await client.delete(f"{API}/assets/nodes/{line2['id']}", headers=tenant.headers)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "NODE_HAS_CHILDREN")
    r = await client.delete(f"{API}/assets/nodes/{press['id']}", headers=tenant.headers)
    assert r.status_code == 204
    tree = (await client.get(f"{API}/assets/tree", headers=tenant.headers)).json()["data"]
    assert tree["unattached_device_ids"] == [a.id, loose.id]


async def test_the_tree_is_at_most_max_depth_deep(client, tenant):
    parent = None
    chain = []
    for level in range(MAX_NODE_DEPTH):
        parent = (await _node(client, tenant, f"L{level}", parent))["id"]
        chain.append(parent)
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": "too deep", "parent_id": parent})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "NODE_TOO_DEEP")
    # Moving a two-level branch under the fifth level would make seven.
    branch = await _node(client, tenant, "Branch")
    await _node(client, tenant, "Leaf", branch["id"])
    r = await client.patch(f"{API}/assets/nodes/{branch['id']}", headers=tenant.headers,
                           json={"parent_id": chain[-2]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "NODE_TOO_DEEP")
    r = await client.patch(f"{API}/assets/nodes/{branch['id']}", headers=tenant.headers,
                           json={"parent_id": chain[-3]})
    assert r.status_code == 200, r.text


async def test_virtual_meters_name_their_formula(client, make, tenant):
    main = await make.device(tenant, name="Main")
    sub = await make.device(tenant, name="Sub")
    site = await _node(client, tenant, "Site", kind="site")
    r = await client.post(f"{API}/virtual-meters", headers=tenant.headers, json={
        "name": "Unmetered", "node_id": site["id"],
        "terms": [{"device_id": main.id, "sign": 1}, {"device_id": sub.id, "sign": -1}]})
    assert r.status_code == 201, r.text
    meter = r.json()["data"]
    assert meter["formula"] == "Main − Sub" and meter["node_id"] == site["id"]
    tree = (await client.get(f"{API}/assets/tree", headers=tenant.headers)).json()["data"]
    assert tree["roots"][0]["virtual_meter_ids"] == [meter["id"]]

    r = await client.patch(f"{API}/virtual-meters/{meter['id']}", headers=tenant.headers,
                           json={"terms": [{"device_id": sub.id, "sign": -1},
                                           {"device_id": main.id}]})
    assert r.json()["data"]["formula"] == "−Sub + Main"
    for bad in ([{"device_id": main.id}, {"device_id": main.id}], [], [{"device_id": main.id,
                                                                       "sign": 2}]):
        r = await client.post(f"{API}/virtual-meters", headers=tenant.headers,
                              json={"name": "x", "terms": bad})
        assert r.status_code == 422, bad
    r = await client.delete(f"{API}/virtual-meters/{meter['id']}", headers=tenant.headers)
    assert r.status_code == 204
    assert (await client.get(f"{API}/virtual-meters", headers=tenant.headers)).json()[
        "data"] == []


async def test_another_factorys_tree_is_out_of_reach(client, make, tenant, other_tenant):
    theirs = await _node(client, other_tenant, "Their site", kind="site")
    their_device = await make.device(other_tenant, name="Theirs")
    mine = await _node(client, tenant, "My site", kind="site")
    mine_device = await make.device(tenant, name="Mine")

    for method, path, body in (
            ("GET", f"/assets/nodes/{theirs['id']}", None),
            ("PATCH", f"/assets/nodes/{theirs['id']}", {"name": "taken"}),
            ("DELETE", f"/assets/nodes/{theirs['id']}", None),
            ("PUT", f"/assets/nodes/{theirs['id']}/devices", {"device_ids": []}),
            ("GET", f"/assets/nodes/{theirs['id']}/energy", None)):
        r = await client.request(method, API + path, headers=tenant.headers, json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "NODE_NOT_FOUND"), path
    # Their node as a parent, their device on my node or in my meter: unknown here.
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": "x", "parent_id": theirs["id"]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "UNKNOWN_NODE")
    r = await client.put(f"{API}/assets/nodes/{mine['id']}/devices", headers=tenant.headers,
                         json={"device_ids": [mine_device.id, their_device.id]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "UNKNOWN_DEVICES")
    r = await client.post(f"{API}/virtual-meters", headers=tenant.headers,
                          json={"name": "x", "terms": [{"device_id": their_device.id}]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "UNKNOWN_DEVICES")
    r = await client.get(f"{API}/energy/analysis", headers=tenant.headers,
                         params={"node_id": theirs["id"]})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "NODE_NOT_FOUND")
    tree = (await client.get(f"{API}/assets/tree", headers=tenant.headers)).json()["data"]
    assert [n["name"] for n in tree["roots"]] == ["My site"]
    assert their_device.id not in tree["unattached_device_ids"]


async def test_editing_the_tree_needs_manage_devices(client, make, tenant):
    viewer = await make.user(tenant.factory, permissions=["generate_reports"])
    headers = make.headers(viewer)
    r = await client.post(f"{API}/assets/nodes", headers=headers, json={"name": "x"})
    assert r.status_code == 403
    assert (await client.get(f"{API}/assets/tree", headers=headers)).status_code == 200
