"""Virtual meters, peak events and tariff periods against cases worked out by hand.

The plant: a main meter and two sub-meters, 10:00-11:00 UTC on Wednesday 2026-01-14.
* main (counter), last reading per quarter: 1000 before the hour, then 1040, 1080, 1120,
  1160: 40 kWh a quarter, demand 160 kW.
* sub 1 (counter): 500 before, then 525, 550, a restart from zero reading 20, then 45:
  25, 25, 20 (the restart counts its new reading), 25 kWh.
* sub 2 (power only): 8 kW all hour, 2 kWh a quarter.
Unmetered = main - sub 1 - sub 2 = 13, 13, 18, 13 = 57 kWh; demand 52, 52, 72, 52 kW.
Subtracting the raw counters instead would have made the restart quarter 40 - (20 - 550) - 2
= 568 kWh."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.services.energy import calculator as calc
from app.services.energy import meters

BERLIN = ZoneInfo("Europe/Berlin")


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


START, END = ms("2026-01-14T10:00Z"), ms("2026-01-14T11:00Z")
QUARTERS = [ms(f"2026-01-14T10:{m}Z") for m in ("00", "15", "30", "45")]


def counter(values: list[float]) -> calc.DeviceQuarters:
    readings = [(ms("2026-01-14T09:45Z"), values[0])]
    readings += list(zip(QUARTERS, values[1:], strict=True))
    return calc.device_quarters(start_ms=START, end_ms=END, counter=readings)


def power(kw: float, quarters=QUARTERS) -> calc.DeviceQuarters:
    return calc.device_quarters(start_ms=START, end_ms=END, power={q: kw for q in quarters})


def plant():
    return (counter([1000, 1040, 1080, 1120, 1160]), counter([500, 525, 550, 20, 45]),
            power(8.0))


def test_unmetered_loss_survives_a_sub_meter_counter_reset():
    main, sub1, sub2 = plant()
    assert [sub1.energy[q] for q in QUARTERS] == [25, 25, 20, 25]
    unmetered = meters.virtual_quarters([(1, main), (-1, sub1), (-1, sub2)])
    assert unmetered.source == meters.SOURCE_VIRTUAL
    assert [unmetered.energy[q] for q in QUARTERS] == pytest.approx([13, 13, 18, 13])
    assert [unmetered.demand[q] for q in QUARTERS] == pytest.approx([52, 52, 72, 52])
    [hour], totals = calc.bucket_figures(
        calc.local_buckets(START, END, BERLIN, "hour"), [unmetered],
        prices=calc.QuarterPrices(calc.Tariff({"kind": "flat", "price_per_kwh": 0.1}), BERLIN),
        co2_per_kwh=0.5, configured_thresholds_kw=[None], now_ms=ms("2030-01-01T00:00Z"))
    assert hour.energy_kwh == pytest.approx(57)
    assert hour.cost == pytest.approx(5.7)
    assert hour.co2_kg == pytest.approx(28.5)
    assert hour.peak_demand_kw == pytest.approx(72)
    assert totals.energy_kwh == pytest.approx(57)


def test_a_sum_of_meters_adds_their_energy_and_demand():
    _main, sub1, sub2 = plant()
    both = meters.virtual_quarters([(1, sub1), (1, sub2)])
    assert [both.energy[q] for q in QUARTERS] == pytest.approx([27, 27, 22, 27])
    assert [both.demand[q] for q in QUARTERS] == pytest.approx([108, 108, 88, 108])


def test_a_quarter_a_term_did_not_measure_is_unknown_not_a_loss():
    main, sub1, _ = plant()
    partial = power(8.0, QUARTERS[:3])          # sub 2 silent in the last quarter
    unmetered = meters.virtual_quarters([(1, main), (-1, sub1), (-1, partial)])
    assert sorted(unmetered.energy) == QUARTERS[:3]
    assert sum(unmetered.energy.values()) == pytest.approx(13 + 13 + 18)


def test_terms_without_an_energy_role_are_ignored_and_none_at_all_means_no_source():
    main, _, _ = plant()
    no_roles = calc.device_quarters(start_ms=START, end_ms=END)
    assert meters.virtual_quarters([(1, main), (-1, no_roles)]).energy == main.energy
    assert meters.virtual_quarters([(1, no_roles)]).source is None


def test_peak_events_are_the_highest_separate_quarters_with_their_contributors():
    # Two hours: meter A 100 kW then 40 kW; meter B 10 kW except 90 kW at 11:30.
    start, end = ms("2026-01-14T10:00Z"), ms("2026-01-14T12:00Z")
    a = {q: (100.0 if q < ms("2026-01-14T11:00Z") else 40.0) for q in calc.quarters(start, end)}
    b = {q: 10.0 for q in calc.quarters(start, end)}
    b[ms("2026-01-14T11:30Z")] = 90.0
    devices = [calc.device_quarters(start_ms=start, end_ms=end, power=series)
               for series in (a, b)]
    events = meters.peak_events(devices, start, end, count=3)
    # 11:30 (130 kW) first; 10:00 (110 kW) is more than an hour before it; every other
    # quarter is within an hour of one of them.
    assert [(e.start_ms, e.demand_kw) for e in events] == [
        (ms("2026-01-14T11:30Z"), 130.0), (ms("2026-01-14T10:00Z"), 110.0)]
    assert [(c.index, c.demand_kw) for c in events[0].contributions] == [(1, 90.0), (0, 40.0)]
    assert [(c.index, c.demand_kw) for c in events[1].contributions] == [(0, 100.0), (1, 10.0)]


def test_cost_by_tariff_period_names_the_periods():
    tariff = calc.Tariff({"kind": "tou", "default_price_per_kwh": 0.1, "periods": [
        {"name": "peak", "days": [2], "start": "11:30", "end": "24:00", "price_per_kwh": 0.3}]})
    prices = calc.QuarterPrices(tariff, BERLIN)
    # Local 11:00-12:00 (UTC+1) on a Wednesday: two quarters standard, two peak.
    energy = {ms("2026-01-14T10:00Z") + i * calc.QUARTER_MS: 10.0 for i in range(4)}
    split = meters.cost_by_tariff_period(energy, prices)
    assert [(p.name, p.energy_kwh, p.cost) for p in split] == [
        ("standard", 20.0, pytest.approx(2.0)), ("peak", 20.0, pytest.approx(6.0))]
    unpriced = calc.QuarterPrices(calc.Tariff({}), BERLIN)
    assert [(p.name, p.cost) for p in meters.cost_by_tariff_period(energy, unpriced)] == [
        ("standard", None)]
    assert datetime.fromtimestamp(QUARTERS[0] / 1000, UTC).hour == 10
