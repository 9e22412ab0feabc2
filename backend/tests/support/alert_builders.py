"""Rules, alerts and WhatsApp templates written straight to the database, and one alert's
notifications planned and sent as the worker would, for the notification suites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.database import session_scope
from app.models import Alert, Rule, WhatsAppTemplate
from app.repositories.alert_repo import open_key
from app.services.alerts.notifications import NotificationService
from app.services.alerts.outbox import Audience, Outbox, Planned
from app.stores.resources import Resources

T0 = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)


@pytest.fixture
async def resources_for():
    built = []

    async def build(settings) -> Resources:
        resources = Resources.from_settings(settings)
        await resources.start()
        built.append(resources)
        return resources

    yield build
    for resources in built:
        await resources.close()


async def add_rule(owner, **fields) -> Rule:
    fields.setdefault("name", "High power")
    fields.setdefault("condition", {"parameter": "power_kw", "operator": ">", "value": 100})
    fields.setdefault("channels", ["email"])
    async with session_scope() as session:
        rule = Rule(factory_id=owner.id, **fields)
        session.add(rule)
        await session.commit()
        return rule


async def add_alert(owner, rule, device, minutes=0, severity="critical") -> Alert:
    moment = T0 + timedelta(minutes=minutes)
    async with session_scope() as session:
        alert = Alert(factory_id=owner.id, rule_id=rule.id, device_id=device.id,
                      open_key=f"{open_key(rule.id, device.id)}:{minutes}", severity=severity,
                      title=f"{rule.name} on {device.name}",
                      message=f"power_kw > 100 holds on {device.name}: power_kw = 130.5.",
                      values={"power_kw": 130.5, "voltage": 231.0}, status="open",
                      triggered_at=moment, last_triggered_at=moment)
        session.add(alert)
        await session.commit()
        return alert


async def add_template(owner, purpose="alert", **fields) -> WhatsAppTemplate:
    """The approved template WhatsApp alerts go out as (free-form text would be refused)."""
    fields.setdefault("meta_name", "factory_alert")
    fields.setdefault("meta_language", "en_US")
    fields.setdefault("twilio_content_sid", "HX" + "0123456789abcdef" * 2)
    fields.setdefault("parameters", ["severity", "title", "device", "link"])
    async with session_scope() as session:
        template = WhatsAppTemplate(factory_id=owner.id, purpose=purpose, **fields)
        session.add(template)
        await session.commit()
        return template


async def plan(owner, alert, now=None) -> list[int]:
    """The alert's deliveries in the outbox, as the rule engine writes them with the alert."""
    async with session_scope() as session:
        rule = (await session.execute(select(Rule).where(
            Rule.factory_id == owner.id, Rule.id == alert.rule_id))).scalar_one()
        ids = await Outbox(session, owner.id).plan(
            [Planned(alert.id, Audience.of(rule.channels, rule.recipients))],
            now or datetime.now(UTC))
        await session.commit()
        return ids


async def send(resources, owner, delivery_id, now=None):
    async with session_scope() as session:
        return await NotificationService(session, resources, owner.id).send(delivery_id, now)


async def plan_and_send(resources, owner, alert, now=None):
    """(delivery ids, results of sending each once)."""
    ids = await plan(owner, alert, now)
    return ids, [await send(resources, owner, i, now) for i in ids]


def later(seconds: float) -> datetime:
    """A moment past a retry's or a digest's due time."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


