"""What an alert notification says: an email subject with text and HTML bodies, and a short
text for WhatsApp. Also the digest that replaces a storm of them. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

from app.core.clock import format_local
from app.core.safe_text import clean_name

DIGEST_MAX_LISTED = 20


@dataclass(frozen=True)
class AlertFacts:
    """Everything a message about one alert shows."""

    alert_id: int
    title: str
    message: str
    severity: str
    status: str
    rule_name: str | None
    device_id: int | None
    device_name: str | None
    values: dict[str, Any]
    triggered_at: datetime
    factory_name: str
    timezone: str
    rule_id: int | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    short: str
    # The facts a WhatsApp template's variables are filled from
    # (app.models.whatsapp_template.TEMPLATE_FIELDS), and which template carries it.
    fields: dict[str, str] = field(default_factory=dict)
    purpose: str = "alert"


def machine_link(public_url: str, device_id: int | None) -> str:
    base = public_url.rstrip("/")
    return f"{base}/machines/{device_id}" if device_id is not None else f"{base}/alerts"


def _values_lines(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), _number(v)) for k, v in values.items()]


def _number(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    return str(value)


def _headline(facts: AlertFacts, event: str, step: int) -> tuple[str, str]:
    """(subject, first line) for a new alert, a repeat to people who did not acknowledge it
    yet, and its resolution."""
    severity = facts.severity.upper()
    title = clean_name(facts.title)
    if event == "resolved":
        return f"[RESOLVED] {title}", f"Resolved: {severity} alert in {facts.factory_name}"
    if event == "escalated":
        return (f"[{severity}] Still unacknowledged ({step}): {title}",
                f"{severity} alert in {facts.factory_name}, not acknowledged yet")
    return f"[{severity}] {title}", f"{severity} alert in {facts.factory_name}"


def alert_message(facts: AlertFacts, public_url: str, event: str = "raised",
                  step: int = 0) -> Message:
    link = machine_link(public_url, facts.device_id)
    when = format_local(facts.triggered_at, facts.timezone)
    device = facts.device_name or "unknown device"
    rule = facts.rule_name or "deleted rule"
    values = _values_lines(facts.values)
    subject, headline = _headline(facts, event, step)
    text_lines = [
        headline,
        "",
        facts.message,
        "",
        f"Device:    {device}",
        f"Rule:      {rule}",
        f"Severity:  {facts.severity}",
        f"Triggered: {when}",
    ]
    if values:
        text_lines += ["", "Values:"] + [f"  {k} = {v}" for k, v in values]
    text_lines += ["", f"Open the machine: {link}"]
    rows = "".join(
        f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in (("Device", device), ("Rule", rule),
                             ("Severity", facts.severity), ("Triggered", when)))
    value_rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>"
                         for k, v in values)
    html = (
        "<html><body>"
        f"<h2>{escape(headline)}</h2>"
        f"<p>{escape(facts.message)}</p>"
        f"<table>{rows}</table>"
        + (f"<h3>Values</h3><table>{value_rows}</table>" if values else "")
        + f"<p><a href='{escape(link, quote=True)}'>Open the machine</a></p>"
        "</body></html>"
    )
    shown = ", ".join(f"{k} = {v}" for k, v in values)
    short = (f"{subject}\n{device} at {when}"
             + (f"\n{shown}" if shown else "") + f"\n{link}")
    fields = {"severity": facts.severity.upper(), "title": facts.title,
              "device": device, "rule": rule,
              "triggered_at": when, "values": shown, "message": facts.message,
              "factory": facts.factory_name, "link": link, "count": "1",
              "summary": facts.title}
    return Message(subject, "\n".join(text_lines), html, short, fields)


def digest_message(items: Sequence[AlertFacts], factory_name: str, timezone: str,
                   window_seconds: int, public_url: str) -> Message:
    count = len(items)
    minutes = max(1, round(window_seconds / 60))
    subject = clean_name(f"{count} more alert{'s' if count != 1 else ''} in {factory_name}")
    intro = (f"{count} alert{'s were' if count != 1 else ' was'} raised in {factory_name} "
             f"within {minutes} minutes and not sent one by one.")
    listed = list(items)[:DIGEST_MAX_LISTED]
    more = count - len(listed)
    lines = [f"- [{f.severity.upper()}] {f.title} at "
             f"{format_local(f.triggered_at, timezone)}" for f in listed]
    if more:
        lines.append(f"... and {more} more")
    alerts_link = f"{public_url.rstrip('/')}/alerts"
    text = "\n".join([intro, "", *lines, "", f"All alerts: {alerts_link}"])
    html_items = "".join(
        f"<li>[{escape(f.severity.upper())}] "
        f"<a href='{escape(machine_link(public_url, f.device_id), quote=True)}'>"
        f"{escape(f.title)}</a> at {escape(format_local(f.triggered_at, timezone))}</li>"
        for f in listed)
    html = (f"<html><body><p>{escape(intro)}</p><ul>{html_items}</ul>"
            + (f"<p>... and {more} more</p>" if more else "")
            + f"<p><a href='{escape(alerts_link, quote=True)}'>All alerts</a></p>"
            "</body></html>")
    short = "\n".join([subject, *lines[:5], alerts_link])
    summary = "; ".join(f"[{f.severity.upper()}] {f.title}" for f in listed[:5])
    fields = {"count": str(count), "factory": factory_name, "link": alerts_link,
              "summary": summary + ("; ..." if count > 5 else ""), "title": subject}
    return Message(subject, text, html, short, fields, purpose="digest")
