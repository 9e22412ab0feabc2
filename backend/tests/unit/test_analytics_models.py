"""The two models on synthetic data whose answer is known: anomalies injected into noisy
daily cycles must be found, and a clean weekly load profile must be forecast closely."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.services.analytics.anomaly_detection import detect, resolution_seconds
from app.services.energy.forecast import NotEnoughHistory, forecast, mape


def synthetic_with_anomalies(seed: int):
    rng = np.random.default_rng(seed)
    n = 3 * 1440
    index = pd.date_range("2026-11-01", periods=n, freq="min", tz="UTC")
    t = np.arange(n)
    power = 50 + 25 * np.sin(2 * np.pi * t / 1440) + rng.normal(0, 1.5, n)
    voltage = 230 + rng.normal(0, 1, n)
    injected = []
    starts = rng.choice(np.arange(100, n - 100, 300), 8, replace=False)
    for k, start in enumerate(starts):
        length = int(rng.integers(5, 25))
        if k % 3 == 0:
            power[start:start + length] += 35      # overload
        elif k % 3 == 1:
            power[start:start + length] = 2        # sudden stop
        else:
            voltage[start:start + length] -= 15    # voltage sag
        injected.append((index[start], index[start + length - 1]))
    return pd.DataFrame({"power": power, "voltage": voltage}, index=index), injected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_injected_anomalies_are_found(seed):
    table, injected = synthetic_with_anomalies(seed)
    found = detect(table, 60, contamination=0.02)
    hits = sum(any(w["start"] <= end and w["end"] >= start for w in found.windows)
               for start, end in injected)
    assert hits / len(injected) >= 0.8
    # Not by flagging everything: few windows beyond the injected ones.
    assert len(found.windows) <= 3 * len(injected)
    assert found.anomalous.sum() <= 0.021 * len(found.table)


def test_auto_resolution():
    assert resolution_seconds("auto", 3 * 86400) == 60
    assert resolution_seconds("auto", 7 * 86400) == 60
    assert resolution_seconds("auto", 30 * 86400) == 300
    assert resolution_seconds("auto", 90 * 86400) == 900
    assert resolution_seconds("15m", 86400) == 900


def weekly_profile(days: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2026-10-01", periods=24 * days, freq="h")
    hour, weekday = ds.hour.to_numpy(), ds.day_of_week.to_numpy()
    shift = 20 + 15 * np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    y = shift * np.where(weekday >= 5, 0.5, 1.0) + rng.normal(0, 1, len(ds))
    return pd.DataFrame({"ds": ds, "y": y})


def test_seasonal_series_is_forecast_within_15_percent():
    result = forecast(weekly_profile(28), "hourly", horizon_days=7)
    assert result.mape_pct is not None and result.mape_pct < 15
    assert len(result.future) == 7 * 24
    assert (result.future["yhat_lower"] <= result.future["yhat"]).all()
    assert (result.future["yhat"] <= result.future["yhat_upper"]).all()
    assert result.future["ds"].min() > result.history["ds"].max()


def test_too_little_history_is_explained():
    with pytest.raises(NotEnoughHistory) as caught:
        forecast(weekly_profile(2), "hourly", horizon_days=7)
    assert str(caught.value) == ("Only 2 days of data in the chosen range; the forecast "
                                 "needs at least 7.")


def test_mape_ignores_idle_hours():
    assert mape(np.array([100.0, 0.0, 50.0]), np.array([90.0, 5.0, 55.0])) == pytest.approx(10)
