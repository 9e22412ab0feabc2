"""A deleted device stays deleted: its key is not auto-registered again during the grace
period (DEVICE_REREGISTER_GRACE_SECONDS), whatever the broker still delivers under it. Real
API, ingester, Mosquitto, MariaDB and InfluxDB."""

from __future__ import annotations

import orjson

from pytest_factoryops import unique
from telemetry.tests.conftest import eventually
from telemetry.tests.test_ingestion import device_by_key, topic, ts


async def _register_and_delete(client, tenant) -> str:
    key = unique("meter")
    r = await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": key, "name": "Meter to retire"})
    assert r.status_code == 201, r.text
    r = await client.delete(f"/api/v1/devices/{r.json()['data']['device']['id']}",
                            headers=tenant.headers)
    assert r.status_code == 204, r.text
    return key


async def test_deleted_key_is_refused_during_the_grace_period(ingester_factory, make, client,
                                                              publisher):
    tenant = await make.tenant()
    key = await _register_and_delete(client, tenant)
    ingester = await ingester_factory()
    for i in range(3):
        publisher.publish(topic(tenant.factory, key), orjson.dumps({"ts": ts(i), "kw": 1}))
    await publisher.wait_acked()
    await eventually(lambda: ingester.stats.rejected.get("device_deleted") == 3)
    assert await device_by_key(tenant.factory.id, key) is None
    assert ingester.stats.stored == 0

    # Registering the key by hand is always possible, and ends the grace period.
    r = await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": key, "name": "Meter, back"})
    assert r.status_code == 201, r.text
    # A restart with a fresh cache. The same client id: started while the first one still
    # ran, the two took the session from each other and the message could wait out a
    # reconnect backoff.
    await ingester.stop()
    other = await ingester_factory(ingest_cache_ttl_seconds=0)
    publisher.publish(topic(tenant.factory, key), orjson.dumps({"ts": ts(10), "kw": 2}))
    await publisher.wait_acked()
    await eventually(lambda: other.stats.stored == 1)


async def test_after_the_grace_period_the_key_is_discovered_again(ingester_factory, make,
                                                                  client, publisher):
    tenant = await make.tenant()
    key = await _register_and_delete(client, tenant)
    ingester = await ingester_factory(device_reregister_grace_seconds=0)
    publisher.publish(topic(tenant.factory, key), orjson.dumps({"ts": ts(1), "kw": 1}))
    await publisher.wait_acked()
    device = await eventually(lambda: device_by_key(tenant.factory.id, key))
    assert device.status == "discovered"
    await eventually(lambda: ingester.stats.stored == 1)
    assert not ingester.stats.rejected
