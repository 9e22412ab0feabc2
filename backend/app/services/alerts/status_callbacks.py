"""The WhatsApp providers' status callbacks: checked for the provider's signature, then each
report moves the delivery it names (app.services.alerts.delivery_status). A callback that
is unsigned, wrongly signed, or arrives while the secret to check it is not configured
changes nothing and is refused."""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import AppError, Forbidden, Unauthorized
from app.core.logging import get_logger
from app.models.notification import (
    DELIVERY_DELIVERED,
    DELIVERY_FAILED,
    DELIVERY_READ,
)
from app.repositories.webhook_repo import deliveries_by_provider_id
from app.services.alerts.delivery_status import (
    StatusReport,
    advances,
    meta_reports,
    twilio_report,
)
from app.services.alerts.provider_signatures import (
    meta_signature_valid,
    twilio_signature_valid,
)
from app.services.alerts.senders import CHANNEL_WHATSAPP, twilio_status_callback

log = get_logger(__name__)


class CallbacksNotConfigured(AppError):
    status, code = 503, "CALLBACKS_NOT_CONFIGURED"


def _unsigned() -> Unauthorized:
    return Unauthorized("The callback carries no signature.", code="SIGNATURE_REQUIRED")


def _bad_signature() -> Forbidden:
    return Forbidden("The callback's signature does not match.", code="INVALID_SIGNATURE")


class StatusCallbackService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    def meta_subscription(self, mode: str | None, token: str | None,
                          challenge: str | None) -> str:
        """Meta's handshake: echo the challenge when the verify token is ours."""
        expected = self.settings.whatsapp_verify_token
        if expected is None:
            raise CallbacksNotConfigured("WHATSAPP_VERIFY_TOKEN is not set.")
        if (mode != "subscribe" or not token or challenge is None
                or not hmac.compare_digest(token.encode(),
                                           expected.get_secret_value().encode())):
            raise Forbidden("The verify token does not match.", code="INVALID_VERIFY_TOKEN")
        return challenge

    async def meta_statuses(self, body: bytes, signature: str | None, payload: object) -> int:
        secret = self.settings.whatsapp_app_secret
        if secret is None:
            raise CallbacksNotConfigured("WHATSAPP_APP_SECRET is not set.")
        if not signature:
            raise _unsigned()
        if not meta_signature_valid(secret.get_secret_value(), body, signature):
            log.warning("callback.refused", provider="meta")
            raise _bad_signature()
        return await self._apply(meta_reports(payload))

    async def twilio_status(self, query: str, form: Sequence[tuple[str, str]],
                            signature: str | None) -> int:
        """Twilio signs the URL it called: the StatusCallback each message named (behind a
        proxy the path this process sees may differ), with any query string."""
        url = twilio_status_callback(self.settings) + (f"?{query}" if query else "")
        token = self.settings.twilio_auth_token
        if token is None:
            raise CallbacksNotConfigured("TWILIO_AUTH_TOKEN is not set.")
        if not signature:
            raise _unsigned()
        if not twilio_signature_valid(token.get_secret_value(), url, form, signature):
            log.warning("callback.refused", provider="twilio")
            raise _bad_signature()
        report = twilio_report(dict(form))
        return await self._apply([report] if report else [])

    async def _apply(self, reports: list[StatusReport]) -> int:
        """Moves the deliveries the reports name; returns how many moved."""
        moved = 0
        for report in reports:
            for delivery in await deliveries_by_provider_id(self.session, CHANNEL_WHATSAPP,
                                                            report.message_id):
                if not advances(delivery.status, report.status):
                    continue
                delivery.status = report.status
                if report.status == DELIVERY_DELIVERED:
                    delivery.delivered_at = report.at
                elif report.status == DELIVERY_READ:
                    delivery.read_at = report.at
                    delivery.delivered_at = delivery.delivered_at or report.at
                elif report.status == DELIVERY_FAILED:
                    delivery.error_code = report.error_code
                    delivery.last_error = report.error or "the provider reported a failure"
                moved += 1
                log.info("notification.status", delivery_id=delivery.id,
                         factory_id=delivery.factory_id, status=report.status,
                         error_code=report.error_code)
        await self.session.commit()
        return moved
