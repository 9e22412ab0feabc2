from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.database import session_scope
from app.models import Alert
from app.services.energy import calculator as calc
from app.stores.timeseries.base import Point, to_epoch_ms

URL = "/api/v1/dashboard/summary"


def _zone_at_local_noon() -> str:
    """A fixed-offset zone where it is about noon now, so that "today" has hours of room on
    both sides whenever the test runs."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    # Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


async def _alert(factory_id, device, *, severity, status, minutes_ago, title):
    now = datetime.now(UTC)
    async with session_scope() as session:
        alert = Alert(factory_id=factory_id, device_id=device.id if device else None,
                      severity=severity, status=status, title=title,
                      triggered_at=now - timedelta(minutes=minutes_ago),
                      last_triggered_at=now - timedelta(minutes=minutes_ago))
        session.add(alert)
        await session.commit()
        return alert


async def test_counts_devices_by_status_and_recency(client, make):
    tenant = await make.tenant()
    now = datetime.now(UTC)
    await make.device(tenant, last_seen_at=now)
    await make.device(tenant, last_seen_at=now - timedelta(seconds=30))
    await make.device(tenant, last_seen_at=now - timedelta(days=1))
    await make.device(tenant)
    await make.device(tenant, status="discovered", last_seen_at=now)
    await make.device(tenant, status="disabled", is_active=False, last_seen_at=now)
    r = await client.get(URL, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["devices"] == {"total": 6, "online": 3, "offline": 2,
                                           "discovered": 1, "disabled": 1}


async def test_open_alerts_by_severity_and_the_newest_five(client, make, other_tenant):
    tenant = await make.tenant()
    device = await make.device(tenant, name="Press 1")
    made = [
        await _alert(tenant.id, device, severity="warning", status="open", minutes_ago=50,
                     title="w1"),
        await _alert(tenant.id, device, severity="warning", status="open", minutes_ago=40,
                     title="w2"),
        await _alert(tenant.id, device, severity="critical", status="open", minutes_ago=30,
                     title="c1"),
        await _alert(tenant.id, device, severity="info", status="acknowledged",
                     minutes_ago=20, title="i1"),
        await _alert(tenant.id, None, severity="critical", status="resolved", minutes_ago=10,
                     title="c2"),
        await _alert(tenant.id, device, severity="info", status="open", minutes_ago=60,
                     title="oldest"),
    ]
    foreign = await make.device(other_tenant)
    await _alert(other_tenant.id, foreign, severity="critical", status="open", minutes_ago=1,
                 title="elsewhere")
    data = (await client.get(URL, headers=tenant.headers)).json()["data"]
    assert data["alerts"] == {"open_total": 4,
                              "open_by_severity": {"info": 1, "warning": 2, "critical": 1}}
    latest = data["latest_alerts"]
    assert [a["title"] for a in latest] == ["c2", "i1", "c1", "w2", "w1"]
    assert latest[0]["device_id"] is None and latest[0]["device_name"] is None
    assert latest[1] == {"id": made[3].id, "device_id": device.id, "device_name": "Press 1",
                         "rule_id": None, "severity": "info", "title": "i1",
                         "status": "acknowledged",
                         "triggered_at": latest[1]["triggered_at"]}


async def test_energy_today_load_and_top_consumers(app, client, make):
    zone = _zone_at_local_noon()
    tenant = await make.tenant(timezone=zone, tariff={"kind": "flat", "price_per_kwh": 0.25},
                               co2_kg_per_kwh=0.5)
    now = datetime.now(UTC)
    big = await make.device(tenant, name="Big", last_seen_at=now)
    small = await make.device(tenant, name="Small", last_seen_at=now)
    silent = await make.device(tenant, name="Silent")
    await make.parameter(big, "P", role="active_power")
    await make.parameter(small, "kW", role="active_power")
    await make.parameter(silent, "P", role="active_power")
    # Eight quarters of data ending with the current one: 40 kW and 10 kW every minute.
    first_quarter = calc.floor_quarter(to_epoch_ms(now)) - 7 * calc.QUARTER_MS
    points = []
    for ts in range(first_quarter, to_epoch_ms(now), 60_000):
        points.append(Point(tenant.id, big.id, "P", ts, 40.0))
        points.append(Point(tenant.id, small.id, "kW", ts, 10.0))
    await app.state.resources.timeseries.write(points)
    await app.state.resources.latest.put_many({
        (tenant.id, big.id): {"P": (to_epoch_ms(now), 41.0)},
        (tenant.id, small.id): {"kW": (to_epoch_ms(now), 9.0)},
        # Too old to count as current load.
        (tenant.id, silent.id): {"P": (to_epoch_ms(now - timedelta(hours=1)), 99.0)},
    })

    r = await client.get(URL, headers=tenant.headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["timezone"], data["currency"]) == (zone, "EUR")
    today = data["energy"]["today"]
    assert today == {"energy_kwh": pytest.approx(8 * 12.5),
                     "cost": pytest.approx(8 * 12.5 * 0.25),
                     "co2_kg": pytest.approx(8 * 12.5 * 0.5)}
    assert data["energy"]["month"]["energy_kwh"] == pytest.approx(100)
    assert data["current_load_kw"] == pytest.approx(50.0)
    assert data["peak_demand_today_kw"] == pytest.approx(50.0)
    curve = data["load_curve_today"]
    assert len(curve) == 8 and all(kw == pytest.approx(50.0) for _, kw in curve)
    assert datetime.fromisoformat(curve[0][0]) == datetime.fromtimestamp(first_quarter / 1000,
                                                                         UTC)
    assert data["top_consumers"] == [
        {"device_id": big.id, "name": "Big", "energy_kwh": pytest.approx(80.0),
         "cost": pytest.approx(20.0)},
        {"device_id": small.id, "name": "Small", "energy_kwh": pytest.approx(20.0),
         "cost": pytest.approx(5.0)},
        {"device_id": silent.id, "name": "Silent", "energy_kwh": 0.0, "cost": 0.0},
    ]

    # The same figures as the energy endpoint's today bucket.
    energy = (await client.get("/api/v1/energy", headers=tenant.headers)).json()["data"]
    assert energy["buckets"][-1]["energy_kwh"] == pytest.approx(today["energy_kwh"])
    assert energy["buckets"][-1]["cost"] == pytest.approx(today["cost"])
    assert energy["buckets"][-1]["peak_demand_kw"] == pytest.approx(50.0)


async def test_month_adds_complete_days_from_the_cache(app, client, make):
    tenant = await make.tenant(timezone="UTC")
    now = datetime.now(UTC)
    device = await make.device(tenant, name="Meter", last_seen_at=now)
    await make.parameter(device, "E", role="energy_counter")
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = today.replace(day=1)
    # 1 kWh per quarter since the month began (or since yesterday on the first of a month).
    begin = min(month_start, today - timedelta(days=1))
    points = [Point(tenant.id, device.id, "E", to_epoch_ms(begin + i * timedelta(minutes=15)),
                    float(i))
              for i in range(int((now - begin) / timedelta(minutes=15)) + 1)]
    await app.state.resources.timeseries.write(points)
    quarters_today = len([p for p in points if p.ts_ms >= to_epoch_ms(today)])
    first = (await client.get(URL, headers=tenant.headers)).json()["data"]["energy"]
    month_quarters = len([p for p in points if p.ts_ms >= to_epoch_ms(month_start)])
    # The very first quarter of the data has no earlier reading.
    expected_month = month_quarters - (1 if begin == month_start else 0)
    assert first["today"]["energy_kwh"] == pytest.approx(quarters_today)
    assert first["month"]["energy_kwh"] == pytest.approx(expected_month)
    # A second summary reads the complete days from the day cache and agrees.
    from app.services.energy.dashboard import shared_energy_refresh

    shared_energy_refresh(app.state.resources).clear()
    second = (await client.get(URL, headers=tenant.headers)).json()["data"]["energy"]
    assert second == first
