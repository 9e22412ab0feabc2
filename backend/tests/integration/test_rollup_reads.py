"""History, energy and reports read rollups where they hold the data: the same numbers as from
raw points, including local days across a daylight-saving change and zones whose offset is
not whole hours, and a one-year chart that no longer needs raw points at all."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from app.core.database import session_scope
from app.repositories.factory_repo import FactoryRepository
from app.services.energy.service import EnergyService
from app.services.lifecycle import refresh_factory
from app.stores.timeseries.base import Point, to_epoch_ms

HOUR = timedelta(hours=1)


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-9)


async def _factory(tenant):
    async with session_scope() as session:
        return await FactoryRepository(session).get(tenant.id)


async def _energy_plant(app, make, zone: str):
    """A counter every 5 minutes over three local days around the spring change of 2026
    (Europe: 29 March 01:00 UTC), with a restart from zero inside a quarter, and a power
    meter every 2 minutes."""
    tenant = await make.tenant(timezone=zone)
    meter = await make.device(tenant, name="meter")
    drive = await make.device(tenant, name="drive")
    await make.parameter(meter, "kWh", role="energy_counter")
    await make.parameter(drive, "kW", role="active_power")
    await make.parameter(drive, "PF", role="power_factor")
    start = datetime(2026, 3, 27, 12, tzinfo=UTC)
    points, counter = [], 1000.0
    for step in range(4 * 24 * 12):
        ts = start + timedelta(minutes=5 * step)
        counter = 3.0 if ts == datetime(2026, 3, 29, 0, 40, tzinfo=UTC) else counter + 1.5
        points.append(Point(tenant.id, meter.id, "kWh", to_epoch_ms(ts), counter))
    for step in range(4 * 24 * 30):
        ts = to_epoch_ms(start + timedelta(minutes=2 * step))
        points.append(Point(tenant.id, drive.id, "kW", ts, 20 + 10 * math.sin(step / 40)))
        points.append(Point(tenant.id, drive.id, "PF", ts, 0.9))
    await app.state.resources.timeseries.write(points)
    return tenant, meter


def _figures(answer: dict) -> list:
    rows = [answer["totals"], *answer["buckets"], *answer["devices"]]
    return [{k: v for k, v in row.items() if isinstance(v, float)} for row in rows]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kathmandu"])
async def test_energy_from_rollups_equals_energy_from_raw_points(app, make, zone):
    tenant, meter = await _energy_plant(app, make, zone)
    resources = app.state.resources
    store = resources.timeseries
    factory = await _factory(tenant)
    async with session_scope() as session:
        # No cache: every figure is computed from the store.
        energy = EnergyService(session, factory, store)
        start, end = datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
        by_day_raw = (await energy.factory_energy(start, end, "day")).model_dump()
        by_hour_raw = (await energy.factory_energy(start, end, "hour")).model_dump()

        report = await refresh_factory(resources, factory)
        assert report.coverage.backfilled
        # Every raw point goes: what is answered now comes from the rollups alone.
        await store.purge_before(tenant.id, {"raw": to_epoch_ms(end) + 86_400_000})
        store.forget_coverage(tenant.id)
        key = (meter.id, "kWh")
        assert await store.aggregate_raw(tenant.id, [key], start, end, 900, "last") == {key: []}
        by_day = (await energy.factory_energy(start, end, "day")).model_dump()
        by_hour = (await energy.factory_energy(start, end, "hour")).model_dump()
    # Local days: 29 March has 23 hours in Berlin.
    if zone == "Europe/Berlin":
        day = by_day["buckets"][1]
        assert (day["start"].isoformat(), day["end"].isoformat()) == (
            "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00")
    assert by_day_raw["totals"]["energy_kwh"] > 100
    for rolled, raw in ((by_day, by_day_raw), (by_hour, by_hour_raw)):
        assert len(rolled["buckets"]) == len(raw["buckets"])
        for got, expected in zip(_figures(rolled), _figures(raw), strict=True):
            assert got.keys() == expected.keys()
            for name, value in expected.items():
                assert got[name] == approx(value), name


async def test_a_year_chart_is_served_from_hourly_rollups(app, client, make):
    tenant = await make.tenant()
    device = await make.device(tenant)
    await make.parameter(device, "temperature")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    first = now - timedelta(days=365)
    points = [Point(tenant.id, device.id, "temperature", to_epoch_ms(first + k * 3 * HOUR),
                    float(k % 97)) for k in range(365 * 8 - 1)]
    store = app.state.resources.timeseries
    await store.write(points)
    report = await refresh_factory(app.state.resources, await _factory(tenant))
    assert report.coverage.backfilled and report.coverage.start_ms <= points[0].ts_ms
    # Raw points older than an hour go: the chart must come from rollups.
    await store.purge_before(tenant.id, {"raw": to_epoch_ms(now - HOUR)})
    store.forget_coverage(tenant.id)

    # The chart ends where the current 12-hour bucket begins: that bucket is not whole, so it
    # would be read from raw points, and the purge above took those (when it runs, today's
    # bucket holds points older than an hour for most hours of the day).
    end = datetime.fromtimestamp(to_epoch_ms(now) // 43_200_000 * 43_200, UTC)
    r = await client.get(f"/api/v1/devices/{device.id}/kpis/history", headers=tenant.headers,
                         params={"parameters": "temperature", "agg": "max",
                                 "start": first.isoformat(), "end": end.isoformat()})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["interval_seconds"] == 43_200
    expected: dict[int, float] = {}
    for point in points:
        if point.ts_ms >= to_epoch_ms(end):
            continue
        bucket = point.ts_ms - point.ts_ms % 43_200_000
        expected[bucket] = max(expected.get(bucket, -1.0), point.value)
    got = {to_epoch_ms(datetime.fromisoformat(ts)): value
           for ts, value in data["series"][0]["points"]}
    assert got == expected
    assert len(got) >= 730
