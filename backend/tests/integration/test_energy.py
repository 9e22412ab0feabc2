"""A small plant worked out by hand (Berlin, winter: local = UTC+1), Wednesday 2026-01-14:

* meter A, counter only: one reading a minute from 09:00Z to 10:59Z, rising 1 kWh a minute
  and restarting from zero at 10:30Z. Last reading per quarter: 14, 29, ..., 89, then 14, 29.
  The 09:00 quarter has no earlier reading (0 kWh); the others gain 15 kWh each, except the
  restart quarter, which counts its new reading: 14 kWh. Local 10:00-11:00 = 45 kWh,
  11:00-12:00 = 15 + 15 + 14 + 15 = 59 kWh. Demand = increase x 4 = 60 kW (56 kW after the
  restart).
* drive B, power only: 20 kW every minute from 09:00Z to 09:59Z, then silent; power factor
  0.9. Local 10:00-11:00 = 20 kWh, 11:00-12:00 = 0 kWh.
* Tariff: 0.10 per kWh, 0.30 on weekdays from local 11:30. CO2 0.5 kg per kWh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.stores.timeseries.base import Point, to_epoch_ms

TARIFF = {"kind": "tou", "default_price_per_kwh": 0.1, "periods": [
    {"name": "afternoon", "days": [0, 1, 2, 3, 4], "start": "11:30", "end": "24:00",
     "price_per_kwh": 0.3}]}
START = datetime(2026, 1, 14, 9, tzinfo=UTC)
RANGE = {"start": "2026-01-14T10:00:00+01:00", "end": "2026-01-14T12:00:00+01:00",
         "bucket": "hour"}


def approx(value):
    return pytest.approx(value, abs=1e-6)


async def _plant(app, make):
    tenant = await make.tenant(timezone="Europe/Berlin", tariff=TARIFF, co2_kg_per_kwh=0.5)
    meter = await make.device(tenant, name="A meter")
    drive = await make.device(tenant, name="B drive")
    idle = await make.device(tenant, name="C no roles")
    await make.parameter(meter, "kWh total", role="energy_counter")
    await make.parameter(drive, "P", role="active_power")
    await make.parameter(drive, "cos phi", role="power_factor")
    await make.parameter(idle, "temperature", role="temperature")
    points = []
    for minute in range(120):
        ts = to_epoch_ms(START + timedelta(minutes=minute))
        points.append(Point(tenant.id, meter.id, "kWh total", ts,
                            float(minute if minute < 90 else minute - 90)))
        if minute < 60:
            points.append(Point(tenant.id, drive.id, "P", ts, 20.0))
            points.append(Point(tenant.id, drive.id, "cos phi", ts, 0.9))
    await app.state.resources.timeseries.write(points)
    return tenant, meter, drive, idle


async def test_device_energy_by_local_hour(app, client, make):
    tenant, meter, drive, _ = await _plant(app, make)
    r = await client.get(f"/api/v1/devices/{meter.id}/energy", headers=tenant.headers,
                         params=RANGE)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["device_id"], data["timezone"], data["currency"], data["bucket"],
            data["source"]) == (meter.id, "Europe/Berlin", "EUR", "hour", "energy_counter")
    first, second = data["buckets"]
    assert (first["start"], first["end"]) == ("2026-01-14T10:00:00+01:00",
                                              "2026-01-14T11:00:00+01:00")
    assert first["energy_kwh"] == approx(45)
    assert first["cost"] == approx(4.5)
    assert first["co2_kg"] == approx(22.5)
    assert first["peak_demand_kw"] == approx(60)
    assert first["load_factor"] == approx(45 / 60)
    assert first["avg_power_factor"] is None
    assert second["energy_kwh"] == approx(59)
    assert second["cost"] == approx(15 * 0.1 + 15 * 0.1 + 14 * 0.3 + 15 * 0.3)
    assert second["peak_demand_kw"] == approx(60)
    totals = data["totals"]
    assert totals["energy_kwh"] == approx(104)
    assert totals["cost"] == approx(4.5 + 11.7)
    # Idle below 10% of 60 kW: never.
    assert (totals["idle_kwh"], totals["running_kwh"]) == (approx(0), approx(104))

    r = await client.get(f"/api/v1/devices/{drive.id}/energy", headers=tenant.headers,
                         params=RANGE)
    data = r.json()["data"]
    assert data["source"] == "active_power"
    first, second = data["buckets"]
    assert first["energy_kwh"] == approx(20) and first["avg_power_factor"] == approx(0.9)
    assert first["peak_demand_kw"] == approx(20) and first["load_factor"] == approx(1)
    assert second["energy_kwh"] == approx(0) and second["peak_demand_kw"] is None
    assert second["load_factor"] is None


async def test_factory_energy_sums_devices_and_ranks_consumers(app, client, make):
    tenant, meter, drive, idle = await _plant(app, make)
    r = await client.get("/api/v1/energy", headers=tenant.headers, params=RANGE)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    first, second = data["buckets"]
    assert first["energy_kwh"] == approx(65) and second["energy_kwh"] == approx(59)
    # Highest quarter of the summed power: 60 kW (meter) + 20 kW (drive).
    assert first["peak_demand_kw"] == approx(80)
    assert second["peak_demand_kw"] == approx(60)
    assert data["totals"]["energy_kwh"] == approx(124)
    assert data["totals"]["cost"] == approx(4.5 + 11.7 + 2.0)
    assert data["totals"]["co2_kg"] == approx(62)
    shares = {d["device_id"]: d for d in data["devices"]}
    assert shares[meter.id]["energy_kwh"] == approx(104)
    assert shares[meter.id]["share"] == approx(104 / 124)
    assert shares[drive.id]["cost"] == approx(2.0)
    assert shares[idle.id]["energy_kwh"] is None and shares[idle.id]["share"] is None
    assert [d["device_id"] for d in data["top_consumers"]] == [meter.id, drive.id]


async def test_cached_hours_give_the_same_numbers(app, client, make):
    tenant, meter, drive, _ = await _plant(app, make)
    answers = []
    for _ in range(2):
        r = await client.get("/api/v1/energy", headers=tenant.headers, params=RANGE)
        answers.append(r.json()["data"])
    assert answers[0] == answers[1]
    keys = await _cache_keys(app, f"fo:energy:quarters:{tenant.id}:*")
    assert keys, "complete hours were not cached"


async def test_factory_energy_is_computed_once_and_a_new_tariff_is_priced_at_once(
        app, client, make, monkeypatch):
    from app.services.energy.service import EnergyService

    tenant, _, _, _ = await _plant(app, make)
    computed = 0
    real = EnergyService.factory_energy

    async def counting(self, *args, **kwargs):
        nonlocal computed
        computed += 1
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(EnergyService, "factory_energy", counting)

    async def totals() -> dict:
        r = await client.get("/api/v1/energy", headers=tenant.headers, params=RANGE)
        assert r.status_code == 200, r.text
        return r.json()["data"]["totals"]

    first, again = await totals(), await totals()
    assert first == again and computed == 1
    # Another range is another computation.
    r = await client.get("/api/v1/energy", headers=tenant.headers,
                         params={**RANGE, "bucket": "day"})
    assert r.status_code == 200 and computed == 2

    r = await client.patch("/api/v1/factories/current", headers=tenant.headers,
                           json={"tariff": {"kind": "flat", "price_per_kwh": 1.0}})
    assert r.status_code == 200, r.text
    repriced = await totals()
    assert computed == 3
    assert repriced["energy_kwh"] == approx(first["energy_kwh"])
    assert repriced["cost"] == approx(124.0) and first["cost"] == approx(4.5 + 11.7 + 2.0)


async def _cache_keys(app, pattern: str) -> list[bytes]:
    import redis.asyncio as redis

    client = redis.from_url(app.state.resources.settings.redis_url)
    try:
        return [key async for key in client.scan_iter(match=pattern)]
    finally:
        await client.aclose()


async def test_a_counter_reading_before_the_range_is_its_baseline(app, client, make):
    tenant, meter, _, _ = await _plant(app, make)
    # From local 10:45 (09:45Z): the reading of the quarter before (44) is the baseline.
    r = await client.get(f"/api/v1/devices/{meter.id}/energy", headers=tenant.headers,
                         params={"start": "2026-01-14T10:45:00+01:00",
                                 "end": "2026-01-14T12:00:00+01:00", "bucket": "day"})
    [day] = r.json()["data"]["buckets"]
    assert day["start"] == "2026-01-14T10:45:00+01:00"
    assert day["energy_kwh"] == approx(104 - 45 + 15)


async def test_defaults_are_the_last_seven_local_days_by_day(app, client, make):
    tenant, meter, _, _ = await _plant(app, make)
    r = await client.get(f"/api/v1/devices/{meter.id}/energy", headers=tenant.headers)
    assert r.status_code == 200, r.text
    buckets = r.json()["data"]["buckets"]
    assert len(buckets) == 7
    assert all(b["start"].endswith(("T00:00:00+01:00", "T00:00:00+02:00")) for b in buckets)
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin"))
    assert buckets[-1]["start"][:10] == today.date().isoformat()


async def test_energy_validation(app, client, make, tenant):
    device = await make.device(tenant)
    url = f"/api/v1/devices/{device.id}/energy"
    cases = [
        ({"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"start": "2026-01-01T00:00:00Z", "end": "2026-04-01T00:00:00Z", "bucket": "hour"},
         "TOO_MANY_BUCKETS"),
        ({"bucket": "week"}, "VALIDATION_ERROR"),
    ]
    for params, code in cases:
        r = await client.get(url, headers=tenant.headers, params=params)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
    r = await client.get("/api/v1/energy", headers=tenant.headers, params=cases[1][0])
    assert r.json()["error"]["code"] == "TOO_MANY_BUCKETS"


async def test_a_device_without_roles_has_null_energy(app, client, make, tenant):
    device = await make.device(tenant)
    r = await client.get(f"/api/v1/devices/{device.id}/energy", headers=tenant.headers,
                         params=RANGE)
    data = r.json()["data"]
    assert data["source"] is None
    assert data["totals"]["energy_kwh"] is None and data["totals"]["cost"] is None
