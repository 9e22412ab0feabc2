"""`calculator.bucket_figures` and `calculator.device_quarters` over numpy arrays: the figures
of a whole factory over a month (200 devices x 2,880 quarters) in a few hundredths of a
second instead of seconds.

The results are the reference's to the last bit, not merely close: every sum is taken in the
reference's order (a cumulative sum adds one element at a time, as the reference's loops do,
and adding the zeros that stand for missing quarters changes nothing), maxima do not depend
on order, and products are the same IEEE operations. `calculator.py` stays the readable
definition; tests/unit/test_energy_calc_arrays.py holds the two together on random plants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from app.services.energy import calculator as calc


def counter_energy(readings: Sequence[tuple[int, float]], start_ms: int, end_ms: int
                   ) -> dict[int, float]:
    """`calculator.counter_energy` for readings on the quarter grid in strictly increasing
    time (what the store's quarter aggregates are); anything else takes the reference."""
    if len(readings) < 2:
        return calc.counter_energy(readings, start_ms, end_ms)
    times = np.fromiter((q for q, _ in readings), dtype=np.int64, count=len(readings))
    values = np.fromiter((v for _, v in readings), dtype=np.float64, count=len(readings))
    steps = np.diff(times) // calc.QUARTER_MS
    if (times % calc.QUARTER_MS).any() or (steps <= 0).any():
        return calc.counter_energy(readings, start_ms, end_ms)
    before, after = values[:-1], values[1:]
    increase = np.where(after >= before, after - before, after)
    increase = np.where(increase < 0.0, 0.0, increase)  # as max(increase, 0.0) does
    # The increase of each pair is spread over the quarters after the first reading up to
    # and including the second; consecutive pairs tile the readings' span without overlap.
    shares = np.repeat(increase / steps, steps) + 0.0
    quarters = times[0] + calc.QUARTER_MS * np.arange(1, len(shares) + 1, dtype=np.int64)
    inside = (quarters >= start_ms) & (quarters < end_ms)
    return dict(zip(quarters[inside].tolist(), shares[inside].tolist(), strict=True))


def device_quarters(*, start_ms: int, end_ms: int,
                    counter: Sequence[tuple[int, float]] | None = None,
                    power: Mapping[int, float] | None = None,
                    power_factor: Mapping[int, float] | None = None) -> calc.DeviceQuarters:
    """`calculator.device_quarters` with the counter's energy spread by `counter_energy`."""
    return calc.device_quarters(start_ms=start_ms, end_ms=end_ms, counter=counter, power=power,
                                power_factor=power_factor, spread=counter_energy)


def bucket_figures(buckets: Sequence[tuple[int, int]], devices: Sequence[calc.DeviceQuarters],
                   *, prices: calc.QuarterPrices, co2_per_kwh: float,
                   configured_thresholds_kw: Sequence[float | None], now_ms: int
                   ) -> tuple[list[calc.Figures], calc.Figures]:
    """Same contract as `calculator.bucket_figures`; buckets must be quarter-aligned and
    follow each other without gaps, as `calculator.local_buckets` makes them."""
    if not buckets or not devices or not _contiguous(buckets):
        return calc.bucket_figures(buckets, devices, prices=prices, co2_per_kwh=co2_per_kwh,
                                   configured_thresholds_kw=configured_thresholds_kw,
                                   now_ms=now_ms)
    plant = _Plant(devices, buckets[0][0], buckets[-1][1], prices, configured_thresholds_kw)
    first = buckets[0][0]
    per_bucket = [plant.figures((start - first) // calc.QUARTER_MS,
                                (end - first) // calc.QUARTER_MS, start, end,
                                co2_per_kwh=co2_per_kwh, now_ms=now_ms)
                  for start, end in buckets]
    totals = plant.figures(0, plant.quarters, buckets[0][0], buckets[-1][1],
                           co2_per_kwh=co2_per_kwh, now_ms=now_ms)
    return per_bucket, totals


def _contiguous(buckets: Sequence[tuple[int, int]]) -> bool:
    aligned = all(s % calc.QUARTER_MS == 0 and e % calc.QUARTER_MS == 0 and s < e
                  for s, e in buckets)
    return aligned and all(a[1] == b[0] for a, b in zip(buckets, buckets[1:], strict=False))


class _Plant:
    """Every device's quarters over [start, end) as rows of dense arrays; zero where a
    quarter has no value, with a mask saying which quarters have one."""

    def __init__(self, devices: Sequence[calc.DeviceQuarters], start: int, end: int,
                 prices: calc.QuarterPrices, configured: Sequence[float | None]) -> None:
        self.quarters = (end - start) // calc.QUARTER_MS
        self.has_source = np.array([d.source is not None for d in devices], dtype=bool)
        self.energy, self.has_energy = _dense([d.energy for d in devices], start, self.quarters)
        self.demand, self.has_demand = _dense([d.demand for d in devices], start, self.quarters)
        self.pf, self.has_pf = _dense([d.power_factor for d in devices], start, self.quarters)
        self.priced = prices.priced
        self.price = np.array([prices(q) if prices.priced else 0.0
                               for q in calc.quarters(start, end)], dtype=np.float64)
        # `DeviceQuarters.interval_demand`: measured demand, else the quarter's energy x 4.
        self.interval_demand = np.where(self.has_demand, self.demand,
                                        self.energy * calc.QUARTERS_PER_HOUR)
        thresholds = []
        for index, (device, threshold) in enumerate(zip(devices, configured, strict=True)):
            if threshold is None and self._fits(device, index):
                known = self.has_energy[index] | self.has_demand[index]
                highest = self.interval_demand[index][known]
                threshold = 0.1 * float(highest.max()) if highest.size else 0.0
            elif threshold is None:
                threshold = calc.idle_threshold_kw(device, None)
            thresholds.append(threshold)
        idle = self.has_energy & (self.interval_demand < np.array(thresholds)[:, None])
        self.idle_energy = np.where(idle, self.energy, 0.0)
        self.running_energy = np.where(self.has_energy & ~idle, self.energy, 0.0)
        self.cost = self.energy * self.price

    def _fits(self, device: calc.DeviceQuarters, index: int) -> bool:
        # Every quarter the device has lies in the range: then the threshold over the dense
        # rows is the reference's over the device's whole dicts.
        return (int(self.has_energy[index].sum()) == len(device.energy)
                and int(self.has_demand[index].sum()) == len(device.demand))

    def figures(self, lo: int, hi: int, start_ms: int, end_ms: int, *, co2_per_kwh: float,
                now_ms: int) -> calc.Figures:
        energy = cost = idle = running = None
        if self.has_source.any():
            rows = self.has_source
            energy = _sum_rows_then_devices(self.energy[rows, lo:hi])
            idle = _sum_rows_then_devices(self.idle_energy[rows, lo:hi])
            running = _sum_rows_then_devices(self.running_energy[rows, lo:hi])
            cost = _sum_rows_then_devices(self.cost[rows, lo:hi]) if self.priced else None
        peak = self._peak(lo, hi)
        load_factor = None
        hours = max(0, min(end_ms, now_ms) - start_ms) / calc.HOUR_MS
        if energy is not None and peak and hours > 0:
            load_factor = energy / hours / peak
        return calc.Figures(
            energy_kwh=energy, cost=cost,
            co2_kg=None if energy is None else energy * co2_per_kwh,
            peak_demand_kw=peak, load_factor=load_factor,
            avg_power_factor=self._power_factor(lo, hi), idle_kwh=idle, running_kwh=running)

    def _peak(self, lo: int, hi: int) -> float | None:
        present = self.has_demand[:, lo:hi].any(axis=0)
        if not present.any():
            return None
        # Device by device, in order, as the reference adds them.
        summed = np.cumsum(self.demand[:, lo:hi], axis=0)[-1]
        return float(summed[present].max())

    def _power_factor(self, lo: int, hi: int) -> float | None:
        counts = self.has_pf[:, lo:hi].sum(axis=1)
        with_values = np.flatnonzero(counts)
        if with_values.size == 0:
            return None
        sums = _sequential_row_sums(self.pf[with_values, lo:hi])
        energies = _sequential_row_sums(self.energy[with_values, lo:hi])
        weighted = weights = 0.0
        plain: list[float] = []
        for total, count, kwh in zip(sums.tolist(), counts[with_values].tolist(),
                                     energies.tolist(), strict=True):
            mean = total / count
            plain.append(mean)
            weighted += mean * kwh
            weights += kwh
        if len(plain) == 1 or weights <= 0:
            return sum(plain) / len(plain)
        return weighted / weights


def _dense(values: Sequence[Mapping[int, float]], start: int, quarters: int
           ) -> tuple[np.ndarray, np.ndarray]:
    """Rows of values by quarter index (0.0 where absent) and the mask of present ones.
    Quarters outside the range or off the quarter grid are left out."""
    dense = np.zeros((len(values), quarters), dtype=np.float64)
    present = np.zeros((len(values), quarters), dtype=bool)
    for row, mapping in enumerate(values):
        if not mapping:
            continue
        keys = np.fromiter(mapping.keys(), dtype=np.int64, count=len(mapping)) - start
        numbers = np.fromiter(mapping.values(), dtype=np.float64, count=len(mapping))
        keep = (keys >= 0) & (keys % calc.QUARTER_MS == 0)
        index = keys // calc.QUARTER_MS
        keep &= index < quarters
        dense[row, index[keep]] = numbers[keep]
        present[row, index[keep]] = True
    return dense, present


def _sequential_row_sums(rows: np.ndarray) -> np.ndarray:
    """Each row's sum added left to right (numpy's own sum pairs elements up)."""
    if rows.shape[1] == 0:
        return np.zeros(rows.shape[0])
    return np.cumsum(rows, axis=1)[:, -1]


def _sum_rows_then_devices(rows: np.ndarray) -> float:
    # The reference tallies each device over its quarters, then adds the devices in order.
    total = 0.0
    for value in _sequential_row_sums(rows).tolist():
        total += value
    return total
