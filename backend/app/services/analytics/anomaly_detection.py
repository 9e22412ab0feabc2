"""Anomaly detection as a pure function of a table of series (no I/O): scikit-learn's
IsolationForest over each moment's values, with each value's deviation from its local median
beside it so that a spike inside the normal range still stands out. Anomalous moments that
follow each other form one window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

# The auto resolution: about one point a minute up to a week, then coarser steps that keep
# the table near a week of minutes.
TARGET_POINTS = 7 * 24 * 60
STEPS_SECONDS = (60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400)
RESOLUTIONS = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600}
LOCAL_WINDOW_POINTS = 31
SMOOTHING_POINTS = 3
# Anomalous points at most this many steps apart belong to one window.
WINDOW_GAP_STEPS = 2
MIN_POINTS = 30
MAX_WINDOWS_IN_SUMMARY = 200


def resolution_seconds(choice: str, span_seconds: float) -> int:
    if choice != "auto":
        return RESOLUTIONS[choice]
    wanted = span_seconds / TARGET_POINTS
    return next((step for step in STEPS_SECONDS if step >= wanted), STEPS_SECONDS[-1])


class NotEnoughData(ValueError):
    pass


@dataclass
class Detection:
    table: pd.DataFrame          # the values used, one column per series, UTC index
    scores: np.ndarray           # higher is more anomalous
    anomalous: np.ndarray        # bool per row
    window_of_row: np.ndarray    # window number per row, -1 outside windows
    windows: list[dict]


def _robust_scale(values: np.ndarray) -> np.ndarray:
    median = np.nanmedian(values, axis=0)
    spread = np.nanpercentile(values, 75, axis=0) - np.nanpercentile(values, 25, axis=0)
    spread = np.where(spread > 0, spread, np.nanstd(values, axis=0))
    spread = np.where(spread > 0, spread, 1.0)
    return (values - median) / spread


def prepare(table: pd.DataFrame, step_seconds: int) -> pd.DataFrame:
    """Rows on a regular grid; short gaps (a few steps) interpolated, longer ones dropped,
    since a forest needs every feature of a row."""
    table = table.sort_index()
    grid = table.resample(f"{step_seconds}s").mean()
    grid = grid.interpolate(method="time", limit=3, limit_area="inside")
    return grid.dropna(how="any")


def detect(table: pd.DataFrame, step_seconds: int, contamination: float,
           seed: int = 0) -> Detection:
    data = prepare(table, step_seconds)
    if len(data) < MIN_POINTS:
        raise NotEnoughData(len(data))
    values = data.to_numpy(dtype=float)
    local_median = data.rolling(LOCAL_WINDOW_POINTS, center=True, min_periods=1).median()
    features = np.hstack([_robust_scale(values),
                          _robust_scale(values - local_median.to_numpy(dtype=float))])
    forest = IsolationForest(n_estimators=150, contamination=contamination,
                             random_state=seed, n_jobs=1)
    forest.fit(features)
    # Averaged over neighbouring moments, a lone noisy reading scores lower than a sustained
    # departure, which is what a plant manager calls an anomaly.
    raw = pd.Series(-forest.score_samples(features))
    scores = raw.rolling(SMOOTHING_POINTS, center=True, min_periods=1).mean().to_numpy()
    anomalous = scores >= np.quantile(scores, 1 - contamination)
    window_of_row, windows = _windows(data, scores, anomalous, step_seconds)
    return Detection(data, scores, anomalous, window_of_row, windows)


def _windows(data: pd.DataFrame, scores: np.ndarray, anomalous: np.ndarray,
             step_seconds: int) -> tuple[np.ndarray, list[dict]]:
    window_of_row = np.full(len(data), -1)
    rows = np.flatnonzero(anomalous)
    if rows.size == 0:
        return window_of_row, []
    times = data.index.as_unit("s").asi8
    groups: list[list[int]] = [[int(rows[0])]]
    for row in rows[1:]:
        if times[row] - times[groups[-1][-1]] <= WINDOW_GAP_STEPS * step_seconds:
            groups[-1].append(int(row))
        else:
            groups.append([int(row)])
    windows = []
    for number, group in enumerate(groups):
        window_of_row[group[0]:group[-1] + 1] = number
        part = data.iloc[group[0]:group[-1] + 1]
        peak_row = group[int(np.argmax(scores[group]))]
        windows.append({
            "start": data.index[group[0]].to_pydatetime(),
            "end": (data.index[group[-1]] + pd.Timedelta(seconds=step_seconds)).to_pydatetime(),
            "score": round(float(scores[peak_row]), 4),
            "points": len(group),
            "peak_at": data.index[peak_row].to_pydatetime(),
            "values": {column: {"min": _num(part[column].min()), "max": _num(part[column].max()),
                                "mean": _num(part[column].mean()),
                                "at_peak": _num(data[column].iloc[peak_row])}
                       for column in data.columns},
        })
    return window_of_row, windows


def _num(value) -> float:
    return round(float(value), 6)


def strongest_windows(windows: list[dict], limit: int = MAX_WINDOWS_IN_SUMMARY) -> list[dict]:
    """The `limit` highest-scoring windows, in time order."""
    kept = sorted(windows, key=lambda w: -w["score"])[:limit]
    return sorted(kept, key=lambda w: w["start"])
