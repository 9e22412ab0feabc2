"""WhatsApp templates with delivery status and signed webhooks, on the real database, the
API in process and local HTTP endpoints standing in for the providers and for a webhook
receiver: payloads in each provider's documented shape, status callbacks moving deliveries
(and refused when unsigned or tampered), webhook signatures checked by a receiver that
computes them on its own, retries with backoff, and destinations refused when internal."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.core.database import session_scope
from app.models import NotificationDelivery
from app.services.alerts.notifications import NotificationService
from app.services.alerts.provider_signatures import twilio_signature
from pytest_factoryops.apps import client_of, running_app
from tests.support.alert_builders import (
    add_alert,
    add_rule,
    add_template,
    plan_and_send,
)
from tests.support.notification_endpoints import HttpRecorder

META_SECRET = "meta-app-secret"
VERIFY_TOKEN = "verify-me"
TWILIO_TOKEN = "twilio-secret"
PUBLIC_URL = "https://ops.example.com"


@pytest.fixture
def receiver():
    """A webhook receiver on loopback (reachable because these tests allow private
    destinations, as a deployment with receivers on its own network would)."""
    server = HttpRecorder().start()
    server.reply = {"ok": True}
    yield server
    server.stop()


@pytest.fixture
def channel_settings(settings, provider):
    return settings.model_copy(update={
        "public_url": PUBLIC_URL, "celery_broker_url": None,
        "whatsapp_provider": "meta", "whatsapp_api_url": f"{provider.url}/v21.0",
        "whatsapp_phone_number_id": "1098765", "whatsapp_token": SecretStr("meta-token"),
        "whatsapp_app_secret": SecretStr(META_SECRET),
        "whatsapp_verify_token": SecretStr(VERIFY_TOKEN),
        "twilio_api_url": f"{provider.url}/twilio", "twilio_account_sid": "AC123",
        "twilio_auth_token": SecretStr(TWILIO_TOKEN), "twilio_whatsapp_from": "+14155238886",
        "webhook_allow_private_destinations": True,
        "notification_retry_base_seconds": 2.0, "notification_max_attempts": 3,
        "notification_digest_threshold": 100,
    })


@pytest.fixture
async def api(channel_settings):
    async with running_app(channel_settings) as application, \
            client_of(application, "203.0.113.20") as c:
        yield c


@pytest.fixture
async def strict_api(settings):
    """The API as deployed by default: internal destinations refused, no callback secrets."""
    variant = settings.model_copy(update={"celery_broker_url": None,
                                          "webhook_allow_private_destinations": False,
                                          "whatsapp_app_secret": None,
                                          "whatsapp_verify_token": None})
    async with running_app(variant) as application, \
            client_of(application, "203.0.113.21") as c:
        yield c


@pytest.fixture
async def resources(channel_settings, resources_for):
    return await resources_for(channel_settings)


async def rows(owner, **where) -> list[NotificationDelivery]:
    async with session_scope() as session:
        stmt = select(NotificationDelivery).where(NotificationDelivery.factory_id == owner.id)
        for column, value in where.items():
            stmt = stmt.where(getattr(NotificationDelivery, column) == value)
        result = await session.execute(stmt.order_by(NotificationDelivery.id))
        return list(result.scalars())


async def send_again(resources, owner, delivery_id, after_seconds=30):
    """The retry Celery runs once its countdown is over."""
    async with session_scope() as session:
        return await NotificationService(session, resources, owner.id).send(
            delivery_id, datetime.now(UTC) + timedelta(seconds=after_seconds))


def receiver_verifies(secret: str, request, window: int = 300) -> bool:
    """What a receiver does, written here from the documented scheme rather than with the
    platform's helper: HMAC-SHA256 over "<t>.<body>", compared in constant time, within the
    replay window."""
    header = request.header("X-FactoryOps-Signature") or ""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in fields or "v1" not in fields or abs(time.time() - int(fields["t"])) > window:
        return False
    expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


# --- webhook endpoints ---------------------------------------------------------------------
async def create_endpoint(api, tenant, receiver, **fields) -> dict:
    body = {"name": fields.pop("name", "CMMS"), "url": f"{receiver.url}/hooks/factoryops",
            "events": ["raised", "acknowledged", "resolved", "escalated"], **fields}
    r = await api.post("/api/v1/webhooks", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_endpoints_are_managed_by_the_super_admin_secret_shown_once(
        api, make, tenant, other_tenant, receiver):
    created = await create_endpoint(api, tenant, receiver, format="slack")
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert created["secret_hint"] == "…" + secret[-4:]
    listed = (await api.get("/api/v1/webhooks", headers=tenant.headers)).json()["data"]
    assert [e["name"] for e in listed] == ["CMMS"] and "secret" not in listed[0]
    one = await api.get(f"/api/v1/webhooks/{created['id']}", headers=tenant.headers)
    assert "secret" not in one.json()["data"]

    r = await api.patch(f"/api/v1/webhooks/{created['id']}", headers=tenant.headers,
                        json={"events": ["resolved"], "is_active": False})
    assert (r.json()["data"]["events"], r.json()["data"]["is_active"]) == (["resolved"], False)
    rotated = await api.post(f"/api/v1/webhooks/{created['id']}/rotate-secret",
                             headers=tenant.headers)
    assert rotated.json()["data"]["secret"] not in (secret, None)
    assert rotated.headers["cache-control"] == "no-store"

    # Bad input answers the envelope; a name is unique within the factory.
    for bad, code in [({"name": "x", "url": f"{receiver.url}/a", "events": []},
                       "VALIDATION_ERROR"),
                      ({"name": "x", "url": f"{receiver.url}/a", "events": ["deleted"]},
                       "VALIDATION_ERROR"),
                      ({"name": "x", "url": "ftp://example.com/a", "events": ["raised"]},
                       "INVALID_WEBHOOK_URL"),
                      ({"name": "CMMS", "url": f"{receiver.url}/a", "events": ["raised"]},
                       "WEBHOOK_NAME_TAKEN")]:
        r = await api.post("/api/v1/webhooks", json=bad, headers=tenant.headers)
        assert r.status_code in (409, 422) and r.json()["error"]["code"] == code, r.text

    # Only a super admin sees or changes endpoints (their URLs may hold tokens).
    operator = await make.user(tenant.factory, permissions=["manage_rules"])
    assert (await api.get("/api/v1/webhooks", headers=make.headers(operator))).status_code == 403
    # Another factory's endpoint does not exist for this one.
    r = await api.delete(f"/api/v1/webhooks/{created['id']}", headers=other_tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "WEBHOOK_NOT_FOUND"
    r = await api.delete(f"/api/v1/webhooks/{created['id']}", headers=tenant.headers)
    assert r.status_code == 204
    assert (await api.get("/api/v1/webhooks", headers=tenant.headers)).json()["data"] == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://localhost/hook",
                                 "http://169.254.169.254/latest/meta-data",
                                 "http://10.0.0.7/hook", "http://[::1]/hook",
                                 "http://[::ffff:192.168.0.1]/hook"])
async def test_internal_destinations_are_refused_by_default(strict_api, tenant, url):
    r = await strict_api.post("/api/v1/webhooks", headers=tenant.headers, json={
        "name": "Internal", "url": url, "events": ["raised"]})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "WEBHOOK_DESTINATION_REFUSED"


async def test_an_endpoint_that_turned_internal_is_refused_at_send_time(
        api, make, tenant, receiver, settings, resources_for):
    await create_endpoint(api, tenant, receiver)
    device = await make.device(tenant)
    alert = await add_alert(tenant, await add_rule(tenant, channels=[]), device)
    strict = await resources_for(settings.model_copy(update={
        "webhook_allow_private_destinations": False}))
    attempts = receiver.attempts
    _, [result] = await plan_and_send(strict, tenant, alert)
    [row] = await rows(tenant, channel="webhook")
    assert (result.status, row.error_code) == ("failed", "WEBHOOK_DESTINATION_REFUSED")
    assert receiver.attempts == attempts, "nothing reached the internal address"


async def test_signed_webhook_is_verified_by_the_receiver(api, make, tenant, receiver,
                                                          resources):
    endpoint = await create_endpoint(api, tenant, receiver)
    device = await make.device(tenant, name="Press\u2028 7")
    rule = await add_rule(tenant, channels=[])
    alert = await add_alert(tenant, rule, device)
    before = len(receiver.requests)
    _, results = await plan_and_send(resources, tenant, alert)
    assert [r.status for r in results] == ["sent"]
    [request] = receiver.requests[before:]
    assert request.path == "/hooks/factoryops"
    assert request.header("Content-Type") == "application/json"
    assert request.header("X-FactoryOps-Event") == "alert.raised"
    [row] = await rows(tenant, channel="webhook")
    assert request.header("X-FactoryOps-Delivery") == str(row.id)
    assert (row.recipient, row.event, row.webhook_id) == ("CMMS", "raised", endpoint["id"])

    assert receiver_verifies(endpoint["secret"], request)
    document = request.json()
    assert document["event"] == "alert.raised" and document["id"] == row.id
    assert document["factory"] == {"id": tenant.id, "name": tenant.factory.name}
    assert document["alert"]["id"] == alert.id and document["alert"]["severity"] == "critical"
    assert document["alert"]["device"] == {"id": device.id, "name": device.name}
    assert document["alert"]["rule"] == {"id": rule.id, "name": "High power"}
    assert document["alert"]["values"] == {"power_kw": 130.5, "voltage": 231.0}
    assert document["alert"]["url"] == f"{PUBLIC_URL}/machines/{device.id}"

    # The receiver refuses what was changed on the way, signed with another secret, or
    # replayed after the window.
    tampered = type(request)(request.path, request.headers,
                             request.body.replace(b"critical", b"info"))
    assert not receiver_verifies(endpoint["secret"], tampered)
    assert not receiver_verifies("whsec_someone_else", request)
    assert not receiver_verifies(endpoint["secret"], request, window=-1)


async def test_webhooks_retry_with_backoff_and_log_the_endpoints_answer(
        api, make, tenant, receiver, resources):
    await create_endpoint(api, tenant, receiver)
    device = await make.device(tenant)
    alert = await add_alert(tenant, await add_rule(tenant, channels=[]), device)
    receiver.failures.extend([503, 500])
    [delivery_id], [first] = await plan_and_send(resources, tenant, alert)
    second = await send_again(resources, tenant, delivery_id, 10)
    third = await send_again(resources, tenant, delivery_id, 30)
    assert [(r.status, r.retry_in) for r in (first, second, third)] == [
        ("retrying", 2.0), ("retrying", 4.0), ("sent", None)]
    [row] = await rows(tenant, channel="webhook")
    assert (row.status, row.attempts, row.error_code) == ("sent", 3, None)

    # A 4xx is the receiver saying no: not retried, its status code in the log.
    other = await add_alert(tenant, await add_rule(tenant, name="Other", channels=[]), device)
    receiver.failures.append(404)
    _, [refused] = await plan_and_send(resources, tenant, other)
    [row] = await rows(tenant, channel="webhook", alert_id=other.id)
    assert (refused.status, row.status, row.error_code) == ("failed", "failed", "404")
    assert "404" in row.last_error


async def test_endpoints_get_only_their_events_and_only_while_active(
        api, make, tenant, receiver, resources):
    await create_endpoint(api, tenant, receiver, name="Resolved only", events=["resolved"])
    await create_endpoint(api, tenant, receiver, name="Off", events=["raised"],
                          is_active=False)
    device = await make.device(tenant)
    alert = await add_alert(tenant, await add_rule(tenant, channels=[]), device)
    ids, results = await plan_and_send(resources, tenant, alert)
    assert (ids, results) == ([], [])
    assert await rows(tenant, channel="webhook") == []


async def test_slack_and_teams_messages(api, make, tenant, receiver, resources):
    slack = await create_endpoint(api, tenant, receiver, name="Slack", format="slack",
                                  events=["raised"])
    await create_endpoint(api, tenant, receiver, name="Teams", format="teams",
                          events=["raised"])
    device = await make.device(tenant, name="Kiln")
    alert = await add_alert(tenant, await add_rule(tenant, channels=[]), device)
    before = len(receiver.requests)
    await plan_and_send(resources, tenant, alert)
    by_kind = {("attachments" in r.json()): r for r in receiver.requests[before:]}
    slack_body = by_kind[False].json()
    assert set(slack_body) == {"text"}
    assert slack_body["text"].startswith("[CRITICAL] High power on Kiln on Kiln: alert raised")
    assert f"{PUBLIC_URL}/machines/{device.id}" in slack_body["text"]
    assert receiver_verifies(slack["secret"], by_kind[False])
    teams = by_kind[True].json()
    assert teams["type"] == "message"
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["actions"][0] == {"type": "Action.OpenUrl", "title": "Open in FactoryOps",
                                  "url": f"{PUBLIC_URL}/machines/{device.id}"}


async def test_a_test_ping_is_logged_and_signed(api, tenant, receiver, resources):
    endpoint = await create_endpoint(api, tenant, receiver)
    r = await api.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=tenant.headers)
    assert r.status_code == 202, r.text
    queued = r.json()["data"]
    assert (queued["event"], queued["status"], queued["alert_id"]) == ("test", "pending", None)
    before = len(receiver.requests)
    # No broker in this API: the worker's send is run here, as the sweeper would.
    assert (await send_again(resources, tenant, queued["id"])).status == "sent"
    [request] = receiver.requests[before:]
    assert request.json()["event"] == "ping" and request.json()["alert"] is None
    assert receiver_verifies(endpoint["secret"], request)
    log = (await api.get(f"/api/v1/notifications/deliveries?webhook_id={endpoint['id']}",
                         headers=tenant.headers)).json()
    assert [(d["event"], d["status"]) for d in log["data"]] == [("test", "sent")]


async def test_a_test_ping_goes_out_during_an_alert_storm(api, tenant, receiver,
                                                          channel_settings, resources_for):
    """A storm sends an endpoint's alerts as one digest; the ping an admin sends to check
    the endpoint still goes out on its own (the demo's silent meters once held it back)."""
    stormy = await resources_for(channel_settings.model_copy(update={
        "notification_digest_threshold": 0}))  # every alert delivery joins a digest
    endpoint = await create_endpoint(api, tenant, receiver)
    r = await api.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=tenant.headers)
    assert r.status_code == 202, r.text
    before = len(receiver.requests)
    assert (await send_again(stormy, tenant, r.json()["data"]["id"])).status == "sent"
    [request] = receiver.requests[before:]
    assert request.json()["event"] == "ping"


# --- WhatsApp templates --------------------------------------------------------------------
async def test_templates_are_set_per_factory(api, make, tenant, other_tenant):
    setup = (await api.get("/api/v1/whatsapp/setup", headers=tenant.headers)).json()["data"]
    assert setup["provider"] == "meta" and setup["callbacks_verified"] is True
    assert setup["meta_callback_url"] == f"{PUBLIC_URL}/api/v1/callbacks/whatsapp/meta"
    assert setup["twilio_callback_url"] == f"{PUBLIC_URL}/api/v1/callbacks/whatsapp/twilio"
    assert [t["configured"] for t in setup["templates"]] == [False, False, False]
    body = {"templates": [{"purpose": "alert", "meta_name": "factory_alert",
                           "meta_language": "en_US",
                           "twilio_content_sid": "HX" + "a" * 32,
                           "parameters": ["severity", "title", "device", "link"]}]}
    r = await api.put("/api/v1/whatsapp/templates", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    [alert_t, resolved_t, digest_t] = r.json()["data"]["templates"]
    assert (alert_t["purpose"], alert_t["configured"], alert_t["parameters"]) == (
        "alert", True, ["severity", "title", "device", "link"])
    assert not resolved_t["configured"] and not digest_t["configured"]
    other = (await api.get("/api/v1/whatsapp/setup", headers=other_tenant.headers)).json()
    assert not other["data"]["templates"][0]["configured"]

    for bad, code in [
        ({"templates": [{"purpose": "alert", "meta_name": "x"}]}, "INCOMPLETE_TEMPLATE"),
        ({"templates": [{"purpose": "alert"}]}, "INCOMPLETE_TEMPLATE"),
        ({"templates": [{"purpose": "alert", "twilio_content_sid": "HX12"}]},
         "VALIDATION_ERROR"),
        ({"templates": [{"purpose": "alert", "twilio_content_sid": "HX" + "a" * 32,
                         "parameters": ["password"]}]}, "VALIDATION_ERROR"),
        ({"templates": [{"purpose": "alert", "twilio_content_sid": "HX" + "a" * 32}] * 2},
         "VALIDATION_ERROR"),
    ]:
        r = await api.put("/api/v1/whatsapp/templates", json=bad, headers=tenant.headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
    operator = await make.user(tenant.factory, permissions=["manage_rules"])
    r = await api.put("/api/v1/whatsapp/templates", json=body, headers=make.headers(operator))
    assert r.status_code == 403


async def test_without_a_template_whatsapp_fails_visibly(make, tenant, resources, provider):
    device = await make.device(tenant)
    rule = await add_rule(tenant, channels=["whatsapp"], recipients={"phones": ["+4915100000009"]})
    alert = await add_alert(tenant, rule, device)
    attempts = provider.attempts
    _, [result] = await plan_and_send(resources, tenant, alert)
    [row] = await rows(tenant, channel="whatsapp")
    assert (result.status, row.error_code) == ("failed", "NO_TEMPLATE")
    assert provider.attempts == attempts, "no free-form text was sent instead"


# --- status callbacks ----------------------------------------------------------------------
async def sent_whatsapp(make, tenant, resources, provider, message_id: str, phone: str):
    device = await make.device(tenant)
    rule = await add_rule(tenant, name=f"Rule {message_id}", channels=["whatsapp"],
                          recipients={"phones": [phone]})
    alert = await add_alert(tenant, rule, device)
    provider.reply = ({"sid": message_id} if message_id.startswith("SM")
                      else {"messages": [{"id": message_id}]})
    try:
        _, [result] = await plan_and_send(resources, tenant, alert)
    finally:
        provider.reply = {"messages": [{"id": "wamid.test"}]}
    assert result.status == "sent"
    [row] = await rows(tenant, provider_message_id=message_id)
    return row


def meta_status(message_id: str, status: str, **extra) -> bytes:
    item = {"id": message_id, "status": status, "timestamp": str(int(time.time())),
            "recipient_id": "4915100000001", **extra}
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "1098765"},
            "statuses": [item]}}]}]}).encode()


def meta_signed(body: bytes, secret: str = META_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256":
            "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


async def test_meta_subscription_handshake(api, strict_api):
    url = "/api/v1/callbacks/whatsapp/meta"
    ok = await api.get(url, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                    "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert ok.headers["content-type"].startswith("text/plain")
    wrong = await api.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                                       "hub.challenge": "1158201444"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "INVALID_VERIFY_TOKEN"
    unset = await strict_api.get(url, params={"hub.mode": "subscribe",
                                              "hub.verify_token": "", "hub.challenge": "1"})
    assert unset.status_code == 503


async def test_meta_callbacks_move_deliveries_and_refuse_tampering(
        api, strict_api, make, tenant, resources, provider):
    await add_template(tenant)
    row = await sent_whatsapp(make, tenant, resources, provider, "wamid.HBgLNDkxNTE",
                              "+4915100000001")
    url = "/api/v1/callbacks/whatsapp/meta"

    delivered = meta_status(row.provider_message_id, "delivered")
    r = await api.post(url, content=delivered, headers=meta_signed(delivered))
    assert (r.status_code, r.json()["data"]["moved"]) == (200, 1)
    [row] = await rows(tenant, id=row.id)
    assert row.status == "delivered" and row.delivered_at is not None

    # Unsigned, wrongly signed, or changed after signing: refused, nothing moves.
    read = meta_status(row.provider_message_id, "read")
    r = await api.post(url, content=read, headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "SIGNATURE_REQUIRED"
    r = await api.post(url, content=read, headers=meta_signed(read, "not-the-secret"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "INVALID_SIGNATURE"
    r = await api.post(url, content=read, headers=meta_signed(delivered))
    assert r.status_code == 403
    r = await strict_api.post(url, content=read, headers=meta_signed(read))
    assert r.status_code == 503, "refused while the app secret is not configured"
    [row] = await rows(tenant, id=row.id)
    assert row.status == "delivered"

    r = await api.post(url, content=read, headers=meta_signed(read))
    assert r.json()["data"]["moved"] == 1
    # A late or repeated "delivered" never moves a read message back.
    r = await api.post(url, content=delivered, headers=meta_signed(delivered))
    assert r.json()["data"]["moved"] == 0
    [row] = await rows(tenant, id=row.id)
    assert (row.status, row.error_code) == ("read", None) and row.read_at is not None

    failing = await sent_whatsapp(make, tenant, resources, provider, "wamid.FAIL",
                                  "+4915100000002")
    failed = meta_status("wamid.FAIL", "failed", errors=[{
        "code": 131047, "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {"details": "Message failed to send because more than 24 hours have "
                                  "passed since the customer last replied."}}])
    r = await api.post(url, content=failed, headers=meta_signed(failed))
    assert r.json()["data"]["moved"] == 1
    log = (await api.get("/api/v1/notifications/deliveries?channel=whatsapp",
                         headers=tenant.headers)).json()
    shown = {d["id"]: d for d in log["data"]}
    assert (shown[failing.id]["status"], shown[failing.id]["error_code"]) == ("failed", "131047")
    assert shown[failing.id]["last_error"] == "Re-engagement message"
    assert shown[row.id]["status"] == "read" and shown[row.id]["read_at"] is not None


async def test_twilio_status_callbacks_move_deliveries_and_refuse_tampering(
        api, make, tenant, resources_for, provider, channel_settings):
    await add_template(tenant)
    twilio = await resources_for(channel_settings.model_copy(
        update={"whatsapp_provider": "twilio"}))
    row = await sent_whatsapp(make, tenant, twilio, provider, "SM" + "1" * 32,
                              "+4915100000003")
    path = "/api/v1/callbacks/whatsapp/twilio"
    signed_url = PUBLIC_URL + path  # what Twilio signs: the StatusCallback we gave it

    def post(fields: dict[str, str], signature: str | None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return api.post(path, content=urlencode(fields), headers=headers)

    delivered = {"MessageSid": row.provider_message_id, "MessageStatus": "delivered",
                 "AccountSid": "AC123", "From": "whatsapp:+14155238886",
                 "To": "whatsapp:+4915100000003", "ApiVersion": "2010-04-01"}
    good = twilio_signature(TWILIO_TOKEN, signed_url, delivered.items())
    r = await post(delivered, good)
    assert (r.status_code, r.json()["data"]["moved"]) == (200, 1)

    undelivered = {**delivered, "MessageStatus": "undelivered", "ErrorCode": "63016"}
    r = await post(undelivered, None)
    assert r.status_code == 401
    r = await post(undelivered, good)  # the signature of another request
    assert r.status_code == 403 and r.json()["error"]["code"] == "INVALID_SIGNATURE"
    r = await post(undelivered, twilio_signature("wrong-token", signed_url,
                                                 undelivered.items()))
    assert r.status_code == 403
    [row] = await rows(tenant, id=row.id)
    assert row.status == "delivered"

    read = {**delivered, "MessageStatus": "read"}
    r = await post(read, twilio_signature(TWILIO_TOKEN, signed_url, read.items()))
    assert r.json()["data"]["moved"] == 1
    [row] = await rows(tenant, id=row.id)
    assert row.status == "read"


async def test_acknowledging_and_resolving_reach_the_endpoints_that_asked(
        api, make, tenant, receiver, resources):
    told = await create_endpoint(api, tenant, receiver, name="Lifecycle",
                                 events=["acknowledged", "resolved"])
    await create_endpoint(api, tenant, receiver, name="Raised only", events=["raised"])
    device = await make.device(tenant)
    alert = await add_alert(tenant, await add_rule(tenant, channels=[]), device)

    r = await api.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=tenant.headers)
    assert r.status_code == 200, r.text
    # Acknowledging again tells nobody twice.
    await api.post("/api/v1/alerts/acknowledge", json={"ids": [alert.id]},
                   headers=tenant.headers)
    r = await api.post(f"/api/v1/alerts/{alert.id}/resolve", headers=tenant.headers)
    assert r.status_code == 200, r.text
    planned = await rows(tenant, channel="webhook")
    assert [(d.recipient, d.event) for d in planned] == [
        ("Lifecycle", "acknowledged"), ("Lifecycle", "resolved")]

    before = len(receiver.requests)
    for delivery in planned:  # no broker in this API: sent here, as the sweep would
        assert (await send_again(resources, tenant, delivery.id)).status == "sent"
    acknowledged, resolved = (r.json() for r in receiver.requests[before:])
    assert acknowledged["event"] == "alert.acknowledged"
    assert acknowledged["alert"]["status"] == "resolved", "the alert as it is when sent"
    assert acknowledged["alert"]["acknowledged_at"] is not None
    assert resolved["event"] == "alert.resolved" and resolved["alert"]["resolved_at"]
    assert all(receiver_verifies(told["secret"], r) for r in receiver.requests[before:])
