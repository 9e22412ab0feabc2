"""Alert notifications on the real database, a real SMTP server and a local HTTP endpoint
standing in for the WhatsApp providers: the outbox, recipients, message contents, both
provider shapes, retry classification with backoff, digests instead of storms, one message
under racing workers, and the sweep of deliveries left behind."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.core.database import session_scope
from app.models import Alert, NotificationDelivery
from app.repositories.notification_repo import NotificationRepository
from app.services.alerts.notifications import retry_delay, sweep_outbox
from app.services.alerts.outbox import Audience, recipients_of
from tests.support.alert_builders import (
    add_alert,
    add_rule,
    add_template,
    later,
    plan,
    plan_and_send,
    send,
)


@pytest.fixture
def notify_settings(settings, inbox, provider):
    return settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_starttls": False,
        "public_url": "https://ops.example.com",
        "whatsapp_provider": "meta", "whatsapp_api_url": f"{provider.url}/v21.0",
        "whatsapp_phone_number_id": "1098765", "whatsapp_token": SecretStr("meta-token"),
        "twilio_api_url": f"{provider.url}/twilio", "twilio_account_sid": "AC123",
        "twilio_auth_token": SecretStr("twilio-secret"), "twilio_whatsapp_from": "+14155238886",
        "notification_retry_base_seconds": 2.0, "notification_max_attempts": 3,
        "notification_digest_threshold": 100, "notification_digest_window_seconds": 600,
    })


async def deliveries(owner) -> list[NotificationDelivery]:
    async with session_scope() as session:
        rows = await session.execute(select(NotificationDelivery).where(
            NotificationDelivery.factory_id == owner.id).order_by(NotificationDelivery.id))
        return list(rows.scalars())


# --- recipients ----------------------------------------------------------------------------
async def test_recipients_by_permission_id_and_address(make, tenant):
    operator = await make.user(tenant.factory, permissions=["acknowledge_alerts"],
                               email="op@plant.example", phone="+4915100000001")
    await make.user(tenant.factory, permissions=["acknowledge_alerts"], is_active=False,
                    email="gone@plant.example")
    chosen = await make.user(tenant.factory, email="chosen@plant.example")
    await make.user(tenant.factory, email="bystander@plant.example")
    rule = await add_rule(tenant, channels=["email", "whatsapp"], recipients={
        "user_permissions": ["acknowledge_alerts"], "user_ids": [chosen.id],
        "emails": ["OP@plant.example", "shift@plant.example"],
        "phones": ["+4915100000001", "+4915100000002"]})
    async with session_scope() as session:
        from app.repositories.notification_repo import RecipientRepository

        users = await RecipientRepository(session, tenant.id).active_users()
    assert recipients_of(Audience.of(rule.channels, rule.recipients), users) == [
        ("email", tenant.admin.email), ("email", "op@plant.example"),
        ("email", "chosen@plant.example"), ("email", "shift@plant.example"),
        ("whatsapp", "+4915100000001"), ("whatsapp", "+4915100000002"),
    ]
    assert operator.phone == "+4915100000001"


def test_backoff_doubles_and_is_capped():
    assert [retry_delay(n, 30) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20, 30) == 3600


# --- sending -------------------------------------------------------------------------------
async def test_email_with_text_html_link_values_and_local_time(make, resources_for,
                                                               notify_settings, inbox):
    owner = await make.tenant(timezone="Europe/Berlin", name="Berlin Plant")
    device = await make.device(owner, name="Press 7")
    rule = await add_rule(owner, recipients={"emails": ["berlin-op@plant.example"]})
    alert = await add_alert(owner, rule, device)
    resources = await resources_for(notify_settings)
    _, results = await plan_and_send(resources, owner, alert)
    assert [r.status for r in results] == ["sent"]
    [message] = inbox.to("berlin-op@plant.example")
    assert message["Subject"] == "[CRITICAL] High power on Press 7"
    assert message["From"] == notify_settings.smtp_from
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"https://ops.example.com/machines/{device.id}"
    for body in (text, html):
        assert "Press 7" in body and "High power" in body and "critical" in body
        assert "power_kw" in body and "130.5" in body and "231" in body
        assert "2026-11-30 08:30:00 CET" in body, "time in the factory's zone"
        assert link in body
    [row] = await deliveries(owner)
    assert (row.channel, row.recipient, row.status, row.attempts) == (
        "email", "berlin-op@plant.example", "sent", 1)
    assert row.sent_at is not None and row.alert_id == alert.id


async def test_whatsapp_through_meta_cloud_api(make, tenant, resources_for, notify_settings,
                                               provider):
    device = await make.device(tenant, name="Pump 2")
    rule = await add_rule(tenant, channels=["whatsapp"],
                          recipients={"phones": ["+4915111111111"]})
    await add_template(tenant)
    alert = await add_alert(tenant, rule, device)
    resources = await resources_for(notify_settings)
    before = len(provider.requests)
    _, results = await plan_and_send(resources, tenant, alert)
    assert [r.status for r in results] == ["sent"]
    [request] = provider.requests[before:]
    assert request.path == "/v21.0/1098765/messages"
    assert request.headers["Authorization"] == "Bearer meta-token"
    body = request.json()
    assert (body["messaging_product"], body["to"], body["type"]) == (
        "whatsapp", "4915111111111", "template")
    template = body["template"]
    assert (template["name"], template["language"]) == ("factory_alert", {"code": "en_US"})
    [component] = template["components"]
    assert component["type"] == "body"
    assert [p["text"] for p in component["parameters"]] == [
        "CRITICAL", "High power on Pump 2", "Pump 2",
        f"https://ops.example.com/machines/{device.id}"]
    [row] = await deliveries(tenant)
    assert row.provider_message_id == "wamid.test"


async def test_whatsapp_through_twilio(make, tenant, resources_for, notify_settings, provider):
    device = await make.device(tenant, name="Pump 3")
    rule = await add_rule(tenant, channels=["whatsapp"],
                          recipients={"phones": ["+4915122222222"]})
    await add_template(tenant)
    alert = await add_alert(tenant, rule, device)
    resources = await resources_for(notify_settings.model_copy(
        update={"whatsapp_provider": "twilio"}))
    before = len(provider.requests)
    provider.reply = {"sid": "SM" + "f" * 32, "status": "queued"}
    try:
        _, results = await plan_and_send(resources, tenant, alert)
    finally:
        provider.reply = {"messages": [{"id": "wamid.test"}]}
    assert [r.status for r in results] == ["sent"]
    [request] = provider.requests[before:]
    assert request.path == "/twilio/2010-04-01/Accounts/AC123/Messages.json"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(
        b"AC123:twilio-secret").decode()
    form = request.form()
    assert form["From"] == "whatsapp:+14155238886" and form["To"] == "whatsapp:+4915122222222"
    assert "Body" not in form
    assert form["ContentSid"] == "HX" + "0123456789abcdef" * 2
    assert json.loads(form["ContentVariables"]) == {
        "1": "CRITICAL", "2": "High power on Pump 3", "3": "Pump 3",
        "4": f"https://ops.example.com/machines/{device.id}"}
    assert form["StatusCallback"] == "https://ops.example.com/api/v1/callbacks/whatsapp/twilio"
    [row] = await deliveries(tenant)
    assert row.provider_message_id == "SM" + "f" * 32


# --- failures ------------------------------------------------------------------------------
@pytest.mark.parametrize(("channel", "failure", "expected_status", "retry_in"), [
    ("email", "451 4.3.0 Try again later", "retrying", 2.0),
    ("email", "550 5.1.1 No such user", "failed", None),
    ("whatsapp", 429, "retrying", 2.0),
    ("whatsapp", 503, "retrying", 2.0),
    ("whatsapp", 400, "failed", None),
    ("whatsapp", 401, "failed", None),
])
async def test_transient_failures_retry_permanent_ones_do_not(
        make, tenant, resources_for, notify_settings, inbox, provider, channel, failure,
        expected_status, retry_in):
    device = await make.device(tenant)
    rule = await add_rule(tenant, channels=[channel], recipients={
        "emails": ["retry@plant.example"], "phones": ["+4915133333333"]})
    await add_template(tenant)
    alert = await add_alert(tenant, rule, device)
    resources = await resources_for(notify_settings)
    (inbox if channel == "email" else provider).failures.append(failure)
    [delivery_id], [result] = await plan_and_send(resources, tenant, alert)
    assert (result.status, result.retry_in) == (expected_status, retry_in)
    [row] = await deliveries(tenant)
    assert (row.status, row.attempts) == (expected_status, 1)
    assert str(failure)[:3] in row.last_error
    if expected_status == "retrying":
        assert (await send(resources, tenant, delivery_id)).status == "not_taken", (
            "a retry is not taken before it is due")
    # The retry (what Celery runs after the countdown) goes through.
    again = await send(resources, tenant, delivery_id, later(10))
    [row] = await deliveries(tenant)
    if expected_status == "retrying":
        assert (again.status, row.status, row.attempts, row.last_error) == (
            "sent", "sent", 2, None)
    else:
        assert (again.status, row.status, row.attempts) == ("failed", "failed", 1)


async def test_attempts_are_bounded(make, tenant, resources_for, notify_settings, provider):
    device = await make.device(tenant)
    rule = await add_rule(tenant, channels=["whatsapp"],
                          recipients={"phones": ["+4915144444444"]})
    await add_template(tenant)
    alert = await add_alert(tenant, rule, device)
    resources = await resources_for(notify_settings)
    provider.failures.extend([503, 503, 503])
    [delivery_id], [first] = await plan_and_send(resources, tenant, alert)
    results = [first]
    for seconds in (10, 30):
        results.append(await send(resources, tenant, delivery_id, later(seconds)))
    assert [(r.status, r.retry_in) for r in results] == [
        ("retrying", 2.0), ("retrying", 4.0), ("failed", None)]


async def test_unconfigured_channels_fail_without_retrying(make, tenant, resources_for,
                                                           settings):
    device = await make.device(tenant)
    rule = await add_rule(tenant, channels=["email", "whatsapp"], recipients={
        "emails": ["x@plant.example"], "phones": ["+4915155555555"]})
    alert = await add_alert(tenant, rule, device)
    resources = await resources_for(settings.model_copy(update={
        "smtp_host": None, "whatsapp_provider": "none"}))
    _, results = await plan_and_send(resources, tenant, alert)
    assert [r.status for r in results] == ["failed", "failed"]
    assert {r.last_error.split(" (")[0] for r in await deliveries(tenant)} == {
        "email is not configured", "WhatsApp is not configured"}


async def test_planning_twice_creates_no_second_delivery(make, tenant):
    device = await make.device(tenant)
    rule = await add_rule(tenant, recipients={"emails": ["twice@plant.example"]})
    alert = await add_alert(tenant, rule, device)
    first = await plan(tenant, alert)
    second = await plan(tenant, alert)
    assert first == second and len(await deliveries(tenant)) == 1


# --- storms --------------------------------------------------------------------------------
async def test_a_storm_becomes_one_digest(make, tenant, resources_for, notify_settings, inbox):
    devices = [await make.device(tenant, name=f"Line {i}") for i in range(6)]
    rule = await add_rule(tenant, recipients={"emails": ["storm@plant.example"]})
    other = await add_rule(tenant, name="Other", recipients={"emails": ["calm@plant.example"]})
    resources = await resources_for(notify_settings.model_copy(update={
        "notification_digest_threshold": 2, "notification_digest_window_seconds": 300}))
    start = datetime.now(UTC)
    results = []
    for i, device in enumerate(devices):
        alert = await add_alert(tenant, rule, device, minutes=i)
        _, [result] = await plan_and_send(resources, tenant, alert,
                                          now=start + timedelta(seconds=i))
        results.append(result)
    calm_alert = await add_alert(tenant, other, devices[0], minutes=10)
    await plan_and_send(resources, tenant, calm_alert, now=start + timedelta(seconds=7))

    assert [r.status for r in results] == ["sent"] * 2 + ["digested"] * 4
    scheduled = [r.digest for r in results if r.digest]
    assert len(scheduled) == 1, "one digest per recipient and window"
    digest_id, countdown = scheduled[0]
    assert countdown == pytest.approx(300 - 2, abs=0.01), "at the end of the window"
    rows = [r for r in await deliveries(tenant) if r.recipient == "storm@plant.example"]
    assert [(r.kind, r.status) for r in rows] == (
        [("alert", "sent")] * 2 + [("alert", "digested"), ("digest", "pending")]
        + [("alert", "digested")] * 3)
    assert {r.digest_id for r in rows if r.status == "digested"} == {digest_id}
    assert len(inbox.to("storm@plant.example")) == 2
    assert len(inbox.to("calm@plant.example")) == 1, "other recipients are unaffected"

    early = await send(resources, tenant, digest_id, start + timedelta(seconds=100))
    assert early.status == "not_taken", "a digest waits for the end of its window"
    result = await send(resources, tenant, digest_id, start + timedelta(seconds=301))
    assert result.status == "sent"
    digest = inbox.to("storm@plant.example")[-1]
    assert digest["Subject"] == f"4 more alerts in {tenant.factory.name}"
    text = digest.get_body(("plain",)).get_content()
    for device in devices[2:]:
        assert f"High power on {device.name}" in text
    assert "https://ops.example.com/alerts" in text
    [row] = [r for r in await deliveries(tenant) if r.id == digest_id]
    assert row.open_digest_key is None and row.status == "sent"


# --- the outbox under races and lost tasks -------------------------------------------------
async def test_racing_workers_send_one_message(make, tenant, resources_for, notify_settings,
                                               inbox):
    device = await make.device(tenant)
    rule = await add_rule(tenant, recipients={"emails": ["race@plant.example"]})
    alert = await add_alert(tenant, rule, device)
    resources = await resources_for(notify_settings)
    [delivery_id] = await plan(tenant, alert)
    results = await asyncio.gather(*[send(resources, tenant, delivery_id)
                                     for _ in range(4)])
    assert sorted(r.status for r in results) == ["not_taken"] * 3 + ["sent"]
    assert len(inbox.to("race@plant.example")) == 1
    [row] = await deliveries(tenant)
    assert (row.status, row.attempts) == ("sent", 1)


async def test_sweep_finds_what_was_left_behind(make, tenant, resources_for, notify_settings,
                                                inbox):
    device = await make.device(tenant)
    rule = await add_rule(tenant, recipients={"emails": ["swept@plant.example"]})
    resources = await resources_for(notify_settings.model_copy(
        update={"notification_sweep_seconds": 5}))
    alert = await add_alert(tenant, rule, device)
    [delivery_id] = await plan(tenant, alert)
    mine = [d for f, d in await sweep_outbox(resources) if f == tenant.id]
    assert mine == [], "its own task has a sweep interval to send it"
    found = [d for f, d in await sweep_outbox(resources, later(6)) if f == tenant.id]
    assert found == [delivery_id]
    assert (await send(resources, tenant, delivery_id)).status == "sent"
    assert [d for f, d in await sweep_outbox(resources, later(60)) if f == tenant.id] == []
    assert len(inbox.to("swept@plant.example")) == 1


async def test_a_worker_that_died_mid_send_is_taken_over(make, tenant, resources_for,
                                                         notify_settings, inbox):
    device = await make.device(tenant)
    rule = await add_rule(tenant, recipients={"emails": ["held@plant.example"]})
    alert = await add_alert(tenant, rule, device)
    resources = await resources_for(notify_settings)
    [delivery_id] = await plan(tenant, alert)
    async with session_scope() as session:
        now = datetime.now(UTC)
        assert await NotificationRepository(session, tenant.id).take(
            delivery_id, now, now + timedelta(seconds=120))
        await session.commit()  # ... and the worker dies here
    assert (await send(resources, tenant, delivery_id)).status == "not_taken"
    found = [d for f, d in await sweep_outbox(resources, later(121)) if f == tenant.id]
    assert found == [delivery_id]
    assert (await send(resources, tenant, delivery_id, later(121))).status == "sent"
    assert len(inbox.to("held@plant.example")) == 1


async def test_names_with_line_breaks_still_make_a_one_line_subject(
        make, tenant, resources_for, notify_settings, inbox):
    device = await make.device(tenant)
    rule = await add_rule(tenant, recipients={"emails": ["lines@plant.example"]})
    alert = await add_alert(tenant, rule, device)
    async with session_scope() as session:
        # Written before names were cleaned at input, or by an older version.
        row = (await session.execute(select(Alert).where(
            Alert.factory_id == tenant.id, Alert.id == alert.id))).scalar_one()
        row.title = "Press\n7\u2028Bcc: victim@example.com\r\nhot"
        await session.commit()
    resources = await resources_for(notify_settings)
    _, [result] = await plan_and_send(resources, tenant, alert)
    assert result.status == "sent"
    [message] = inbox.to("lines@plant.example")
    assert message["Subject"] == "[CRITICAL] Press 7 Bcc: victim@example.com  hot"
    assert message["Bcc"] is None
