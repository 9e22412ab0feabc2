"""The channels a notification leaves by: email over SMTP (aiosmtplib), WhatsApp template
messages through an HTTP provider (Meta's WhatsApp Cloud API or Twilio) and signed webhooks.
Every failure becomes a `DeliveryError` that says whether trying again later may help:
connection problems, SMTP 4xx and HTTP 429/5xx may; SMTP 5xx and other HTTP 4xx will not."""

from __future__ import annotations

from abc import ABC, abstractmethod
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import aiosmtplib
import httpx

from app.core.config import Settings
from app.core.safe_text import clean_name
from app.models.webhook import WebhookEndpoint
from app.services.alerts import webhook_signing
from app.services.alerts.destinations import DestinationRefused, pinned_request, resolve
from app.services.alerts.messages import Message
from app.services.alerts.whatsapp_templates import (
    TemplateChoice,
    meta_template_message,
    twilio_content_form,
)

CHANNEL_EMAIL = "email"
CHANNEL_WHATSAPP = "whatsapp"
CHANNEL_WEBHOOK = "webhook"
# Channels a rule chooses; webhooks are the factory's endpoints, chosen by event.
CHANNELS = (CHANNEL_EMAIL, CHANNEL_WHATSAPP)

TWILIO_STATUS_PATH = "/api/v1/callbacks/whatsapp/twilio"
WEBHOOK_USER_AGENT = "FactoryOps-Webhooks/1"

SEND_TIMEOUT_SECONDS = 15.0


class DeliveryError(Exception):
    """`code`: the provider's or endpoint's own error code, shown in the delivery log."""

    def __init__(self, reason: str, *, transient: bool, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason[:1000]
        self.transient = transient
        self.code = code[:32] if code else None


# --- email ---------------------------------------------------------------------------------
class EmailSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def build(self, to: str, message: Message) -> EmailMessage:
        email = EmailMessage()
        # A name with a line break (or U+2028) would make the header raise: the subject is
        # one line whatever the rule, device or factory is called.
        email["Subject"] = clean_name(message.subject)
        email["From"] = self.settings.smtp_from
        email["To"] = to
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain="factoryops")
        email.set_content(message.text)
        email.add_alternative(message.html, subtype="html")
        return email

    async def send(self, to: str, message: Message) -> None:
        s = self.settings
        if not s.smtp_host:
            raise DeliveryError("email is not configured (SMTP_HOST is empty)",
                                transient=False)
        try:
            await aiosmtplib.send(
                self.build(to, message), hostname=s.smtp_host, port=s.smtp_port,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                use_tls=s.smtp_ssl, start_tls=s.smtp_starttls,
                timeout=SEND_TIMEOUT_SECONDS)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            raise DeliveryError(f"recipient refused: {exc}",
                                transient=any(400 <= c < 500 for c in codes)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.code}: {exc.message}",
                                transient=400 <= exc.code < 500) from exc
        # Connection failures, timeouts and disconnects are all OSErrors in aiosmtplib.
        except (OSError, TimeoutError) as exc:
            raise DeliveryError(f"SMTP server unreachable: {exc}", transient=True) from exc
        except aiosmtplib.SMTPException as exc:
            raise DeliveryError(f"SMTP error: {exc}", transient=False) from exc
        except ValueError as exc:  # an address or header the email package refuses
            raise DeliveryError(f"message refused: {exc}", transient=False) from exc


# --- WhatsApp ------------------------------------------------------------------------------
def _error_code(response: httpx.Response) -> str | None:
    """Meta answers `{"error": {"code": 131047, ...}}`, Twilio `{"code": 63016, ...}`."""
    try:
        document: Any = response.json()
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    error = document.get("error")
    code = error.get("code") if isinstance(error, dict) else document.get("code")
    return str(code) if code is not None else None


class WhatsAppProvider(ABC):
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @abstractmethod
    async def send(self, to: str, template: TemplateChoice) -> str | None:
        """Send the template to the E.164 number `to` and return the provider's message id;
        raise `DeliveryError` on failure."""

    async def _post(self, url: str, **kwargs) -> Any:
        try:
            response = await self.http.post(url, **kwargs)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"WhatsApp provider unreachable: {exc!r}",
                                transient=True) from exc
        status = response.status_code
        if not response.is_success:
            raise DeliveryError(f"WhatsApp provider answered {status}: {response.text[:300]}",
                                transient=status == 429 or status >= 500,
                                code=_error_code(response) or str(status))
        try:
            return response.json()
        except ValueError:
            return None


class MetaWhatsApp(WhatsAppProvider):
    """WhatsApp Cloud API: POST {api}/{phone number id}/messages with a bearer token; the
    answer names the message (`messages[0].id`, a "wamid."), which status webhooks cite."""

    def __init__(self, http: httpx.AsyncClient, api_url: str, phone_number_id: str,
                 token: str) -> None:
        super().__init__(http)
        self.url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self.token = token

    async def send(self, to: str, template: TemplateChoice) -> str | None:
        if not (template.meta_name and template.meta_language):
            raise DeliveryError("no approved WhatsApp template is set for this factory "
                                "(Settings → WhatsApp templates: name and language)",
                                transient=False, code="NO_TEMPLATE")
        answer = await self._post(
            self.url, headers={"Authorization": f"Bearer {self.token}"},
            json=meta_template_message(to, template.meta_name, template.meta_language,
                                       template.values))
        messages = answer.get("messages") if isinstance(answer, dict) else None
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id") or "") or None
        return None


class TwilioWhatsApp(WhatsAppProvider):
    """Twilio's Messages resource, form-encoded, with the account's basic auth; a Content
    Template by its SID, and a StatusCallback to report delivery. The answer's `sid` names
    the message in those callbacks."""

    def __init__(self, http: httpx.AsyncClient, api_url: str, account_sid: str,
                 auth_token: str, sender: str, status_callback: str) -> None:
        super().__init__(http)
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sender = sender
        self.status_callback = status_callback

    async def send(self, to: str, template: TemplateChoice) -> str | None:
        if not template.twilio_content_sid:
            raise DeliveryError("no Twilio Content Template is set for this factory "
                                "(Settings → WhatsApp templates: content SID)",
                                transient=False, code="NO_TEMPLATE")
        answer = await self._post(self.url, auth=self.auth, data=twilio_content_form(
            self.sender, to, template.twilio_content_sid, template.values,
            self.status_callback))
        sid = answer.get("sid") if isinstance(answer, dict) else None
        return str(sid) if sid else None


def twilio_status_callback(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + TWILIO_STATUS_PATH


def build_whatsapp(settings: Settings, http: httpx.AsyncClient) -> WhatsAppProvider | None:
    """The configured provider, or None when WhatsApp is off or incompletely configured."""
    if settings.whatsapp_provider == "meta":
        if settings.whatsapp_token and settings.whatsapp_phone_number_id:
            return MetaWhatsApp(http, settings.whatsapp_api_url,
                                settings.whatsapp_phone_number_id,
                                settings.whatsapp_token.get_secret_value())
    elif settings.whatsapp_provider == "twilio":
        if (settings.twilio_account_sid and settings.twilio_auth_token
                and settings.twilio_whatsapp_from):
            return TwilioWhatsApp(http, settings.twilio_api_url,
                                  settings.twilio_account_sid,
                                  settings.twilio_auth_token.get_secret_value(),
                                  settings.twilio_whatsapp_from,
                                  twilio_status_callback(settings))
    return None


# --- webhooks ------------------------------------------------------------------------------
class WebhookSender:
    """POSTs a signed body to an endpoint, at the address checked just before
    (app.services.alerts.destinations). Redirects are not followed: a redirect could lead
    anywhere, past the check."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.http = http

    async def send(self, endpoint: WebhookEndpoint, *, delivery_id: int, event: str,
                   body: bytes) -> None:
        try:
            destination = await resolve(
                endpoint.url, allow_private=self.settings.webhook_allow_private_destinations)
        except DestinationRefused as exc:
            raise DeliveryError(exc.reason, transient=exc.transient, code=exc.code) from exc
        url, headers, extensions = pinned_request(destination)
        headers.update({
            "Content-Type": "application/json",
            "User-Agent": WEBHOOK_USER_AGENT,
            webhook_signing.EVENT_HEADER: event,
            webhook_signing.DELIVERY_HEADER: str(delivery_id),
            webhook_signing.SIGNATURE_HEADER: webhook_signing.signature_header(
                endpoint.secret, body),
        })
        try:
            # Streamed, so an endpoint answering with a huge body costs us at most a
            # kilobyte of it.
            async with self.http.stream("POST", url, content=body, headers=headers,
                                        extensions=extensions,
                                        follow_redirects=False) as response:
                status = response.status_code
                if 200 <= status < 300:
                    return
                excerpt = await _first_bytes(response, 1024)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook endpoint unreachable: {exc!r}",
                                transient=True) from exc
        raise DeliveryError(f"webhook endpoint answered {status}: {excerpt[:300]}",
                            transient=status in (408, 425, 429) or status >= 500,
                            code=str(status))


async def _first_bytes(response: httpx.Response, limit: int) -> str:
    read = b""
    async for chunk in response.aiter_raw():
        read += chunk
        if len(read) >= limit:
            break
    return read[:limit].decode("utf-8", "replace")


# --- all -----------------------------------------------------------------------------------
class Senders:
    """The process's senders, built once (one HTTP connection pool for WhatsApp and
    webhooks)."""

    def __init__(self, settings: Settings) -> None:
        self.http = httpx.AsyncClient(timeout=SEND_TIMEOUT_SECONDS)
        self.email = EmailSender(settings)
        self.whatsapp = build_whatsapp(settings, self.http)
        self.webhooks = WebhookSender(settings, self.http)

    async def send(self, channel: str, recipient: str, message: Message,
                   template: TemplateChoice | None = None) -> str | None:
        """Send one message; returns the provider's message id where it gives one."""
        if channel == CHANNEL_EMAIL:
            await self.email.send(recipient, message)
            return None
        if channel == CHANNEL_WHATSAPP:
            if self.whatsapp is None:
                raise DeliveryError("WhatsApp is not configured (WHATSAPP_PROVIDER and its "
                                    "credentials)", transient=False)
            if template is None:
                raise DeliveryError("no WhatsApp template is set for this factory",
                                    transient=False, code="NO_TEMPLATE")
            return await self.whatsapp.send(recipient, template)
        raise DeliveryError(f"unknown channel {channel!r}", transient=False)

    async def close(self) -> None:
        await self.http.aclose()


def senders_for(resources) -> Senders:
    senders = resources.extras.get("notification_senders")
    if senders is None:
        senders = resources.extras["notification_senders"] = Senders(resources.settings)
    return senders
