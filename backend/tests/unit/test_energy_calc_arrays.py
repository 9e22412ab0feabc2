"""The array implementation of the energy figures gives exactly the reference's numbers."""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

import pytest

from app.services.energy import calculator as calc
from app.services.energy import calculator_arrays

Q = calc.QUARTER_MS
ZONES = [ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC")]
TARIFFS = [
    None,
    {"kind": "flat", "price_per_kwh": 0.21},
    {"kind": "tou", "default_price_per_kwh": 0.12,
     "periods": [{"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "20:00",
                  "price_per_kwh": 0.31}]},
]
# 2026-03-27 00:00Z: the range runs over Europe's spring clock change on the 29th.
FIRST = 1_774_569_600_000


def _values(rng: random.Random, quarters: list[int], share: float, low: float, high: float,
            outside: bool) -> dict[int, float]:
    values = {q: round(rng.uniform(low, high), rng.choice([0, 3, 9])) for q in quarters
              if rng.random() < share}
    if outside and quarters:
        # Values before and after the range count for idle thresholds only.
        values[quarters[0] - Q] = rng.uniform(low, high * 3)
        values[quarters[-1] + Q] = rng.uniform(low, high * 3)
    return values


def _device(rng: random.Random, start: int, end: int) -> calc.DeviceQuarters:
    quarters = list(calc.quarters(start, end))
    kind = rng.choice(["counter", "power", "none", "raw"])
    if kind == "counter":
        reading, counter = rng.uniform(0, 1e6), []
        for q in quarters[:: rng.choice([1, 1, 3])]:
            reading = rng.uniform(0, 5) if rng.random() < 0.02 else reading + rng.uniform(0, 9)
            counter.append((q, reading))
        return calc.device_quarters(start_ms=start, end_ms=end, counter=counter,
                                    power=_values(rng, quarters, 0.7, 0, 40, False)
                                    if rng.random() < 0.5 else None,
                                    power_factor=_values(rng, quarters, 0.6, 0.5, 1, False))
    if kind == "power":
        return calc.device_quarters(start_ms=start, end_ms=end,
                                    power=_values(rng, quarters, 0.8, -5, 60, False),
                                    power_factor=_values(rng, quarters, 0.5, 0.5, 1, False)
                                    if rng.random() < 0.7 else None)
    if kind == "none":
        return calc.device_quarters(start_ms=start, end_ms=end)
    outside = rng.random() < 0.5
    return calc.DeviceQuarters(source=rng.choice([calc.SOURCE_COUNTER, calc.SOURCE_POWER]),
                               energy=_values(rng, quarters, 0.8, 0, 10, outside),
                               demand=_values(rng, quarters, 0.5, 0, 40, outside),
                               power_factor=_values(rng, quarters, 0.4, 0.5, 1, False))


@pytest.mark.parametrize("seed", range(150))
def test_random_plants_get_the_reference_figures_bit_for_bit(seed):
    rng = random.Random(seed)
    zone = rng.choice(ZONES)
    start = FIRST + rng.randrange(0, 96) * Q
    end = start + rng.randrange(1, 5 * 96) * Q
    size = rng.choice(["hour", "day", "month"])
    buckets = calc.local_buckets(start, end, zone, size)
    devices = [_device(rng, start, end) for _ in range(rng.randrange(1, 7))]
    thresholds = [rng.choice([None, None, 0.0, rng.uniform(0, 20)]) for _ in devices]
    prices = calc.QuarterPrices(calc.Tariff(rng.choice(TARIFFS)), zone)
    now = rng.choice([start + (end - start) // 2, end + Q])
    arguments = {"prices": prices, "co2_per_kwh": rng.choice([0.0, 0.4]),
                 "configured_thresholds_kw": thresholds, "now_ms": now}
    expected = calc.bucket_figures(buckets, devices, **arguments)
    assert calculator_arrays.bucket_figures(buckets, devices, **arguments) == expected


def test_a_factory_month_is_computed_from_arrays():
    # The path the service takes for a factory: no fallback to the reference.
    rng = random.Random(7)
    start = FIRST
    end = start + 31 * 96 * Q
    devices = [_device(rng, start, end) for _ in range(20)]
    buckets = calc.local_buckets(start, end, ZONES[0], "day")
    arguments = {"prices": calc.QuarterPrices(calc.Tariff(TARIFFS[2]), ZONES[0]),
                 "co2_per_kwh": 0.4, "configured_thresholds_kw": [None] * 20,
                 "now_ms": end}
    original = calc.bucket_figures
    try:
        calc.bucket_figures = None  # type: ignore[assignment]
        fast = calculator_arrays.bucket_figures(buckets, devices, **arguments)
    finally:
        calc.bucket_figures = original
    assert fast == calc.bucket_figures(buckets, devices, **arguments)


@pytest.mark.parametrize("seed", range(100))
def test_random_counters_spread_their_increases_as_the_reference_does(seed):
    rng = random.Random(seed)
    start = FIRST + rng.randrange(0, 96) * Q
    end = start + rng.randrange(1, 3 * 96) * Q
    # Readings from before the range to after it, with gaps, restarts and flat stretches.
    reading, readings, q = rng.uniform(0, 1e6), [], start - rng.randrange(0, 10) * Q
    while q < end + 5 * Q:
        roll = rng.random()
        reading = (rng.uniform(0, 3) if roll < 0.03 else reading if roll < 0.1
                   else reading + rng.uniform(0, 7))
        readings.append((q, reading))
        q += Q * rng.choice([1, 1, 1, 2, 7])
    readings = readings[: rng.randrange(0, len(readings) + 1)]
    expected = calc.counter_energy(readings, start, end)
    got = calculator_arrays.counter_energy(readings, start, end)
    assert got == expected and list(got) == list(expected)


def test_readings_off_the_grid_or_out_of_order_take_the_reference():
    readings = [(0, 1.0), (2 * Q, 5.0), (Q, 7.0), (3 * Q + 1, 9.0)]
    assert calculator_arrays.counter_energy(readings, 0, 5 * Q) == calc.counter_energy(
        readings, 0, 5 * Q)
