"""The pure parts of the alert channels: provider signatures (Twilio's published example),
webhook signatures and their replay window, status reports and how they move a delivery,
template payloads in each provider's documented shape, and which destinations are internal."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json

import pytest

from app.services.alerts import webhook_signing
from app.services.alerts.delivery_status import advances, meta_reports, twilio_report
from app.services.alerts.destinations import (
    Destination,
    DestinationRefused,
    is_internal,
    pinned_request,
    split_url,
)
from app.services.alerts.provider_signatures import (
    meta_signature_valid,
    twilio_signature,
    twilio_signature_valid,
)
from app.services.alerts.whatsapp_templates import (
    meta_template_message,
    parameter_text,
    template_values,
    twilio_content_form,
)

# --- provider signatures -------------------------------------------------------------------
TWILIO_EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_EXAMPLE_PARAMS = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"),
                         ("Digits", "1234"), ("From", "+12349013030"), ("To", "+18005551212")]


def test_twilio_signature_matches_the_published_example():
    assert twilio_signature("12345", TWILIO_EXAMPLE_URL,
                            TWILIO_EXAMPLE_PARAMS) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    shuffled = list(reversed(TWILIO_EXAMPLE_PARAMS))
    assert twilio_signature_valid("12345", TWILIO_EXAMPLE_URL, shuffled,
                                  "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


@pytest.mark.parametrize("header, params, url", [
    (None, TWILIO_EXAMPLE_PARAMS, TWILIO_EXAMPLE_URL),
    ("", TWILIO_EXAMPLE_PARAMS, TWILIO_EXAMPLE_URL),
    ("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TWILIO_EXAMPLE_PARAMS[:-1] + [("To", "+1800555")],
     TWILIO_EXAMPLE_URL),
    ("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TWILIO_EXAMPLE_PARAMS, "https://evil.example/myapp.php"),
])
def test_twilio_signature_refuses_missing_or_tampered(header, params, url):
    assert not twilio_signature_valid("12345", url, params, header)


def test_meta_signature_is_hmac_sha256_of_the_raw_body():
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert meta_signature_valid("app-secret", body, good)
    assert not meta_signature_valid("app-secret", body + b" ", good)
    assert not meta_signature_valid("other-secret", body, good)
    assert not meta_signature_valid("app-secret", body, good.removeprefix("sha256="))
    assert not meta_signature_valid("app-secret", body, None)


# --- webhook signatures --------------------------------------------------------------------
def test_webhook_signature_covers_timestamp_and_body():
    secret = webhook_signing.new_secret()
    body = b'{"event":"alert.raised"}'
    header = webhook_signing.signature_header(secret, body, timestamp=1_800_000_000)
    expected = hmac.new(secret.encode(), b"1800000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1800000000,v1={expected}"
    assert webhook_signing.verify(secret, header, body, now=1_800_000_100)
    # Another body, another secret, or the same request replayed after the window: refused.
    assert not webhook_signing.verify(secret, header, body + b" ", now=1_800_000_100)
    assert not webhook_signing.verify(webhook_signing.new_secret(), header, body,
                                      now=1_800_000_100)
    assert not webhook_signing.verify(secret, header, body, now=1_800_000_301)
    # Moving the timestamp into the window breaks the signature.
    moved = header.replace("t=1800000000", "t=1800000200")
    assert not webhook_signing.verify(secret, moved, body, now=1_800_000_300)
    assert not webhook_signing.verify(secret, None, body)
    assert not webhook_signing.verify(secret, "v1=abc", body)


# --- status reports ------------------------------------------------------------------------
def test_reports_only_move_deliveries_forward():
    assert advances("sent", "delivered") and advances("delivered", "read")
    assert advances("sent", "failed") and advances("sent", "read")
    # A device that failed after another received it leaves the message delivered.
    assert not advances("delivered", "failed") and not advances("read", "delivered")
    assert advances("failed", "delivered")
    assert not advances("read", "read") and not advances("sent", "sent")
    # Deliveries not yet accepted by the provider are not moved by callbacks.
    assert not advances("pending", "delivered") and not advances("retrying", "read")


def test_meta_status_webhook_is_read_as_documented():
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
        "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "1065"},
            "statuses": [
                {"id": "wamid.A", "status": "delivered", "timestamp": "1750263773",
                 "recipient_id": "4915100000001"},
                {"id": "wamid.B", "status": "failed", "timestamp": "1750263774",
                 "recipient_id": "4915100000002",
                 "errors": [{"code": 131047, "title": "Re-engagement message",
                             "message": "Re-engagement message"}]},
                {"id": "wamid.C", "status": "deleted", "timestamp": "1750263775"},
            ]}}]}]}
    delivered, failed = meta_reports(payload)
    assert (delivered.message_id, delivered.status, delivered.at.timestamp()) == (
        "wamid.A", "delivered", 1750263773)
    assert (failed.message_id, failed.status, failed.error_code, failed.error) == (
        "wamid.B", "failed", "131047", "Re-engagement message")
    assert meta_reports({"entry": "nonsense"}) == [] and meta_reports(None) == []


def test_twilio_status_callback_is_read_as_documented():
    report = twilio_report({"MessageSid": "SM0123", "MessageStatus": "undelivered",
                            "ErrorCode": "63016", "AccountSid": "AC1"})
    assert (report.message_id, report.status, report.error_code) == (
        "SM0123", "failed", "63016")
    assert twilio_report({"MessageSid": "SM0123", "MessageStatus": "read"}).status == "read"
    assert twilio_report({"MessageSid": "SM0123", "MessageStatus": "queued"}) is None


# --- template payloads ---------------------------------------------------------------------
def test_meta_template_message_shape():
    assert meta_template_message("+4915100000001", "factory_alert", "en_US",
                                 ("CRITICAL", "Press 7")) == {
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "4915100000001", "type": "template",
        "template": {"name": "factory_alert", "language": {"code": "en_US"},
                     "components": [{"type": "body", "parameters": [
                         {"type": "text", "text": "CRITICAL"},
                         {"type": "text", "text": "Press 7"}]}]}}
    assert "components" not in meta_template_message("+1", "hello", "en", ())["template"]


def test_twilio_content_form_shape():
    form = twilio_content_form("+14155238886", "+4915100000001",
                               "HXb5b62575e6e4ff6129ad7c8efe1f983e", ("CRITICAL", "Presse Ü"),
                               "https://ops.example.com/api/v1/callbacks/whatsapp/twilio")
    assert form == {
        "From": "whatsapp:+14155238886", "To": "whatsapp:+4915100000001",
        "ContentSid": "HXb5b62575e6e4ff6129ad7c8efe1f983e",
        "ContentVariables": '{"1": "CRITICAL", "2": "Presse Ü"}',
        "StatusCallback": "https://ops.example.com/api/v1/callbacks/whatsapp/twilio"}
    assert json.loads(form["ContentVariables"]) == {"1": "CRITICAL", "2": "Presse Ü"}


def test_template_variables_are_one_line_and_never_empty():
    # Meta refuses variables with line breaks, tabs or runs of spaces (error 132018).
    assert parameter_text("Press\n7\u2028line\tB      end") == "Press 7 line B end"
    assert parameter_text("") == "-" and parameter_text(None) == "-"
    assert len(parameter_text("x" * 2000)) == 500
    assert template_values(["title", "device", "count"], {"title": "Hot", "device": "P7"}) == (
        "Hot", "P7", "-")


# --- destinations --------------------------------------------------------------------------
@pytest.mark.parametrize("address, internal", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.9", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True), ("::1", True),
    ("fe80::1", True), ("fd00::1", True), ("::ffff:127.0.0.1", True), ("224.0.0.1", True),
    ("93.184.216.34", False), ("2606:2800:220:1:248:1893:25c8:1946", False),
])
def test_internal_addresses(address, internal):
    assert is_internal(ipaddress.ip_address(address)) is internal


@pytest.mark.parametrize("url", ["ftp://example.com/x", "example.com/hook", "https://",
                                 "https://user:pw@example.com/hook", "http://[::1/x"])
def test_malformed_webhook_urls(url):
    with pytest.raises(DestinationRefused) as refused:
        split_url(url)
    assert refused.value.code == "INVALID_WEBHOOK_URL"


def test_requests_go_to_the_checked_address_under_the_endpoints_name():
    https = Destination("https://hooks.example.com/a?b=1", "hooks.example.com",
                        ipaddress.ip_address("93.184.216.34"))
    assert pinned_request(https) == ("https://93.184.216.34/a?b=1",
                                     {"Host": "hooks.example.com"},
                                     {"sni_hostname": "hooks.example.com"})
    v6 = Destination("http://hooks.example.com:8080/", "hooks.example.com",
                     ipaddress.ip_address("2606:2800:220:1::1"))
    assert pinned_request(v6) == ("http://[2606:2800:220:1::1]:8080/",
                                  {"Host": "hooks.example.com:8080"}, {})
