"""The bodies webhook deliveries carry, as compact UTF-8 JSON (the signature covers these exact
bytes). Pure functions.

`json` format, for programs:
    {"id": <delivery id>, "event": "alert.raised", "sent_for": <ISO time of the event>,
     "factory": {"id", "name"},
     "alert": {"id", "title", "message", "severity", "status", "triggered_at",
               "acknowledged_at", "resolved_at", "rule": {"id", "name"},
               "device": {"id", "name"}, "values": {...}, "url"}}
`slack`: `{"text": ...}`, what a Slack incoming webhook posts as it is.
`teams`: a message with one Adaptive Card, what a Teams workflow webhook posts."""

from __future__ import annotations

import json
from datetime import datetime

from app.models.notification import EVENT_TEST
from app.models.webhook import FORMAT_SLACK, FORMAT_TEAMS
from app.services.alerts.messages import AlertFacts, machine_link

_HEADLINES = {"raised": "raised", "acknowledged": "acknowledged", "resolved": "resolved",
              "escalated": "still unacknowledged"}


def event_name(event: str) -> str:
    return "ping" if event == EVENT_TEST else f"alert.{event}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def alert_document(facts: AlertFacts, public_url: str) -> dict:
    return {
        "id": facts.alert_id, "title": facts.title, "message": facts.message,
        "severity": facts.severity, "status": facts.status,
        "triggered_at": _iso(facts.triggered_at),
        "acknowledged_at": _iso(facts.acknowledged_at), "resolved_at": _iso(facts.resolved_at),
        "rule": {"id": facts.rule_id, "name": facts.rule_name},
        "device": {"id": facts.device_id, "name": facts.device_name},
        "values": facts.values, "url": machine_link(public_url, facts.device_id),
    }


def headline(event: str, facts: AlertFacts | None, factory_name: str) -> str:
    if facts is None:
        return f"FactoryOps test message from {factory_name}: this endpoint receives alerts."
    what = _HEADLINES.get(event, event)
    device = f" on {facts.device_name}" if facts.device_name else ""
    return f"[{facts.severity.upper()}] {facts.title}{device}: alert {what} ({factory_name})"


def webhook_body(fmt: str, *, delivery_id: int, event: str, occurred_at: datetime,
                 factory_id: int, factory_name: str, facts: AlertFacts | None,
                 public_url: str) -> bytes:
    if fmt == FORMAT_SLACK:
        document: dict = {"text": _summary(event, facts, factory_name, public_url)}
    elif fmt == FORMAT_TEAMS:
        document = _teams_card(event, facts, factory_name, public_url)
    else:
        document = {
            "id": delivery_id, "event": event_name(event), "sent_for": _iso(occurred_at),
            "factory": {"id": factory_id, "name": factory_name},
            "alert": alert_document(facts, public_url) if facts else None,
        }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode()


def _summary(event: str, facts: AlertFacts | None, factory_name: str, public_url: str) -> str:
    lines = [headline(event, facts, factory_name)]
    if facts is not None:
        lines.append(facts.message)
        lines.append(machine_link(public_url, facts.device_id))
    return "\n".join(lines)


def _teams_card(event: str, facts: AlertFacts | None, factory_name: str,
                public_url: str) -> dict:
    body = [{"type": "TextBlock", "text": headline(event, facts, factory_name),
             "weight": "Bolder", "wrap": True}]
    actions = []
    if facts is not None:
        body.append({"type": "TextBlock", "text": facts.message, "wrap": True})
        actions.append({"type": "Action.OpenUrl", "title": "Open in FactoryOps",
                        "url": machine_link(public_url, facts.device_id)})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body, "actions": actions}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
         "content": card}]}
