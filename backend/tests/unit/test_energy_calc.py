"""Energy arithmetic against cases worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.services.energy import calculator as calc

BERLIN = ZoneInfo("Europe/Berlin")
Q = calc.QUARTER_MS


def ms(text: str) -> int:
    """Epoch ms of an ISO time with an explicit offset (or Z)."""
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def iso(value: int) -> str:
    return datetime.fromtimestamp(value / 1000, UTC).strftime("%Y-%m-%dT%H:%MZ")


def flat(price: float = 0.2) -> calc.QuarterPrices:
    return calc.QuarterPrices(calc.Tariff({"kind": "flat", "price_per_kwh": price}), BERLIN)


def run(buckets, devices, *, prices=None, thresholds=None, now="2030-01-01T00:00Z", co2=0.5):
    return calc.bucket_figures(
        buckets, devices, prices=prices or flat(), co2_per_kwh=co2,
        configured_thresholds_kw=thresholds or [None] * len(devices), now_ms=ms(now))


def constant_power(start: str, end: str, kw: float) -> dict[int, float]:
    return {q: kw for q in calc.quarters(ms(start), ms(end))}


# --- counters -------------------------------------------------------------------------------
def test_counter_reset_inside_a_bucket_counts_the_new_reading_as_the_increase():
    # Last reading per quarter: 90 before the hour, then 100, 110, a restart from zero (5), 15.
    readings = [(ms("2026-01-14T09:45Z"), 90.0), (ms("2026-01-14T10:00Z"), 100.0),
                (ms("2026-01-14T10:15Z"), 110.0), (ms("2026-01-14T10:30Z"), 5.0),
                (ms("2026-01-14T10:45Z"), 15.0)]
    energy = calc.counter_energy(readings, ms("2026-01-14T10:00Z"), ms("2026-01-14T11:00Z"))
    assert [energy[ms(f"2026-01-14T10:{m}Z")] for m in ("00", "15", "30", "45")] == \
        [10.0, 10.0, 5.0, 10.0]
    device = calc.device_quarters(start_ms=ms("2026-01-14T10:00Z"),
                                  end_ms=ms("2026-01-14T11:00Z"), counter=readings)
    buckets = calc.local_buckets(ms("2026-01-14T10:00Z"), ms("2026-01-14T11:00Z"), BERLIN,
                                 "hour")
    [hour], totals = run(buckets, [device])
    assert hour.energy_kwh == pytest.approx(35.0)
    assert totals.energy_kwh == pytest.approx(35.0)
    assert device.source == calc.SOURCE_COUNTER


def test_a_gap_spreads_its_increase_over_two_buckets_in_proportion_to_time():
    # Readings stand at quarter ends: 90 (10:00-10:15), 100 (10:15-10:30), then nothing until
    # 160 in the 11:30 quarter. The 60 kWh cover five quarters: 10:30 ... 11:30, 12 each.
    readings = [(ms("2026-01-14T10:00Z"), 90.0), (ms("2026-01-14T10:15Z"), 100.0),
                (ms("2026-01-14T11:30Z"), 160.0)]
    start, end = ms("2026-01-14T10:00Z"), ms("2026-01-14T12:00Z")
    device = calc.device_quarters(start_ms=start, end_ms=end, counter=readings)
    buckets = calc.local_buckets(start, end, ZoneInfo("UTC"), "hour")
    (ten, eleven), totals = run(buckets, [device])
    assert ten.energy_kwh == pytest.approx(10 + 12 + 12)
    assert eleven.energy_kwh == pytest.approx(12 * 3)
    assert totals.energy_kwh == pytest.approx(70.0)
    # Until a later reading arrives, nothing after 11:45 is final.
    assert device.settled_until == ms("2026-01-14T11:45Z")


def test_only_the_part_of_a_spread_inside_the_range_counts():
    readings = [(ms("2026-01-14T09:00Z"), 0.0), (ms("2026-01-14T11:00Z"), 80.0)]
    # Eight quarters 09:15 ... 11:00 share 80 kWh; [10:00, 11:00) holds four of them.
    energy = calc.counter_energy(readings, ms("2026-01-14T10:00Z"), ms("2026-01-14T11:00Z"))
    assert sorted(energy) == [ms("2026-01-14T10:00Z") + i * Q for i in range(4)]
    assert sum(energy.values()) == pytest.approx(40.0)


# --- power ----------------------------------------------------------------------------------
def test_power_is_integrated_per_quarter_and_a_quarter_without_data_adds_nothing():
    power = {ms("2026-01-14T10:00Z"): 40.0, ms("2026-01-14T10:15Z"): 40.0,
             ms("2026-01-14T10:45Z"): 20.0}
    start, end = ms("2026-01-14T10:00Z"), ms("2026-01-14T11:00Z")
    device = calc.device_quarters(start_ms=start, end_ms=end, power=power)
    [hour], _ = run([(start, end)], [device])
    assert device.source == calc.SOURCE_POWER
    assert hour.energy_kwh == pytest.approx(10 + 10 + 0 + 5)
    assert hour.peak_demand_kw == 40.0


def test_no_role_means_null_figures():
    start, end = ms("2026-01-14T10:00Z"), ms("2026-01-14T11:00Z")
    device = calc.device_quarters(start_ms=start, end_ms=end)
    [hour], totals = run([(start, end)], [device])
    assert device.source is None
    assert hour.energy_kwh is None and hour.cost is None and hour.co2_kg is None
    assert totals.idle_kwh is None and totals.peak_demand_kw is None
    assert totals.avg_power_factor is None


# --- tariffs --------------------------------------------------------------------------------
TOU = {"kind": "tou", "default_price_per_kwh": 0.10, "periods": [
    {"name": "peak", "days": [0, 1, 2, 3, 4], "start": "08:00", "end": "20:00",
     "price_per_kwh": 0.30},
    {"name": "late morning", "days": [5, 6], "start": "10:30", "end": "12:00",
     "price_per_kwh": 0.30},
]}


def test_a_tariff_boundary_inside_an_hourly_bucket_prices_each_quarter_by_local_time():
    # Saturday 2026-01-17, Berlin is UTC+1: local 10:00-11:00 is 09:00-10:00 UTC, and the
    # 0.30 period starts at local 10:30. 40 kW = 10 kWh a quarter.
    start, end = ms("2026-01-17T10:00+01:00"), ms("2026-01-17T11:00+01:00")
    device = calc.device_quarters(start_ms=start, end_ms=end,
                                  power=constant_power("2026-01-17T09:00Z",
                                                       "2026-01-17T10:00Z", 40.0))
    prices = calc.QuarterPrices(calc.Tariff(TOU), BERLIN)
    [hour], _ = run(calc.local_buckets(start, end, BERLIN, "hour"), [device], prices=prices)
    assert hour.energy_kwh == pytest.approx(40.0)
    assert hour.cost == pytest.approx(10 * 0.1 + 10 * 0.1 + 10 * 0.3 + 10 * 0.3)


def test_a_tariff_boundary_inside_a_daily_bucket():
    # Wednesday and Saturday at a constant 4 kW (1 kWh a quarter): the weekday has 48 peak
    # quarters at 0.30 and 48 at 0.10; the Saturday has 6 quarters (10:30-12:00) at 0.30.
    start, end = ms("2026-01-14T00:00+01:00"), ms("2026-01-18T00:00+01:00")
    device = calc.device_quarters(start_ms=start, end_ms=end,
                                  power=constant_power("2026-01-13T23:00Z",
                                                       "2026-01-17T23:00Z", 4.0))
    prices = calc.QuarterPrices(calc.Tariff(TOU), BERLIN)
    days, totals = run(calc.local_buckets(start, end, BERLIN, "day"), [device], prices=prices)
    assert [d.energy_kwh for d in days] == [pytest.approx(96.0)] * 4
    assert days[0].cost == pytest.approx(48 * 0.3 + 48 * 0.1)  # Wednesday
    assert days[3].cost == pytest.approx(6 * 0.3 + 90 * 0.1)  # Saturday
    assert totals.cost == pytest.approx(3 * 19.2 + 10.8)
    assert days[0].co2_kg == pytest.approx(96 * 0.5)


def test_a_factory_without_a_tariff_has_null_costs():
    prices = calc.QuarterPrices(calc.Tariff({}), BERLIN)
    start, end = ms("2026-01-14T10:00Z"), ms("2026-01-14T11:00Z")
    device = calc.device_quarters(start_ms=start, end_ms=end,
                                  power=constant_power("2026-01-14T10:00Z",
                                                       "2026-01-14T11:00Z", 4.0))
    [hour], _ = run([(start, end)], [device], prices=prices)
    assert hour.energy_kwh == pytest.approx(4.0) and hour.cost is None


# --- time zones -----------------------------------------------------------------------------
def test_spring_forward_day_has_23_hours_and_its_energy():
    start, end = ms("2026-03-28T00:00+01:00"), ms("2026-03-31T00:00+02:00")
    days = calc.local_buckets(start, end, BERLIN, "day")
    assert [(iso(a), iso(b)) for a, b in days] == [
        ("2026-03-27T23:00Z", "2026-03-28T23:00Z"),
        ("2026-03-28T23:00Z", "2026-03-29T22:00Z"),
        ("2026-03-29T22:00Z", "2026-03-30T22:00Z"),
    ]
    device = calc.device_quarters(start_ms=start, end_ms=end,
                                  power=constant_power("2026-03-27T23:00Z",
                                                       "2026-03-30T22:00Z", 4.0))
    figures, _ = run(days, [device])
    assert [f.energy_kwh for f in figures] == [pytest.approx(96), pytest.approx(92),
                                               pytest.approx(96)]
    hours = calc.local_buckets(days[1][0], days[1][1], BERLIN, "hour")
    assert len(hours) == 23
    # 01:00 CET is followed by 03:00 CEST.
    assert (iso(hours[1][0]), iso(hours[2][0])) == ("2026-03-29T00:00Z", "2026-03-29T01:00Z")
    assert datetime.fromtimestamp(hours[2][0] / 1000, BERLIN).hour == 3


def test_fall_back_day_has_25_hours_and_two_local_two_oclocks():
    start, end = ms("2026-10-25T00:00+02:00"), ms("2026-10-26T00:00+01:00")
    [day] = calc.local_buckets(start, end, BERLIN, "day")
    assert (iso(day[0]), iso(day[1])) == ("2026-10-24T22:00Z", "2026-10-25T23:00Z")
    hours = calc.local_buckets(start, end, BERLIN, "hour")
    assert len(hours) == 25
    local_hours = [datetime.fromtimestamp(a / 1000, BERLIN).hour for a, _ in hours]
    assert local_hours[:5] == [0, 1, 2, 2, 3]
    device = calc.device_quarters(start_ms=start, end_ms=end,
                                  power=constant_power("2026-10-24T22:00Z",
                                                       "2026-10-25T23:00Z", 4.0))
    [figures], totals = run([day], [device])
    assert figures.energy_kwh == pytest.approx(100.0)
    hourly, _ = run(hours, [device])
    assert all(h.energy_kwh == pytest.approx(4.0) for h in hourly)


def test_a_day_bucket_is_clipped_to_the_requested_range():
    start, end = ms("2026-01-14T06:00+01:00"), ms("2026-01-15T12:00+01:00")
    days = calc.local_buckets(start, end, BERLIN, "day")
    assert [(iso(a), iso(b)) for a, b in days] == [
        ("2026-01-14T05:00Z", "2026-01-14T23:00Z"),
        ("2026-01-14T23:00Z", "2026-01-15T11:00Z"),
    ]


def test_month_buckets_are_calendar_months_in_local_time():
    start, end = ms("2026-01-15T00:00+01:00"), ms("2026-03-10T00:00+01:00")
    months = calc.local_buckets(start, end, BERLIN, "month")
    assert [(iso(a), iso(b)) for a, b in months] == [
        ("2026-01-14T23:00Z", "2026-01-31T23:00Z"),
        ("2026-01-31T23:00Z", "2026-02-28T23:00Z"),
        ("2026-02-28T23:00Z", "2026-03-09T23:00Z"),
    ]
    device = calc.device_quarters(start_ms=start, end_ms=end,
                                  power=constant_power("2026-01-14T23:00Z",
                                                       "2026-03-09T23:00Z", 4.0))
    figures, _ = run(months, [device])
    assert [f.energy_kwh for f in figures] == [pytest.approx(17 * 96), pytest.approx(28 * 96),
                                               pytest.approx(9 * 96)]


def test_too_many_buckets_are_refused():
    with pytest.raises(OverflowError):
        calc.local_buckets(ms("2026-01-01T00:00Z"), ms("2026-12-01T00:00Z"), BERLIN, "hour",
                           limit=2000)


# --- demand, load factor, power factor, idle --------------------------------------------------
def test_peak_demand_is_the_highest_quarter_hour_average():
    start = ms("2026-01-14T10:00Z")
    power = {start: 10.0, start + Q: 50.0, start + 2 * Q: 30.0}
    device = calc.device_quarters(start_ms=start, end_ms=start + 4 * Q, power=power)
    [hour], _ = run([(start, start + 4 * Q)], [device])
    assert hour.peak_demand_kw == 50.0


def test_without_a_power_parameter_peak_demand_is_the_counter_increase_times_four():
    start = ms("2026-01-14T10:00Z")
    readings = [(start - Q, 0.0), (start, 2.0), (start + Q, 7.0), (start + 2 * Q, 8.0)]
    device = calc.device_quarters(start_ms=start, end_ms=start + 4 * Q, counter=readings)
    [hour], _ = run([(start, start + 4 * Q)], [device])
    assert hour.peak_demand_kw == pytest.approx(20.0)


def test_factory_peak_is_the_highest_quarter_of_the_summed_power():
    start = ms("2026-01-14T10:00Z")
    a = calc.device_quarters(start_ms=start, end_ms=start + 2 * Q,
                             power={start: 10.0, start + Q: 50.0})
    b = calc.device_quarters(start_ms=start, end_ms=start + 2 * Q,
                             power={start: 40.0, start + Q: 5.0})
    [bucket], _ = run([(start, start + 2 * Q)], [a, b])
    assert bucket.peak_demand_kw == pytest.approx(55.0)
    assert bucket.energy_kwh == pytest.approx((10 + 50 + 40 + 5) / 4)


def test_load_factor_is_average_power_over_peak():
    start = ms("2026-01-14T10:00Z")
    power = {start: 40.0, start + Q: 40.0, start + 2 * Q: 20.0, start + 3 * Q: 20.0}
    device = calc.device_quarters(start_ms=start, end_ms=start + 4 * Q, power=power)
    [hour], _ = run([(start, start + 4 * Q)], [device])
    assert hour.energy_kwh == pytest.approx(30.0)
    assert hour.load_factor == pytest.approx(30.0 / 1 / 40.0)


def test_load_factor_of_the_current_bucket_uses_the_time_elapsed():
    start = ms("2026-01-14T10:00Z")
    power = {start: 40.0, start + Q: 20.0}
    device = calc.device_quarters(start_ms=start, end_ms=start + 4 * Q, power=power)
    [hour], _ = run([(start, start + 4 * Q)], [device], now="2026-01-14T10:30Z")
    assert hour.load_factor == pytest.approx((15.0 / 0.5) / 40.0)


def test_average_power_factor_is_the_time_average():
    start = ms("2026-01-14T10:00Z")
    device = calc.device_quarters(start_ms=start, end_ms=start + 4 * Q,
                                  power={start: 10.0},
                                  power_factor={start: 0.8, start + Q: 0.9, start + 3 * Q: 1.0})
    [hour], _ = run([(start, start + 4 * Q)], [device])
    assert hour.avg_power_factor == pytest.approx(0.9)


def test_idle_and_running_split_by_ten_percent_of_the_highest_demand():
    start = ms("2026-01-14T10:00Z")
    power = {start: 100.0, start + Q: 5.0, start + 2 * Q: 100.0, start + 3 * Q: 8.0}
    device = calc.device_quarters(start_ms=start, end_ms=start + 4 * Q, power=power)
    [hour], _ = run([(start, start + 4 * Q)], [device])
    assert hour.idle_kwh == pytest.approx((5 + 8) / 4)
    assert hour.running_kwh == pytest.approx(200 / 4)


def test_a_configured_idle_threshold_wins():
    start = ms("2026-01-14T10:00Z")
    power = {start: 100.0, start + Q: 5.0, start + 2 * Q: 100.0, start + 3 * Q: 8.0}
    device = calc.device_quarters(start_ms=start, end_ms=start + 4 * Q, power=power)
    [hour], _ = run([(start, start + 4 * Q)], [device], thresholds=[6.0])
    assert hour.idle_kwh == pytest.approx(5 / 4)
    assert hour.running_kwh == pytest.approx(208 / 4)
