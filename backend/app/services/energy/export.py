"""The Energy page's figures as files: CSV (one row per bucket, with the comparisons beside
it) and an Excel workbook (every table of the page on its own sheet). Numbers are written
unrounded, as the API gives them."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from app.core.safe_text import spreadsheet_text
from app.schemas.energy import EnergyAnalysis, ShareRow

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIGURES = ("energy_kwh", "cost", "co2_kg", "peak_demand_kw", "load_factor",
           "avg_power_factor", "idle_kwh", "running_kwh")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(analysis: EnergyAnalysis, fmt: str) -> str:
    scope = _UNSAFE_FILENAME.sub("-", analysis.scope.name).strip("-").lower() or "energy"
    return f"energy-{scope}-{analysis.start:%Y%m%d}-{analysis.end:%Y%m%d}.{fmt}"


def _bucket_table(analysis: EnergyAnalysis) -> tuple[list[str], list[list[Any]]]:
    header = ["start", "end", *FIGURES]
    for comparison in analysis.comparisons:
        header += [f"{comparison.kind}_start", f"{comparison.kind}_energy_kwh",
                   f"{comparison.kind}_cost"]
    rows = []
    for n, bucket in enumerate(analysis.buckets):
        row: list[Any] = [bucket.start, bucket.end, *(getattr(bucket, f) for f in FIGURES)]
        for comparison in analysis.comparisons:
            other = comparison.buckets[n] if n < len(comparison.buckets) else None
            row += [other.start if other else None, other.energy_kwh if other else None,
                    other.cost if other else None]
        rows.append(row)
    return header, rows


def render_csv(analysis: EnergyAnalysis) -> bytes:
    header, rows = _bucket_table(analysis)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, datetime) else v
                         for v in row])
    return buffer.getvalue().encode()


def _naive(value: Any) -> Any:
    # Excel has no time zones: cells hold the factory's local wall time.
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
           first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet(title)
    sheet.title = title
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_text(v) if isinstance(v, str) else _naive(v) for v in row])
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18


def _shares(rows: Sequence[ShareRow]) -> list[list[Any]]:
    return [[r.name, r.energy_kwh, r.cost, r.co2_kg, r.share] for r in rows]


def render_xlsx(analysis: EnergyAnalysis) -> bytes:
    book = Workbook()
    totals = analysis.totals
    summary = [["Scope", analysis.scope.name], ["Start", analysis.start],
               ["End", analysis.end], ["Time zone", analysis.timezone],
               ["Currency", analysis.currency]]
    summary += [[name, getattr(totals, name)] for name in FIGURES]
    for comparison in analysis.comparisons:
        summary.append([f"{comparison.kind} energy_kwh", comparison.totals.energy_kwh])
        summary.append([f"{comparison.kind} cost", comparison.totals.cost])
    _sheet(book, "Summary", ["Figure", "Value"], summary, first=True)
    header, rows = _bucket_table(analysis)
    _sheet(book, "Buckets", header, rows)
    share_header = ["Name", "Energy (kWh)", f"Cost ({analysis.currency})", "CO2 (kg)", "Share"]
    _sheet(book, "By node", share_header, _shares(analysis.by_node))
    _sheet(book, "By area", share_header, _shares(analysis.by_area))
    _sheet(book, "By device type", share_header, _shares(analysis.by_type))
    _sheet(book, "Meters", ["Meter", "Kind", "Energy (kWh)", f"Cost ({analysis.currency})",
                            "CO2 (kg)", "Share", "Peak demand (kW)", "Supply meter"],
           [[m.name, m.kind, m.energy_kwh, m.cost, m.co2_kg, m.share, m.peak_demand_kw,
             m.supply] for m in analysis.meters])
    _sheet(book, "Tariff periods", ["Period", "Energy (kWh)", f"Cost ({analysis.currency})",
                                    "Share"],
           [[p.name, p.energy_kwh, p.cost, p.share] for p in analysis.tariff_periods])
    _sheet(book, "Peak demand", ["Start", "End", "Demand (kW)", "Contributors"],
           [[p.start, p.end, p.demand_kw,
             "; ".join(f"{c.name} {c.demand_kw:.1f} kW" for c in p.contributors)]
            for p in analysis.peaks])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export_analysis(analysis: EnergyAnalysis, fmt: str) -> tuple[str, bytes]:
    if fmt == "xlsx":
        content = await asyncio.to_thread(render_xlsx, analysis)
    else:
        content = render_csv(analysis)
    return file_name(analysis, fmt), content
