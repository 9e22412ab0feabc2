"""The Energy page's figures and virtual meters on a small plant worked out by hand (Berlin,
winter: local = UTC+1), Wednesday 2026-01-14, local 11:00-12:00:

* main (the supply meter, counter), last reading per quarter: 1000 before the hour, then
  1040, 1080, 1120, 1160: 40 kWh a quarter, 160 kWh, demand 160 kW.
* sub 1 on Line 1 (counter): 500 before, then 525, 550, a restart from zero reading 20, then
  45: 25 + 25 + 20 + 25 = 95 kWh (the restart counts its new reading).
* sub 2 on Line 2 (power only): 8 kW all hour, 8 kWh.
* "Unmetered" = main - sub 1 - sub 2, counted on the site: 13, 13, 18, 13 = 57 kWh; demand
  52, 52, 72, 52 kW. The site (Line 1 + Line 2 + unmetered) therefore adds up to the main
  meter: 160 kWh.
* Tariff 0.10 per kWh, "peak" 0.30 on weekdays from local 11:30: the first two quarters are
  standard, the last two peak. CO2 0.5 kg per kWh.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from app.stores.timeseries.base import Point, to_epoch_ms

API = "/api/v1"
TARIFF = {"kind": "tou", "default_price_per_kwh": 0.1, "periods": [
    {"name": "peak", "days": [0, 1, 2, 3, 4], "start": "11:30", "end": "24:00",
     "price_per_kwh": 0.3}]}
HOUR = {"start": "2026-01-14T11:00:00+01:00", "end": "2026-01-14T12:00:00+01:00",
        "bucket": "hour"}


def approx(value):
    return pytest.approx(value, abs=1e-6)


def at(minute: int) -> int:
    """Epoch ms of 09:00Z + minutes."""
    return to_epoch_ms(datetime(2026, 1, 14, 9, tzinfo=UTC) + timedelta(minutes=minute))


async def _plant(app, client, make):
    tenant = await make.tenant(timezone="Europe/Berlin", tariff=TARIFF, co2_kg_per_kwh=0.5)
    main = await make.device(tenant, name="Main", meta={"supply_meter": True})
    sub1 = await make.device(tenant, name="Sub 1", area="Press shop", type="press")
    sub2 = await make.device(tenant, name="Sub 2", area="Assembly", type="robot")
    await make.parameter(main, "kWh", role="energy_counter")
    await make.parameter(sub1, "kWh", role="energy_counter")
    await make.parameter(sub2, "P", role="active_power")
    points = []
    # Readings five minutes into each quarter from 09:45Z: the last of their quarter.
    for n, (m, s) in enumerate(zip([1000, 1040, 1080, 1120, 1160], [500, 525, 550, 20, 45],
                                   strict=True)):
        ts = at(50 + 15 * n)
        points += [Point(tenant.id, main.id, "kWh", ts, float(m)),
                   Point(tenant.id, sub1.id, "kWh", ts, float(s))]
    points += [Point(tenant.id, sub2.id, "P", at(60 + 5 * k), 8.0) for k in range(12)]
    await app.state.resources.timeseries.write(points)

    async def post(path, body):
        r = await client.post(API + path, headers=tenant.headers, json=body)
        assert r.status_code == 201, r.text
        return r.json()["data"]

    site = await post("/assets/nodes", {"name": "Site", "kind": "site"})
    line1 = await post("/assets/nodes", {"name": "Line 1", "parent_id": site["id"]})
    line2 = await post("/assets/nodes", {"name": "Line 2", "parent_id": site["id"]})
    for node, device in ((line1, sub1), (line2, sub2)):
        r = await client.put(f"{API}/assets/nodes/{node['id']}/devices",
                             headers=tenant.headers, json={"device_ids": [device.id]})
        assert r.status_code == 200, r.text
    unmetered = await post("/virtual-meters", {
        "name": "Unmetered", "node_id": site["id"],
        "terms": [{"device_id": main.id}, {"device_id": sub1.id, "sign": -1},
                  {"device_id": sub2.id, "sign": -1}]})
    return tenant, {"main": main, "sub1": sub1, "sub2": sub2, "site": site, "line1": line1,
                    "line2": line2, "unmetered": unmetered}


async def test_a_virtual_meter_subtracts_sub_meters_across_a_counter_reset(app, client, make):
    tenant, plant = await _plant(app, client, make)
    r = await client.get(f"{API}/virtual-meters/{plant['unmetered']['id']}/energy",
                         headers=tenant.headers, params=HOUR)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["name"], data["source"], data["currency"]) == ("Unmetered", "virtual", "EUR")
    [hour] = data["buckets"]
    assert hour["energy_kwh"] == approx(57)
    assert hour["cost"] == approx(13 * 0.1 + 13 * 0.1 + 18 * 0.3 + 13 * 0.3)
    assert hour["co2_kg"] == approx(28.5)
    assert hour["peak_demand_kw"] == approx(72)
    assert data["totals"]["energy_kwh"] == approx(57)

    r = await client.get(f"{API}/assets/nodes/{plant['site']['id']}/energy",
                         headers=tenant.headers, params=HOUR)
    assert r.json()["data"]["totals"]["energy_kwh"] == approx(160)
    r = await client.get(f"{API}/assets/nodes/{plant['line1']['id']}/energy",
                         headers=tenant.headers, params=HOUR)
    assert r.json()["data"]["totals"]["energy_kwh"] == approx(95)


async def test_the_factory_total_is_the_supply_meter_and_the_breakdowns_add_up(app, client,
                                                                                make):
    tenant, plant = await _plant(app, client, make)
    r = await client.get(f"{API}/energy/analysis", headers=tenant.headers, params=HOUR)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["scope"] == {"kind": "factory", "node_id": None,
                             "name": tenant.factory.name}
    assert data["totals"]["energy_kwh"] == approx(160)
    assert data["totals"]["cost"] == approx(80 * 0.1 + 80 * 0.3)
    assert data["totals"]["co2_kg"] == approx(80)
    assert data["totals"]["peak_demand_kw"] == approx(160)
    # The same total where the dashboard-era endpoint answers.
    old = (await client.get(f"{API}/energy", headers=tenant.headers, params=HOUR)).json()
    assert old["data"]["totals"]["energy_kwh"] == approx(160)
    assert [c["device_id"] for c in old["data"]["top_consumers"]] == [plant["sub1"].id,
                                                                      plant["sub2"].id]

    assert [(row["name"], row["energy_kwh"], row["share"]) for row in data["by_node"]] == [
        ("Site", approx(160), approx(1))]
    assert [(row["key"], row["energy_kwh"]) for row in data["by_area"]] == [
        ("Press shop", approx(95)), ("Assembly", approx(8)), ("unaccounted", approx(57))]
    assert [(row["name"], row["energy_kwh"]) for row in data["by_type"]][:2] == [
        ("press", approx(95)), ("robot", approx(8))]
    meters = {(m["kind"], m["name"]): m for m in data["meters"]}
    assert meters[("device", "Main")]["supply"] is True
    assert meters[("virtual", "Unmetered")]["energy_kwh"] == approx(57)
    assert meters[("device", "Sub 1")]["peak_demand_kw"] == approx(100)
    assert [(p["name"], p["energy_kwh"], p["cost"]) for p in data["tariff_periods"]] == [
        ("standard", approx(80), approx(8)), ("peak", approx(80), approx(24))]
    # Every quarter is 160 kW: the first is the event, the rest lie within the hour.
    [peak] = data["peaks"]
    assert (peak["start"], peak["end"], peak["demand_kw"]) == (
        "2026-01-14T11:00:00+01:00", "2026-01-14T11:15:00+01:00", approx(160))
    assert [(c["name"], c["demand_kw"]) for c in peak["contributors"]] == [
        ("Main", approx(160))]
    previous, last_year = data["comparisons"]
    assert (previous["kind"], previous["start"], previous["end"]) == (
        "previous_period", "2026-01-14T10:00:00+01:00", "2026-01-14T11:00:00+01:00")
    # The reading before the range has nothing before it to rise from.
    assert previous["totals"]["energy_kwh"] == approx(0)
    assert (last_year["start"], last_year["end"]) == ("2025-01-14T11:00:00+01:00",
                                                      "2025-01-14T12:00:00+01:00")


async def test_a_node_scope_sums_its_subtree_and_names_the_peak_contributors(app, client,
                                                                            make):
    tenant, plant = await _plant(app, client, make)
    r = await client.get(f"{API}/energy/analysis", headers=tenant.headers,
                         params={**HOUR, "node_id": plant["site"]["id"]})
    data = r.json()["data"]
    assert data["scope"] == {"kind": "node", "node_id": plant["site"]["id"], "name": "Site"}
    assert data["totals"]["energy_kwh"] == approx(160)
    assert [(row["name"], row["energy_kwh"]) for row in data["by_node"]] == [
        ("Line 1", approx(95)), ("Line 2", approx(8)), ("Site (itself)", approx(57))]
    assert [(row["name"], row["energy_kwh"]) for row in data["by_area"]] == [
        ("Press shop", approx(95)), ("Virtual meters", approx(57)), ("Assembly", approx(8))]
    [peak] = data["peaks"]
    assert peak["demand_kw"] == approx(160)
    assert [(c["name"], c["demand_kw"]) for c in peak["contributors"]] == [
        ("Sub 1", approx(100)), ("Unmetered", approx(52)), ("Sub 2", approx(8))]


async def test_exports_carry_the_api_numbers(app, client, make):
    tenant, _plant_parts = await _plant(app, client, make)
    r = await client.get(f"{API}/energy/analysis/export", headers=tenant.headers,
                         params={**HOUR, "format": "csv"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="energy-' in r.headers["content-disposition"]
    header, row = r.text.strip().split("\n")
    fields = dict(zip(header.split(","), row.split(","), strict=True))
    assert float(fields["energy_kwh"]) == approx(160)
    assert fields["start"] == "2026-01-14T11:00:00+01:00"

    r = await client.get(f"{API}/energy/analysis/export", headers=tenant.headers,
                         params={**HOUR, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["energy_kwh"] == approx(160) and summary["cost"] == approx(32)
    assert [row[0] for row in book["Tariff periods"].iter_rows(min_row=2, values_only=True)] \
        == ["standard", "peak"]
    r = await client.get(f"{API}/energy/analysis/export", headers=tenant.headers,
                         params={**HOUR, "format": "pdf"})
    assert r.status_code == 422


async def test_previous_period_of_a_month_is_the_calendar_month_before(app, client, make):
    tenant = await make.tenant(timezone="Europe/Berlin")
    r = await client.get(f"{API}/energy/analysis", headers=tenant.headers, params={
        "start": "2026-03-01T00:00:00+01:00", "end": "2026-04-01T00:00:00+02:00"})
    assert r.status_code == 200, r.text
    previous, last_year = r.json()["data"]["comparisons"]
    assert (previous["start"], previous["end"]) == ("2026-02-01T00:00:00+01:00",
                                                    "2026-03-01T00:00:00+01:00")
    assert len(previous["buckets"]) == 28
    assert (last_year["start"], last_year["end"]) == ("2025-03-01T00:00:00+01:00",
                                                      "2025-04-01T00:00:00+02:00")
