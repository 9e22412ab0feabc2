"""The PDF report (reportlab): a cover, the KPI summary, consumption and cost per device,
peak demand, charts (matplotlib PNGs) and the alerts of the period. Text is set in DejaVu
Sans, which matplotlib ships, so that any device name prints."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.core.safe_text import pdf_text
from app.services.reports import charts as chart_rendering
from app.services.reports.data import DeviceFigures, ReportData
from app.services.reports.format import local_time, number, percent

PDF_ALERT_ROWS = 500
CHART_DEVICES = 8
CONTENT_WIDTH = A4[0] - 36 * mm
HEADER_BG = colors.HexColor("#1e3a8a")
STRIPE_BG = colors.HexColor("#f1f5f9")


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    try:
        pdfmetrics.registerFont(TTFont("ReportSans", str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("ReportSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
        return "ReportSans", "ReportSans-Bold"
    except Exception:  # a trimmed matplotlib install: the built-in font still prints Latin
        return "Helvetica", "Helvetica-Bold"


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "cover_title": ParagraphStyle("cover_title", parent=base["Title"], fontName=bold,
                                      fontSize=26, leading=32, alignment=TA_CENTER),
        "cover_line": ParagraphStyle("cover_line", parent=base["Normal"], fontName=regular,
                                     fontSize=13, leading=20, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=15,
                             spaceBefore=6, spaceAfter=6, textColor=HEADER_BG),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12,
                             spaceBefore=6, spaceAfter=4),
        "body": ParagraphStyle("body", parent=base["Normal"], fontName=regular, fontSize=9,
                               leading=12),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontName=regular, fontSize=8,
                               leading=10),
    }


def _table(rows: list[list], widths: list[float], numeric_from: int = 1) -> Table:
    regular, bold = _fonts()
    style = _styles()["cell"]
    # Long text wraps in a Paragraph, which parses markup: names are escaped for it.
    body = [[Paragraph(pdf_text(c), style) if isinstance(c, str) and len(c) > 28 else c
             for c in row] for row in rows]
    table = Table(body, colWidths=widths, repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, 0), bold, 8),
        ("FONT", (0, 1), (-1, -1), regular, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cbd5e1")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), STRIPE_BG) for r in range(2, len(rows), 2)]
    table.setStyle(TableStyle(commands))
    return table


def _image(png: bytes, width: float = CONTENT_WIDTH) -> Image:
    image = Image(io.BytesIO(png))
    scale = width / image.imageWidth
    image.drawWidth, image.drawHeight = width, image.imageHeight * scale
    return image


def _kpi_rows(data: ReportData) -> list[list[str]]:
    t = data.totals
    return [
        ["Indicator", "Value", "Unit"],
        ["Energy consumed", number(t.energy_kwh), "kWh"],
        ["Energy cost", number(t.cost), data.currency],
        ["CO2 emissions", number(t.co2_kg), "kg"],
        ["Peak demand (15-minute)", number(t.peak_demand_kw), "kW"],
        ["Load factor", percent(t.load_factor), ""],
        ["Average power factor", number(t.avg_power_factor, 3), ""],
        ["Idle energy", number(t.idle_kwh), "kWh"],
        ["Running energy", number(t.running_kwh), "kWh"],
    ]


def _device_rows(devices: list[DeviceFigures], currency: str) -> list[list[str]]:
    rows = [["Device", "Energy kWh", "Share", f"Cost {currency}", "CO2 kg", "Peak kW",
             "Load factor"]]
    for d in devices:
        t = d.totals
        rows.append([d.name, number(t.energy_kwh), percent(d.share), number(t.cost),
                     number(t.co2_kg), number(t.peak_demand_kw),
                     percent(t.load_factor)])
    return rows


def _alert_rows(alerts: list[dict]) -> list[list[str]]:
    rows = [["Severity", "Device", "Title", "Triggered", "Status"]]
    for a in alerts[:PDF_ALERT_ROWS]:
        rows.append([a["severity"], a["device"], a["title"], local_time(a["triggered_at"]),
                     a["status"]])
    return rows


def _cover(data: ReportData) -> list:
    s = _styles()
    scope = f" · {data.scope_name}" if data.scope_name else ""
    return [Spacer(1, 70 * mm), Paragraph(pdf_text(data.title), s["cover_title"]),
            Spacer(1, 10 * mm), Paragraph(pdf_text(data.factory.name + scope), s["cover_line"]),
            Paragraph(pdf_text(data.period_label), s["cover_line"]), Spacer(1, 6 * mm),
            Paragraph(f"Generated {data.generated_at.astimezone(data.zone):%Y-%m-%d %H:%M} "
                      f"({data.zone.key})", s["cover_line"]), PageBreak()]


def _summary(data: ReportData) -> list:
    s = _styles()
    return [Paragraph("Key figures", s["h1"]),
            _table(_kpi_rows(data), [80 * mm, 50 * mm, 30 * mm]), Spacer(1, 6 * mm)]


def _consumption(data: ReportData) -> list:
    s = _styles()
    devices = sorted(data.measured_devices, key=lambda d: -(d.totals.energy_kwh or 0))
    width = CONTENT_WIDTH
    parts: list = [Paragraph("Consumption and cost per device", s["h1"]),
                   _table(_device_rows(devices, data.currency),
                          [width * f for f in (0.30, 0.13, 0.10, 0.13, 0.11, 0.11, 0.12)])]
    with_energy = [d for d in devices if d.totals.energy_kwh]
    if with_energy:
        parts += [Spacer(1, 4 * mm), _image(chart_rendering.bar_chart(
            [d.name for d in with_energy[:20]],
            [d.totals.energy_kwh for d in with_energy[:20]], "kWh",
            "Energy per device"), width * 0.9)]
    if data.days and with_energy:
        days = [b.start.replace(tzinfo=None) for b in data.days]
        series = {d.name: [b.energy_kwh or 0.0 for b in d.days]
                  for d in with_energy[:CHART_DEVICES]}
        rest = with_energy[CHART_DEVICES:]
        if rest:
            series["Other devices"] = [sum(d.days[i].energy_kwh or 0.0 for d in rest)
                                       for i in range(len(days))]
        parts += [Paragraph("Daily consumption", s["h2"]), _image(
            chart_rendering.stacked_days_chart(days, series, "kWh", "Energy per day"))]
    return parts


def _peak_demand(data: ReportData) -> list:
    s = _styles()
    parts: list = [Paragraph("Peak demand", s["h1"]), Paragraph(
        f"Highest 15-minute demand of the chosen devices together: "
        f"<b>{number(data.totals.peak_demand_kw)} kW</b>; load factor "
        f"{percent(data.totals.load_factor)}.", s["body"])]
    if data.days:
        days = [b.start.replace(tzinfo=None) for b in data.days]
        parts.append(_image(chart_rendering.line_chart(
            days, {"Peak demand": [b.peak_demand_kw for b in data.days]}, "kW",
            "Daily peak demand (15-minute)"), CONTENT_WIDTH * 0.9))
    return parts


def _alerts(data: ReportData) -> list:
    s = _styles()
    parts: list = [Paragraph("Alerts", s["h1"])]
    if not data.alerts:
        return parts + [Paragraph("No alert was raised in this period.", s["body"])]
    shown = min(len(data.alerts), PDF_ALERT_ROWS)
    note = (f"{data.alerts_total} alerts raised in this period"
            + (f"; the {shown} most recent are listed." if data.alerts_total > shown else "."))
    width = CONTENT_WIDTH
    return parts + [Paragraph(note, s["body"]), Spacer(1, 2 * mm),
                    _table(_alert_rows(data.alerts),
                           [width * f for f in (0.11, 0.22, 0.37, 0.18, 0.12)],
                           numeric_from=5)]


def _alert_overview(data: ReportData) -> list:
    s = _styles()
    counts: dict[tuple[str, str], int] = {}
    for alert in data.alerts:
        key = (alert["severity"], alert["status"])
        counts[key] = counts.get(key, 0) + 1
    rows = [["Severity", "Status", "Alerts"]] + [[sev, st, str(n)] for (sev, st), n
                                                 in sorted(counts.items())]
    parts: list = [Paragraph("Alerts by severity and status", s["h1"]),
                   _table(rows, [50 * mm, 50 * mm, 30 * mm], numeric_from=2)]
    per_device: dict[str, int] = {}
    for alert in data.alerts:
        per_device[alert["device"]] = per_device.get(alert["device"], 0) + 1
    if per_device:
        ranked = sorted(per_device.items(), key=lambda item: -item[1])[:20]
        parts += [Spacer(1, 4 * mm), _image(chart_rendering.bar_chart(
            [name for name, _ in ranked], [n for _, n in ranked], "alerts",
            "Alerts per device", colour=chart_rendering.ANOMALY_COLOUR), CONTENT_WIDTH * 0.9)]
    return parts


def _device_sections(data: ReportData) -> list:
    s = _styles()
    parts: list = []
    for device in data.measured_devices:
        t = device.totals
        rows = [["Day", "Energy kWh", f"Cost {data.currency}", "Peak kW", "Load factor"]]
        rows += [[f"{b.start:%a %d %b}", number(b.energy_kwh), number(b.cost),
                  number(b.peak_demand_kw), percent(b.load_factor)] for b in device.days]
        section = [PageBreak(), Paragraph(pdf_text(device.name), s["h1"]), Paragraph(
            f"Energy {number(t.energy_kwh)} kWh · cost {number(t.cost)} "
            f"{data.currency} · CO2 {number(t.co2_kg)} kg · peak "
            f"{number(t.peak_demand_kw)} kW · load factor {percent(t.load_factor)} · "
            f"power factor {number(t.avg_power_factor, 3)}", s["body"]), Spacer(1, 3 * mm)]
        if device.hours:
            moments = [b.start.replace(tzinfo=None) for b in device.hours]
            section.append(_image(chart_rendering.line_chart(
                moments, {"Energy per hour": [b.energy_kwh for b in device.hours]},
                "kWh", "Hourly consumption")))
        section.append(_table(rows, [CONTENT_WIDTH * f for f in (0.28, 0.18, 0.18, 0.18,
                                                                  0.18)]))
        parts += section
    return parts


def _shift_rows(data: ReportData) -> list[list[str]]:
    rows = [["Shift", "Worked", "Energy kWh", f"Cost {data.currency}", "Peak kW",
             "Production", "kWh per unit"]]
    for s in data.shifts.shifts if data.shifts else []:
        rows.append([s.name, str(s.occurrences) if s.shift_id is not None else "",
                     number(s.energy_kwh), number(s.cost), number(s.peak_demand_kw),
                     number(s.production, 0), number(s.enpi, 3)])
    return rows


def _occurrence_rows(data: ReportData) -> list[list[str]]:
    rows = [["Day", "Shift", "From – to", "Energy kWh", f"Cost {data.currency}", "Peak kW",
             "Production", "kWh per unit"]]
    for o in data.shifts.occurrences if data.shifts else []:
        rows.append([f"{o.day:%a %d %b}", o.name, f"{o.start:%H:%M} – {o.end:%H:%M}",
                     number(o.energy_kwh), number(o.cost), number(o.peak_demand_kw),
                     number(o.production, 0), number(o.enpi, 3)])
    return rows


def _shift_sections(data: ReportData) -> list:
    s = _styles()
    width = CONTENT_WIDTH
    parts: list = [Paragraph("Energy per shift", s["h1"])]
    if data.shifts is None or not data.shifts.occurrences:
        return parts + [Paragraph("No shift was worked in this period: set up the shift "
                                  "calendar on the Shifts page.", s["body"])]
    parts.append(_table(_shift_rows(data),
                        [width * f for f in (0.22, 0.09, 0.14, 0.13, 0.12, 0.15, 0.15)]))
    worked = [t for t in data.shifts.shifts if t.shift_id is not None and t.energy_kwh]
    if worked:
        parts += [Spacer(1, 4 * mm), _image(chart_rendering.bar_chart(
            [t.name for t in worked], [t.energy_kwh for t in worked], "kWh",
            "Energy per shift"), width * 0.8)]
    parts += [PageBreak(), Paragraph("Every shift worked", s["h1"]),
              _table(_occurrence_rows(data),
                     [width * f for f in (0.12, 0.14, 0.15, 0.12, 0.11, 0.1, 0.13, 0.13)],
                     numeric_from=3)]
    return parts


def render_pdf(data: ReportData) -> bytes:
    story = _cover(data) + _summary(data)
    if data.kind == "shift_report":
        story += _shift_sections(data)
    elif data.kind == "alerts":
        story += _alert_overview(data) + [PageBreak()] + _alerts(data)
    elif data.kind == "device_detail":
        story += _consumption(data)[:2] + _device_sections(data) + [PageBreak()] + _alerts(data)
    else:
        story += _consumption(data) + [PageBreak()] + _peak_demand(data) + [PageBreak()] \
            + _alerts(data)
    regular, _bold = _fonts()
    footer = f"{data.factory.name} · {data.title} · {data.period_label}"

    def decorate(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#64748b"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=18 * mm, title=data.title,
                                 author="FactoryOps", subject=data.period_label)
    document.build([KeepTogether(item) if isinstance(item, list) else item for item in story],
                   onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
