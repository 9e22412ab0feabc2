"""HTTP ingest end to end on the real servers: a device's token or an API key with the ingest
permission sends MQTT-shaped messages; the values reach InfluxDB and the latest-values store,
new parameters are discovered, last-seen times move, and the answer counts every message by
outcome. The hostile payloads of the MQTT suite get the same verdicts here."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import orjson

from pytest_factoryops.apps import client_of, running_app
from pytest_factoryops.hostile import hostile_payloads, ts

NDJSON = {"Content-Type": "application/x-ndjson"}


def ndjson(messages: list[bytes]) -> bytes:
    return b"\n".join(messages) + b"\n"


async def _register(client, tenant, key: str) -> tuple[int, str]:
    r = await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": key, "name": key})
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    return data["device"]["id"], data["credentials"]["password"]


async def _points(app, factory_id: int, device_id: int, parameters) -> int:
    total = 0
    async for chunk in app.state.resources.timeseries.raw(
            factory_id, [(device_id, p) for p in parameters],
            datetime.now(UTC) - timedelta(days=2), datetime.now(UTC) + timedelta(hours=1)):
        total += len(chunk)
    return total


async def test_a_device_token_sends_a_batch_stored_discovered_and_latest(app, client, tenant):
    device_id, token = await _register(client, tenant, "http-gateway")
    messages = [orjson.dumps({"ts": ts(i), "metrics": {"power_kw": 40.0 + i, "pf": 0.9}})
                for i in range(10)]
    r = await client.post("/api/v1/ingest", content=ndjson(messages),
                          headers={**NDJSON, "X-Device-Token": token})
    assert r.status_code == 202, r.text
    assert r.json()["data"] == {"messages": 10, "accepted": 10, "rejected": {},
                                "values_stored": 20, "values_dropped": {},
                                "timestamps_replaced": {}}
    assert await _points(app, tenant.id, device_id, ["power_kw", "pf"]) == 20
    parameters = (await client.get(f"/api/v1/devices/{device_id}/parameters",
                                   headers=tenant.headers)).json()["data"]
    by_key = {p["parameter_key"]: p for p in parameters}
    assert set(by_key) == {"power_kw", "pf"}
    assert by_key["power_kw"]["latest"]["value"] == 49.0
    device = (await client.get(f"/api/v1/devices/{device_id}",
                               headers=tenant.headers)).json()["data"]
    assert device["last_seen_at"] is not None
    # One message as plain JSON, the MQTT single-message form.
    r = await client.post("/api/v1/ingest", json={"power_kw": 51.5},
                          headers={"X-Device-Token": token})
    assert r.status_code == 202 and r.json()["data"]["accepted"] == 1


async def test_api_keys_send_only_for_the_devices_they_name(client, tenant, make):
    named_id, _ = await _register(client, tenant, "named-meter")
    await _register(client, tenant, "other-meter")
    key = await make.api_key(tenant, permissions=["ingest"], ingest_device_ids=[named_id])
    body = {"content": ndjson([b'{"v": 1}']), "headers": {**NDJSON, **key.headers}}

    r = await client.post("/api/v1/ingest", params={"device": "named-meter"}, **body)
    assert r.status_code == 202 and r.json()["data"]["accepted"] == 1, r.text
    r = await client.post("/api/v1/ingest", params={"device": "other-meter"}, **body)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "DEVICE_NOT_ALLOWED")
    r = await client.post("/api/v1/ingest", params={"device": "no-such-meter"}, **body)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "DEVICE_NOT_FOUND")
    r = await client.post("/api/v1/ingest", **body)
    assert r.status_code == 422

    reader = await make.api_key(tenant)
    r = await client.post("/api/v1/ingest", params={"device": "named-meter"},
                          content=b'{"v": 1}', headers=reader.headers)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "PERMISSION_DENIED")
    r = await client.post("/api/v1/ingest", params={"device": "named-meter"},
                          content=b'{"v": 1}', headers=tenant.headers)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "DEVICE_CREDENTIAL_REQUIRED")
    # Another factory's key does not find this factory's device.
    stranger = await make.tenant()
    foreign = await make.api_key(stranger, permissions=["ingest"],
                                 ingest_device_ids=[named_id])
    r = await client.post("/api/v1/ingest", params={"device": "named-meter"},
                          content=b'{"v": 1}', headers=foreign.headers)
    assert r.status_code == 404


async def test_device_tokens_are_checked(client, tenant):
    device_id, token = await _register(client, tenant, "checked-meter")
    r = await client.post("/api/v1/ingest", content=b'{"v": 1}',
                          headers={"X-Device-Token": "not-a-token"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "INVALID_DEVICE_TOKEN")
    r = await client.post("/api/v1/ingest", params={"device": "someone-else"},
                          content=b'{"v": 1}', headers={"X-Device-Token": token})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "DEVICE_MISMATCH")
    assert (await client.post(f"/api/v1/devices/{device_id}/deactivate",
                              headers=tenant.headers)).status_code == 200
    r = await client.post("/api/v1/ingest", content=b'{"v": 1}',
                          headers={"X-Device-Token": token})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "DEVICE_DISABLED")
    r = await client.post("/api/v1/ingest", content=b'{"v": 1}')
    assert r.status_code == 401


async def test_hostile_payloads_get_the_verdicts_they_get_over_mqtt(settings, make):
    """The MQTT suite's hostile stream, sent over HTTP in batches: the counts in the answers
    are the ingester's counts for the same stream, and the valid values are all stored."""
    roomy = settings.model_copy(update={"ingest_quota_messages_per_second": 100_000.0,
                                        "ingest_quota_burst_messages": 100_000})
    async with running_app(roomy) as app, client_of(app, "198.51.100.40") as client:
        tenant = await make.tenant()
        device_id, token = await _register(client, tenant, "target")
        hostile = hostile_payloads(random.Random(20261129))
        expected_rejects: Counter = Counter()
        expected_drops: Counter = Counter()
        expected_ts: Counter = Counter()
        stream, valid = [], 0
        for n, (payload, outcome) in enumerate(hostile):
            stream.append(payload)
            if outcome[0] == "reject":
                expected_rejects[outcome[1]] += 1
            else:
                expected_drops.update(outcome[2])
                expected_ts.update(outcome[3])
            if n % 2 == 0:
                stream.append(orjson.dumps({"ts": ts(valid), "metrics": {
                    "power": float(valid), "v": 230.0}}))
                valid += 1
        rejected, dropped, replaced = Counter(), Counter(), Counter()
        accepted = 0
        for start in range(0, len(stream), 40):
            batch = stream[start:start + 40]
            r = await client.post("/api/v1/ingest", content=ndjson(batch),
                                  headers={**NDJSON, "X-Device-Token": token})
            assert r.status_code == 202, r.text
            data = r.json()["data"]
            assert data["messages"] == len(batch)
            accepted += data["accepted"]
            rejected.update(data["rejected"])
            dropped.update(data["values_dropped"])
            replaced.update(data["timestamps_replaced"])
        partial = sum(1 for _, outcome in hostile if outcome[0] == "store")
        assert accepted == valid + partial
        assert dict(rejected) == dict(expected_rejects)
        assert dict(dropped) == dict(expected_drops)
        assert dict(replaced) == dict(expected_ts)
        assert await _points(app, tenant.id, device_id, ["power", "v"]) == 2 * valid
        assert await _points(app, tenant.id, device_id,
                             [f"partial {i}" for i in range(150)]) == partial


async def test_a_device_over_its_rate_gets_its_messages_counted_not_stored(settings, make):
    tight = settings.model_copy(update={"ingest_quota_messages_per_second": 0.01,
                                        "ingest_quota_burst_messages": 3})
    async with running_app(tight) as app, client_of(app, "198.51.100.41") as client:
        tenant = await make.tenant()
        device_id, token = await _register(client, tenant, "chatty")
        messages = [orjson.dumps({"ts": ts(i), "p": i}) for i in range(10)]
        r = await client.post("/api/v1/ingest", content=ndjson(messages),
                              headers={**NDJSON, "X-Device-Token": token})
        assert r.status_code == 202
        data = r.json()["data"]
        assert (data["accepted"], data["rejected"]) == (3, {"rate_limited": 7})
        assert await _points(app, tenant.id, device_id, ["p"]) == 3


async def test_oversized_requests_are_refused_whole(client, tenant):
    _, token = await _register(client, tenant, "bulky")
    r = await client.post("/api/v1/ingest", content=ndjson([b'{"v": 1}'] * 1001),
                          headers={**NDJSON, "X-Device-Token": token})
    assert (r.status_code, r.json()["error"]["code"]) == (413, "PAYLOAD_TOO_LARGE")
