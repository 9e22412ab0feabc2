"""Production, baselines and shifts through the API, on data whose answers are known.

Counter readings sit at 23:55 local, in the last quarter of the day, so each day's increase
belongs to that day alone (a reading stands at the end of its quarter)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.stores.timeseries.base import Point, to_epoch_ms

API = "/api/v1"
BERLIN = ZoneInfo("Europe/Berlin")


def approx(value):
    return pytest.approx(value, abs=1e-6)


def local_ms(day: date, hour: int, minute: int = 0) -> int:
    return to_epoch_ms(datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN))


async def _line(client, make, tenant, name="Line"):
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": name, "kind": "line"})
    assert r.status_code == 201, r.text
    node = r.json()["data"]
    meter = await make.device(tenant, name=f"{name} meter")
    counter = await make.device(tenant, name=f"{name} counter")
    await make.parameter(meter, "kWh", role="energy_counter")
    await make.parameter(counter, "parts", role="production_count")
    r = await client.put(f"{API}/assets/nodes/{node['id']}/devices", headers=tenant.headers,
                         json={"device_ids": [meter.id, counter.id]})
    assert r.status_code == 200, r.text
    return node, meter, counter


async def _daily_counters(app, tenant, meter, counter, first: date, energy, produced):
    """Energy and production counters rising by energy[i] and produced[i] on day i."""
    points = []
    kwh, parts = 1000.0, 5000.0
    day = first - timedelta(days=1)
    points += [Point(tenant.id, meter.id, "kWh", local_ms(day, 23, 55), kwh),
               Point(tenant.id, counter.id, "parts", local_ms(day, 23, 55), parts)]
    for n, (e, p) in enumerate(zip(energy, produced, strict=True)):
        day = first + timedelta(days=n)
        kwh += e
        parts += p
        points += [Point(tenant.id, meter.id, "kWh", local_ms(day, 23, 55), kwh),
                   Point(tenant.id, counter.id, "parts", local_ms(day, 23, 55), parts)]
    await app.state.resources.timeseries.write(points)


async def test_regression_baseline_recovers_known_coefficients_and_tracks_savings(
        app, client, make):
    tenant = await make.tenant(timezone="Europe/Berlin")
    node, meter, counter = await _line(client, make, tenant)
    weather = await make.device(tenant, name="Weather")
    await make.parameter(weather, "outside °C", role="temperature")
    first = date(2026, 1, 5)
    produced = [100, 150, 120, 200, 80, 170, 130, 190]
    temperature = [2.0, -1.0, 5.0, 0.0, 8.0, 3.0, -4.0, 6.0]
    # Baseline days: E = 50 + 2 x parts + 3 x degrees. Reporting days use 10 kWh a day less.
    baseline_energy = [50 + 2 * p + 3 * t for p, t in zip(produced, temperature, strict=True)]
    report_parts, report_temp = [100, 120, 140, 160], [1.0, 1.0, 1.0, 1.0]
    report_energy = [40 + 2 * p + 3 * t for p, t in zip(report_parts, report_temp, strict=True)]
    await _daily_counters(app, tenant, meter, counter, first, baseline_energy + report_energy,
                          produced + report_parts)
    points = []
    for n, t in enumerate(temperature + report_temp):
        day = first + timedelta(days=n)
        points += [Point(tenant.id, weather.id, "outside °C", local_ms(day, h), t)
                   for h in range(24)]
    await app.state.resources.timeseries.write(points)

    r = await client.post(f"{API}/baselines", headers=tenant.headers, json={
        "node_id": node["id"], "name": "2026 baseline", "period_start": "2026-01-05",
        "period_end": "2026-01-12",
        "temperature": {"device_id": weather.id, "parameter_key": "outside °C"}})
    assert r.status_code == 201, r.text
    baseline = r.json()["data"]
    model = baseline["model"]
    assert model["points"] == 8
    assert model["intercept"] == approx(50)
    assert model["coefficients"] == {"production": approx(2), "temperature": approx(3)}
    assert model["r2"] == approx(1)
    assert baseline["formula"] == "E = 50 + 2 × production + 3 × temperature"

    r = await client.get(f"{API}/baselines/{baseline['id']}/performance",
                         headers=tenant.headers,
                         params={"start": "2026-01-13", "end": "2026-01-16"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert [row["actual_kwh"] for row in data["rows"]] == [approx(e) for e in report_energy]
    assert [row["expected_kwh"] for row in data["rows"]] == [
        approx(e + 10) for e in report_energy]
    assert [row["savings_kwh"] for row in data["rows"]] == [approx(10)] * 4
    assert [row["cusum_kwh"] for row in data["rows"]] == [approx(-10 * n) for n in (1, 2, 3, 4)]
    assert data["rows"][0]["start"] == "2026-01-13T00:00:00+01:00"
    assert data["rows"][0]["enpi"] == approx(report_energy[0] / 100)
    totals = data["totals"]
    assert totals["savings_kwh"] == approx(40)
    assert totals["savings_pct"] == approx(40 / (sum(report_energy) + 40))
    assert totals["production"] == approx(520)
    assert data["skipped"] == 0


async def test_a_baseline_over_too_little_data_is_refused(app, client, make):
    tenant = await make.tenant(timezone="Europe/Berlin")
    node, meter, counter = await _line(client, make, tenant)
    await _daily_counters(app, tenant, meter, counter, date(2026, 2, 2), [10, 12], [1, 2])
    r = await client.post(f"{API}/baselines", headers=tenant.headers, json={
        "node_id": node["id"], "name": "b", "period_start": "2026-02-02",
        "period_end": "2026-02-03"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "NOT_ENOUGH_DATA")
    assert r.json()["error"]["details"] == {"periods_with_data": 2}
    r = await client.post(f"{API}/baselines", headers=tenant.headers, json={
        "node_id": node["id"], "name": "b", "period_start": "2026-02-03",
        "period_end": "2026-02-02"})
    assert r.status_code == 422


async def test_entries_replace_counters_for_their_day_and_roll_up(app, client, make):
    tenant = await make.tenant(timezone="Europe/Berlin")
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": "Site", "kind": "site"})
    site = r.json()["data"]
    line, meter, counter = await _line(client, make, tenant, "Line 1")
    r = await client.patch(f"{API}/assets/nodes/{line['id']}", headers=tenant.headers,
                           json={"parent_id": site["id"]})
    assert r.status_code == 200, r.text
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": "Line 2", "parent_id": site["id"]})
    line2 = r.json()["data"]
    await _daily_counters(app, tenant, meter, counter, date(2026, 3, 2), [1, 1, 1],
                          [100, 110, 120])
    r = await client.put(f"{API}/production/entries", headers=tenant.headers, json={
        "entries": [{"node_id": line["id"], "day": "2026-03-03", "quantity": 95},
                    {"node_id": line2["id"], "day": "2026-03-02", "quantity": 40}]})
    assert r.status_code == 200, r.text
    # The upload names nodes by their path; it replaces line 2's figure of the 2nd.
    csv = "node,day,quantity\nSite / Line 2,2026-03-02,45\nsite / line 2,2026-03-04,50\n"
    r = await client.post(f"{API}/production/upload", headers={
        **tenant.headers, "Content-Type": "text/csv"}, content=csv.encode())
    assert r.status_code == 200, r.text
    assert r.json()["data"]["saved"] == 2

    r = await client.get(f"{API}/production", headers=tenant.headers, params={
        "node_id": line["id"], "start": "2026-03-02", "end": "2026-03-04"})
    days = r.json()["data"]["days"]
    assert [(d["counted"], d["entered"], d["total"]) for d in days] == [
        (approx(100), None, approx(100)), (approx(110), 95, 95),
        (approx(120), None, approx(120))]
    r = await client.get(f"{API}/production", headers=tenant.headers, params={
        "node_id": site["id"], "start": "2026-03-02", "end": "2026-03-04"})
    assert [d["total"] for d in r.json()["data"]["days"]] == [approx(145), approx(95),
                                                             approx(170)]

    bad = "node,day,quantity\nSite / Line 9,2026-03-02,1\nSite / Line 1,yesterday,2\n"
    r = await client.post(f"{API}/production/upload", headers={
        **tenant.headers, "Content-Type": "text/csv"}, content=bad.encode())
    assert (r.status_code, r.json()["error"]["code"]) == (422, "INVALID_UPLOAD")
    assert [p["line"] for p in r.json()["error"]["details"]["lines"]] == [2, 3]

    entry_id = days[1]["entry_id"]
    r = await client.delete(f"{API}/production/entries/{entry_id}", headers=tenant.headers)
    assert r.status_code == 204
    r = await client.get(f"{API}/production", headers=tenant.headers, params={
        "node_id": line["id"], "start": "2026-03-03", "end": "2026-03-03"})
    assert r.json()["data"]["days"][0]["total"] == approx(110)


async def test_enpi_per_shift_across_midnight(app, client, make):
    """Friday 2026-01-16 in Berlin. The night shift runs Friday 22:00 to Saturday 06:00 and
    belongs to Friday: 30 kW until 02:00 (120 kWh) then 50 kW (200 kWh) = 320 kWh; the
    production counter rises 20 parts an hour from 1000 (read at 21:55) to 1160 (05:55):
    160 parts, so 2.0 kWh per part. Flat tariff 0.2: 64.0."""
    tenant = await make.tenant(timezone="Europe/Berlin")
    for name, start, end in (("Early", "06:00", "14:00"), ("Late", "14:00", "22:00"),
                             ("Night", "22:00", "06:00")):
        r = await client.post(f"{API}/shifts", headers=tenant.headers,
                              json={"name": name, "start": start, "end": end,
                                    "days": [0, 1, 2, 3, 4]})
        assert r.status_code == 201, r.text
    night = r.json()["data"]
    assert (night["hours"], night["crosses_midnight"]) == (8, True)
    drive = await make.device(tenant, name="Drive")
    counter = await make.device(tenant, name="Counter")
    await make.parameter(drive, "P", role="active_power")
    await make.parameter(counter, "parts", role="production_count")
    friday = datetime(2026, 1, 16, 22, tzinfo=BERLIN).astimezone(UTC)
    points = [Point(tenant.id, drive.id, "P", to_epoch_ms(friday + timedelta(minutes=m)),
                    30.0 if m < 240 else 50.0) for m in range(0, 480, 5)]
    points += [Point(tenant.id, counter.id, "parts",
                     to_epoch_ms(friday + timedelta(minutes=-5 + 60 * h)), 1000.0 + 20 * h)
               for h in range(9)]
    await app.state.resources.timeseries.write(points)

    r = await client.get(f"{API}/energy/shifts", headers=tenant.headers,
                         params={"start": "2026-01-16", "end": "2026-01-16"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    by_name = {o["name"]: o for o in data["occurrences"]}
    assert list(by_name) == ["Early", "Late", "Night"]
    shift = by_name["Night"]
    assert (shift["day"], shift["start"], shift["end"]) == (
        "2026-01-16", "2026-01-16T22:00:00+01:00", "2026-01-17T06:00:00+01:00")
    assert shift["energy_kwh"] == approx(320)
    assert shift["cost"] == approx(64)
    assert shift["peak_demand_kw"] == approx(50)
    assert shift["production"] == approx(160)
    assert shift["enpi"] == approx(2.0)
    assert by_name["Late"]["energy_kwh"] == approx(0) and by_name["Late"]["enpi"] is None
    totals = {t["name"]: t for t in data["shifts"]}
    assert totals["Night"]["occurrences"] == 1 and totals["Night"]["enpi"] == approx(2.0)
    assert totals["Outside shifts"]["energy_kwh"] == approx(0)

    # On a node with a daily entry for Friday, the shift's production cannot be split.
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers, json={"name": "L"})
    node = r.json()["data"]
    await client.put(f"{API}/assets/nodes/{node['id']}/devices", headers=tenant.headers,
                     json={"device_ids": [drive.id, counter.id]})
    r = await client.get(f"{API}/energy/shifts", headers=tenant.headers, params={
        "start": "2026-01-16", "end": "2026-01-16", "node_id": node["id"]})
    assert r.json()["data"]["occurrences"][2]["production"] == approx(160)
    await client.put(f"{API}/production/entries", headers=tenant.headers, json={
        "entries": [{"node_id": node["id"], "day": "2026-01-16", "quantity": 170}]})
    r = await client.get(f"{API}/energy/shifts", headers=tenant.headers, params={
        "start": "2026-01-16", "end": "2026-01-16", "node_id": node["id"]})
    night_row = r.json()["data"]["occurrences"][2]
    assert night_row["energy_kwh"] == approx(320) and night_row["production"] is None


async def test_the_shift_calendar_refuses_overlaps_and_odd_times(client, tenant):
    r = await client.post(f"{API}/shifts", headers=tenant.headers,
                          json={"name": "Night", "start": "22:00", "end": "06:00", "days": [6]})
    assert r.status_code == 201
    shift_id = r.json()["data"]["id"]
    r = await client.post(f"{API}/shifts", headers=tenant.headers,
                          json={"name": "Early", "start": "05:00", "end": "13:00", "days": [0]})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "SHIFT_OVERLAP")
    r = await client.post(f"{API}/shifts", headers=tenant.headers,
                          json={"name": "Early", "start": "06:10", "end": "14:00", "days": [0]})
    assert r.status_code == 422
    r = await client.patch(f"{API}/shifts/{shift_id}", headers=tenant.headers,
                           json={"end": "05:00"})
    assert r.json()["data"]["hours"] == 7
    r = await client.get(f"{API}/energy/shifts", headers=tenant.headers,
                         params={"start": "2026-01-01", "end": "2026-06-01"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "INVALID_RANGE")
