"""Energy forecasting as a pure function of an energy history (no I/O): Prophet with daily
(hourly data) and weekly seasonality, uncertainty intervals, and the error it makes on the
last part of the history when fitted without it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

HOLDOUT_SHARE = 0.2
INTERVAL_WIDTH = 0.8
DAILY_ORDER = 10
WEEKLY_ORDER_HOURLY = 12
# Hours or days whose actual energy is below this share of the mean are left out of the
# percentage error: a few kWh off on an idle hour would read as hundreds of percent.
MAPE_FLOOR_SHARE = 0.05
MIN_DAYS = {"hourly": 7, "daily": 14}
FREQ = {"hourly": "h", "daily": "D"}

for _noisy in ("cmdstanpy", "prophet", "prophet.plot"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)


class NotEnoughHistory(ValueError):
    def __init__(self, days: int, needed: int) -> None:
        self.days, self.needed = days, needed
        unit = "day" if days == 1 else "days"
        super().__init__(f"Only {days} {unit} of data in the chosen range; the forecast "
                         f"needs at least {needed}.")


@dataclass
class Forecast:
    history: pd.DataFrame   # ds (local, naive), y
    future: pd.DataFrame    # ds, yhat, yhat_lower, yhat_upper (only after the history)
    holdout: pd.DataFrame   # ds, y, yhat: the last part of the history, fitted without it
    mape_pct: float | None


def _model(granularity: str, history_days: float):
    from prophet import Prophet

    # Load profiles change sharply at shift starts and weekends: more harmonics than
    # Prophet's defaults (4 daily, 3 weekly) follow those steps.
    return Prophet(daily_seasonality=DAILY_ORDER if granularity == "hourly" else False,
                   weekly_seasonality=(WEEKLY_ORDER_HOURLY if granularity == "hourly"
                                       else history_days >= 14),
                   yearly_seasonality=history_days >= 2 * 365,
                   seasonality_mode="multiplicative", interval_width=INTERVAL_WIDTH,
                   uncertainty_samples=300)


def _fit_predict(history: pd.DataFrame, future_ds: pd.Series, granularity: str
                 ) -> pd.DataFrame:
    days = (history["ds"].max() - history["ds"].min()) / pd.Timedelta(days=1)
    model = _model(granularity, days)
    model.fit(history[["ds", "y"]])
    predicted = model.predict(pd.DataFrame({"ds": future_ds}))
    for column in ("yhat", "yhat_lower", "yhat_upper"):
        # A machine does not give energy back: negative forecasts mean "nothing".
        predicted[column] = predicted[column].clip(lower=0.0)
    return predicted[["ds", "yhat", "yhat_lower", "yhat_upper"]]


def mape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    floor = MAPE_FLOOR_SHARE * float(np.mean(np.abs(actual))) if len(actual) else 0.0
    keep = np.abs(actual) > max(floor, 1e-9)
    if not keep.any():
        return None
    return float(np.mean(np.abs(actual[keep] - predicted[keep]) / np.abs(actual[keep])) * 100)


def forecast(history: pd.DataFrame, granularity: str, horizon_days: int) -> Forecast:
    """`history`: columns ds (local time, naive) and y (kWh per hour or day), gaps as
    missing rows. Raises NotEnoughHistory below the minimum number of days with data."""
    history = (history.dropna(subset=["y"]).groupby("ds", as_index=False)["y"].mean()
               .sort_values("ds").reset_index(drop=True))
    days_with_data = int(history["ds"].dt.normalize().nunique()) if len(history) else 0
    needed = MIN_DAYS[granularity]
    if days_with_data < needed:
        raise NotEnoughHistory(days_with_data, needed)

    split = int(len(history) * (1 - HOLDOUT_SHARE))
    train, test = history.iloc[:split], history.iloc[split:]
    checked = _fit_predict(train, test["ds"], granularity)
    holdout = test.assign(yhat=checked["yhat"].to_numpy())
    error = mape(test["y"].to_numpy(dtype=float), holdout["yhat"].to_numpy(dtype=float))

    step = pd.Timedelta(hours=1) if granularity == "hourly" else pd.Timedelta(days=1)
    periods = horizon_days * (24 if granularity == "hourly" else 1)
    last = history["ds"].max()
    future_ds = pd.Series([last + step * (i + 1) for i in range(periods)])
    future = _fit_predict(history, future_ds, granularity)
    return Forecast(history=history, future=future, holdout=holdout, mape_pct=error)
