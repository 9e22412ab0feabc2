"""PNG charts with matplotlib's object API and the Agg canvas: no pyplot state, so charts
render safely in worker threads side by side."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

import matplotlib

matplotlib.use("Agg")
# Labels are device, parameter and factory names: a `$` in one must print as a dollar, not
# start mathtext (an unbalanced one fails the whole chart). Nothing here draws formulas.
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

PALETTE = ("#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#ca8a04", "#db2777",
           "#4b5563", "#65a30d", "#dc2626")
ANOMALY_COLOUR = "#dc2626"
MAX_PANELS = 8


def _png(figure: Figure, dpi: int = 110) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def _naive(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert(None) if stamp.tz is not None else stamp


def _time_axis(axis) -> None:
    locator = mdates.AutoDateLocator()
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axis.grid(True, alpha=0.3)


def anomaly_chart(table: pd.DataFrame, anomalous: np.ndarray,
                  windows: Sequence[tuple[datetime, datetime]], title: str) -> bytes:
    """One panel per series (the first MAX_PANELS), anomalous moments in red over shaded
    windows."""
    columns = list(table.columns[:MAX_PANELS])
    figure = Figure(figsize=(11, 2.2 * len(columns) + 0.6))
    axes = figure.subplots(len(columns), 1, sharex=True, squeeze=False)[:, 0]
    index = table.index.tz_convert(None) if table.index.tz is not None else table.index
    for n, (axis, column) in enumerate(zip(axes, columns, strict=True)):
        values = table[column].to_numpy()
        axis.plot(index, values, color=PALETTE[n % len(PALETTE)], linewidth=0.8)
        axis.scatter(index[anomalous], values[anomalous], s=9, color=ANOMALY_COLOUR,
                     zorder=3, label="anomalous")
        for start, end in windows:
            axis.axvspan(_naive(start), _naive(end), color=ANOMALY_COLOUR, alpha=0.08,
                         linewidth=0)
        axis.set_ylabel(column, fontsize=8)
        _time_axis(axis)
    axes[0].set_title(title, fontsize=11, loc="left")
    axes[0].legend(loc="upper right", fontsize=8)
    return _png(figure)


def forecast_chart(history: pd.DataFrame, future: pd.DataFrame, holdout: pd.DataFrame,
                   unit: str, title: str) -> bytes:
    figure = Figure(figsize=(11, 4.2))
    axis = figure.subplots()
    axis.plot(history["ds"], history["y"], color=PALETTE[0], linewidth=0.9, label="actual")
    if len(holdout):
        axis.plot(holdout["ds"], holdout["yhat"], color=PALETTE[3], linewidth=0.8,
                  linestyle="--", label="back-test")
    axis.plot(future["ds"], future["yhat"], color=PALETTE[2], linewidth=1.2, label="forecast")
    axis.fill_between(future["ds"], future["yhat_lower"], future["yhat_upper"],
                      color=PALETTE[2], alpha=0.2, linewidth=0, label="80% interval")
    axis.axvline(history["ds"].max(), color="#6b7280", linewidth=0.8)
    axis.set_ylabel(unit)
    axis.set_title(title, fontsize=11, loc="left")
    axis.legend(loc="upper left", fontsize=8)
    _time_axis(axis)
    return _png(figure)


def bar_chart(labels: Sequence[str], values: Sequence[float], unit: str, title: str,
              colour: str = PALETTE[0]) -> bytes:
    figure = Figure(figsize=(9, max(2.5, 0.32 * len(labels) + 1.2)))
    axis = figure.subplots()
    positions = np.arange(len(labels))
    axis.barh(positions, values, color=colour)
    axis.set_yticks(positions, labels=[label[:40] for label in labels], fontsize=8)
    axis.invert_yaxis()
    axis.set_xlabel(unit)
    axis.set_title(title, fontsize=11, loc="left")
    axis.grid(True, axis="x", alpha=0.3)
    return _png(figure)


def stacked_days_chart(days: Sequence[datetime], series: dict[str, Sequence[float]],
                       unit: str, title: str) -> bytes:
    figure = Figure(figsize=(10, 3.8))
    axis = figure.subplots()
    bottom = np.zeros(len(days))
    for n, (label, values) in enumerate(series.items()):
        heights = np.array(values, dtype=float)
        axis.bar(days, heights, bottom=bottom, width=0.8, color=PALETTE[n % len(PALETTE)],
                 label=label[:30])
        bottom += heights
    axis.set_ylabel(unit)
    axis.set_title(title, fontsize=11, loc="left")
    if 0 < len(series) <= 10:
        axis.legend(fontsize=7, ncol=2, loc="upper left")
    _time_axis(axis)
    return _png(figure)


def line_chart(moments: Sequence[datetime], series: dict[str, Sequence[float | None]],
               unit: str, title: str) -> bytes:
    figure = Figure(figsize=(10, 3.6))
    axis = figure.subplots()
    for n, (label, values) in enumerate(series.items()):
        axis.plot(moments, [np.nan if v is None else v for v in values],
                  color=PALETTE[n % len(PALETTE)], linewidth=0.9, label=label[:30])
    axis.set_ylabel(unit)
    axis.set_title(title, fontsize=11, loc="left")
    if 0 < len(series) <= 10:
        axis.legend(fontsize=7, loc="upper left")
    _time_axis(axis)
    return _png(figure)
