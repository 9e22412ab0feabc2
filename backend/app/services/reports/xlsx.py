"""The Excel report (openpyxl): a summary sheet, devices, daily consumption per device,
hourly data and alerts, with native Excel charts, number formats, frozen header rows and
column widths. Numbers are stored unrounded (as the energy API gives them) and formatted
for display, so formulas over them match the API to the last digit."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.core.safe_text import clean_name
from app.services.reports.data import DeviceFigures, ReportData

KWH = '#,##0.00'
MONEY = '#,##0.00'
PERCENT = '0.0%'
FACTOR = '0.000'
DAY = 'yyyy-mm-dd'
HOUR = 'yyyy-mm-dd hh:mm'
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1E3A8A")
CHART_SERIES = 10


def _naive(moment: datetime) -> datetime:
    # Excel has no time zones: cells hold the factory's local wall time.
    return moment.replace(tzinfo=None)


def _as_text(cell: Cell, value: str) -> Cell:
    """Makes a cell hold text that stays text: openpyxl stores a string starting with `=` as
    a formula, and Excel re-reads a plain string cell as one when it is edited; quotePrefix
    marks the cell as typed text. Control characters, which the file format cannot hold,
    are dropped."""
    cell.value = clean_name(value)
    cell.data_type = "s"  # not a formula, not an error code such as #N/A
    cell.quotePrefix = True
    return cell


def _text(sheet: Worksheet, value: str | None) -> Cell | None:
    """A text cell for `sheet.append`."""
    return None if value is None else _as_text(Cell(sheet), value)


def _put_text(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    return _as_text(sheet.cell(row=row, column=column), value)


def _header(sheet: Worksheet, row: int, titles: list[str], widths: list[int]) -> None:
    for column, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = _put_text(sheet, row, column, title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"B{row + 1}"


def _formats(sheet: Worksheet, first_row: int, formats: dict[int, str]) -> None:
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            fmt = formats.get(cell.column)
            if fmt:
                cell.number_format = fmt


def _summary(book: Workbook, data: ReportData) -> None:
    sheet = book.active
    sheet.title = "Summary"
    _put_text(sheet, 1, 1, data.title).font = Font(bold=True, size=16)
    _put_text(sheet, 2, 1, data.factory.name
              + (f" · {data.scope_name}" if data.scope_name else ""))
    sheet["A3"] = f"Period: {data.period_label}"
    sheet["A4"] = f"Generated: {data.generated_at.astimezone(data.zone):%Y-%m-%d %H:%M}"
    t = data.totals
    rows = [("Energy consumed", t.energy_kwh, "kWh", KWH),
            ("Energy cost", t.cost, data.currency, MONEY),
            ("CO2 emissions", t.co2_kg, "kg", KWH),
            ("Peak demand (15-minute)", t.peak_demand_kw, "kW", KWH),
            ("Load factor", t.load_factor, "", PERCENT),
            ("Average power factor", t.avg_power_factor, "", FACTOR),
            ("Idle energy", t.idle_kwh, "kWh", KWH),
            ("Running energy", t.running_kwh, "kWh", KWH),
            ("Alerts raised", data.alerts_total, "", "0")]
    _header(sheet, 6, ["Indicator", "Value", "Unit"], [30, 18, 10])
    for offset, (label, value, unit, fmt) in enumerate(rows, start=7):
        sheet.cell(row=offset, column=1, value=label)
        cell = sheet.cell(row=offset, column=2, value=value)
        cell.number_format = fmt
        sheet.cell(row=offset, column=3, value=unit)
    sheet.freeze_panes = "A7"


def _devices(book: Workbook, data: ReportData) -> None:
    sheet = book.create_sheet("Devices")
    devices = data.measured_devices
    _header(sheet, 1, ["Device", "Energy (kWh)", "Share", f"Cost ({data.currency})",
                       "CO2 (kg)", "Peak demand (kW)", "Load factor", "Power factor",
                       "Idle (kWh)", "Running (kWh)"], [32, 14, 9, 14, 12, 16, 12, 12, 12, 14])
    for d in devices:
        t = d.totals
        sheet.append([_text(sheet, d.name), t.energy_kwh, d.share, t.cost, t.co2_kg,
                      t.peak_demand_kw, t.load_factor, t.avg_power_factor,
                      t.idle_kwh, t.running_kwh])
    _formats(sheet, 2, {2: KWH, 3: PERCENT, 4: MONEY, 5: KWH, 6: KWH, 7: PERCENT, 8: FACTOR,
                        9: KWH, 10: KWH})
    if devices:
        chart = BarChart()
        chart.type, chart.title = "bar", "Energy per device"
        chart.y_axis.title, chart.y_axis.numFmt = "kWh", KWH
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=len(devices) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(devices) + 1))
        chart.height, chart.width = max(7.5, 0.6 * len(devices) + 3), 18
        sheet.add_chart(chart, "L2")


def _per_device_table(book: Workbook, title: str, devices: list[DeviceFigures],
                      moments: list[datetime], values: list[list[float | None]],
                      fmt: str, first_width: int, chart_title: str) -> None:
    sheet = book.create_sheet(title)
    _header(sheet, 1, ["Time" if fmt == HOUR else "Date", *[d.name for d in devices],
                       "Total (kWh)"], [first_width, *[16] * len(devices), 14])
    for moment, row in zip(moments, values, strict=True):
        present = [v for v in row if v is not None]
        sheet.append([_naive(moment), *row, sum(present) if present else None])
    _formats(sheet, 2, {1: fmt, **{c: KWH for c in range(2, len(devices) + 3)}})
    if moments and devices:
        chart = LineChart()
        chart.title, chart.y_axis.title, chart.y_axis.numFmt = chart_title, "kWh", KWH
        chart.x_axis.number_format, chart.x_axis.title = fmt, "local time"
        last_column = min(len(devices), CHART_SERIES) + 1
        chart.add_data(Reference(sheet, min_col=2, max_col=last_column, min_row=1,
                                 max_row=len(moments) + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(moments) + 1))
        chart.height, chart.width = 9, 24
        sheet.add_chart(chart, f"{get_column_letter(len(devices) + 4)}2")


def _daily(book: Workbook, data: ReportData) -> None:
    devices = data.measured_devices
    moments = [b.start for b in data.days]
    values = [[d.days[i].energy_kwh for d in devices] for i in range(len(moments))]
    _per_device_table(book, "Daily", devices, moments, values, DAY, 12,
                      "Daily consumption per device")


def _hourly(book: Workbook, data: ReportData) -> None:
    """The chosen devices together, hour by hour: what `GET /energy?bucket=hour` answers."""
    if not data.hours:
        return
    sheet = book.create_sheet("Hourly")
    _header(sheet, 1, ["Hour", "Energy (kWh)", f"Cost ({data.currency})", "CO2 (kg)",
                       "Peak demand (kW)", "Power factor", "Idle (kWh)"],
            [17, 14, 12, 12, 16, 13, 12])
    for b in data.hours:
        sheet.append([_naive(b.start), b.energy_kwh, b.cost, b.co2_kg,
                      b.peak_demand_kw, b.avg_power_factor, b.idle_kwh])
    _formats(sheet, 2, {1: HOUR, 2: KWH, 3: MONEY, 4: KWH, 5: KWH, 6: FACTOR, 7: KWH})
    rows = len(data.hours) + 1
    chart = LineChart()
    chart.title, chart.y_axis.title, chart.y_axis.numFmt = "Hourly consumption", "kWh", KWH
    chart.x_axis.number_format, chart.x_axis.title = HOUR, "local time"
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=rows), titles_from_data=True)
    chart.add_data(Reference(sheet, min_col=5, min_row=1, max_row=rows), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows))
    chart.height, chart.width = 9, 24
    sheet.add_chart(chart, "I2")


def _alerts(book: Workbook, data: ReportData) -> None:
    sheet = book.create_sheet("Alerts")
    _header(sheet, 1, ["Triggered", "Severity", "Device", "Title", "Status", "Resolved"],
            [17, 10, 28, 50, 13, 17])
    for a in data.alerts:
        sheet.append([_naive(a["triggered_at"]), a["severity"], _text(sheet, a["device"]),
                      _text(sheet, a["title"]), a["status"],
                      _naive(a["resolved_at"]) if a["resolved_at"] else None])
    _formats(sheet, 2, {1: HOUR, 6: HOUR})
    if data.alerts:
        sheet.auto_filter.ref = f"A1:F{len(data.alerts) + 1}"


def _shifts(book: Workbook, data: ReportData) -> None:
    """What GET /energy/shifts answers: per shift, then every shift worked."""
    if data.shifts is None:
        return
    sheet = book.create_sheet("Shifts")
    _header(sheet, 1, ["Shift", "Worked", "Energy (kWh)", f"Cost ({data.currency})",
                       "CO2 (kg)", "Peak demand (kW)", "Production", "kWh per unit"],
            [24, 9, 14, 12, 12, 16, 13, 13])
    for t in data.shifts.shifts:
        sheet.append([_text(sheet, t.name), t.occurrences, t.energy_kwh, t.cost, t.co2_kg,
                      t.peak_demand_kw, t.production, t.enpi])
    _formats(sheet, 2, {3: KWH, 4: MONEY, 5: KWH, 6: KWH, 7: "#,##0", 8: FACTOR})
    sheet = book.create_sheet("Shift occurrences")
    _header(sheet, 1, ["Day", "Shift", "Start", "End", "Energy (kWh)",
                       f"Cost ({data.currency})", "Peak demand (kW)", "Production",
                       "kWh per unit"], [12, 20, 17, 17, 14, 12, 16, 13, 13])
    for o in data.shifts.occurrences:
        sheet.append([o.day, _text(sheet, o.name), _naive(o.start), _naive(o.end),
                      o.energy_kwh, o.cost, o.peak_demand_kw, o.production, o.enpi])
    _formats(sheet, 2, {1: DAY, 3: HOUR, 4: HOUR, 5: KWH, 6: MONEY, 7: KWH, 8: "#,##0",
                        9: FACTOR})


def render_xlsx(data: ReportData) -> bytes:
    book = Workbook()
    _summary(book, data)
    _shifts(book, data)
    _devices(book, data)
    if data.kind != "alerts":
        _daily(book, data)
        _hourly(book, data)
    _alerts(book, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
