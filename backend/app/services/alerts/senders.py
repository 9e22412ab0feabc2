"""The channels a notification leaves by: email over SMTP (aiosmtplib) and WhatsApp through
an HTTP provider (Meta's WhatsApp Cloud API or Twilio). Every failure becomes a
`DeliveryError` that says whether trying again later may help: connection problems, SMTP
4xx and HTTP 429/5xx may; SMTP 5xx and other HTTP 4xx will not."""

from __future__ import annotations

from abc import ABC, abstractmethod
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib
import httpx

from app.core.config import Settings
from app.services.alerts.messages import Message

CHANNEL_EMAIL = "email"
CHANNEL_WHATSAPP = "whatsapp"
CHANNELS = (CHANNEL_EMAIL, CHANNEL_WHATSAPP)

SEND_TIMEOUT_SECONDS = 15.0


class DeliveryError(Exception):
    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:1000]
        self.transient = transient


# --- email ---------------------------------------------------------------------------------
class EmailSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def build(self, to: str, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = message.subject
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


# --- WhatsApp ------------------------------------------------------------------------------
class WhatsAppProvider(ABC):
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @abstractmethod
    async def send(self, to: str, body: str) -> None:
        """Send `body` to the E.164 number `to`; raise `DeliveryError` on failure."""

    async def _post(self, url: str, **kwargs) -> None:
        try:
            response = await self.http.post(url, **kwargs)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"WhatsApp provider unreachable: {exc!r}",
                                transient=True) from exc
        if response.is_success:
            return
        status = response.status_code
        raise DeliveryError(f"WhatsApp provider answered {status}: {response.text[:300]}",
                            transient=status == 429 or status >= 500)


class MetaWhatsApp(WhatsAppProvider):
    """WhatsApp Cloud API: POST {api}/{phone number id}/messages with a bearer token."""

    def __init__(self, http: httpx.AsyncClient, api_url: str, phone_number_id: str,
                 token: str) -> None:
        super().__init__(http)
        self.url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self.token = token

    async def send(self, to: str, body: str) -> None:
        await self._post(self.url, headers={"Authorization": f"Bearer {self.token}"}, json={
            "messaging_product": "whatsapp", "to": to.lstrip("+"), "type": "text",
            "text": {"preview_url": False, "body": body}})


class TwilioWhatsApp(WhatsAppProvider):
    """Twilio's Messages resource, form-encoded, with the account's basic auth."""

    def __init__(self, http: httpx.AsyncClient, api_url: str, account_sid: str,
                 auth_token: str, sender: str) -> None:
        super().__init__(http)
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sender = sender

    async def send(self, to: str, body: str) -> None:
        await self._post(self.url, auth=self.auth, data={
            "From": f"whatsapp:{self.sender}", "To": f"whatsapp:{to}", "Body": body})


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
                                  settings.twilio_whatsapp_from)
    return None


# --- both ----------------------------------------------------------------------------------
class Senders:
    """The process's senders, built once (one HTTP connection pool for WhatsApp)."""

    def __init__(self, settings: Settings) -> None:
        self.http = httpx.AsyncClient(timeout=SEND_TIMEOUT_SECONDS)
        self.email = EmailSender(settings)
        self.whatsapp = build_whatsapp(settings, self.http)

    async def send(self, channel: str, recipient: str, message: Message) -> None:
        if channel == CHANNEL_EMAIL:
            await self.email.send(recipient, message)
        elif channel == CHANNEL_WHATSAPP:
            if self.whatsapp is None:
                raise DeliveryError("WhatsApp is not configured (WHATSAPP_PROVIDER and its "
                                    "credentials)", transient=False)
            await self.whatsapp.send(recipient, message.short)
        else:
            raise DeliveryError(f"unknown channel {channel!r}", transient=False)

    async def close(self) -> None:
        await self.http.aclose()


def senders_for(resources) -> Senders:
    senders = resources.extras.get("notification_senders")
    if senders is None:
        senders = resources.extras["notification_senders"] = Senders(resources.settings)
    return senders
