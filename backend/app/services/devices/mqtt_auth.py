"""Who may connect to the MQTT broker and what they may do there, answered for EMQX's HTTP
authentication and authorization hooks. Authentication says who a client is and nothing more;
every publish and subscribe is then authorized here (EMQX caches an answer per client for a
minute), so that what a device may do follows its current state, and anything not allowed
explicitly is refused, `$`-topics (`$SYS/#`, `$share/...`, `$delayed/...`) included.

A device signs in as `<factory_slug>:<device_key>` (or `<factory_slug>/<device_key>`, the form
Mosquitto's password file can hold) with its token as password, and may publish to its own
telemetry topic only: the topic is derived from the factory and device the token belongs
to, never taken from the request, so one factory's device cannot act for another. The
ingester signs in with MQTT_USERNAME / MQTT_PASSWORD and may only subscribe to telemetry."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.logging import get_logger
from app.core.security import hash_token
from app.models.device import STATUS_DISABLED, Device
from app.models.factory import Factory
from app.repositories.device_repo import DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.schemas.mqtt import AuthenticationResult, AuthorizationResult
from app.services.devices.service import telemetry_topic
from app.services.factories.service import SLUG_PATTERN

log = get_logger(__name__)

TELEMETRY_FILTER = "factories/+/devices/+/telemetry"
# Several ingesters may split the load through a shared subscription of any group name.
_SHARED_TELEMETRY = re.compile(r"^\$share/[^/+#]+/" + re.escape(TELEMETRY_FILTER) + "$")

ALLOW = "allow"
DENY = "deny"


@dataclass(frozen=True)
class DeviceIdentity:
    factory_slug: str
    device_key: str


def parse_device_username(username: str) -> DeviceIdentity | None:
    """Slugs hold neither ':' nor '/', so the first of them ends the slug; the key may hold
    ':' (MAC addresses) but never '/'."""
    cut = min((i for i in (username.find(":"), username.find("/")) if i >= 0), default=-1)
    if cut <= 0:
        return None
    slug, key = username[:cut], username[cut + 1:]
    if not SLUG_PATTERN.match(slug) or not key or "/" in key:
        return None
    return DeviceIdentity(slug, key)


def _log_denial(reason: str, username: str) -> None:
    log.info("mqtt.auth_denied", reason=reason, username=username[:200])


def _not_authenticated(reason: str, username: str) -> AuthenticationResult:
    _log_denial(reason, username)
    return AuthenticationResult(result=DENY)


class MqttAuthService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def authenticate(self, *, clientid: str, username: str, password: str
                           ) -> AuthenticationResult:
        if self._is_ingester(username):
            expected = self.settings.mqtt_password
            if expected is None or not _same(password, expected.get_secret_value()):
                return _not_authenticated("ingester_password", username)
            return AuthenticationResult(result=ALLOW, is_superuser=False)
        found = await self._device(clientid, username)
        if isinstance(found, str):
            return _not_authenticated(found, username)
        _, device = found
        if not password or not _same(hash_token(password), device.token_hash or ""):
            return _not_authenticated("device_token", username)
        return AuthenticationResult(result=ALLOW, is_superuser=False)

    async def authorize(self, *, clientid: str, username: str, topic: str, action: str
                        ) -> AuthorizationResult:
        """One publish or subscribe. The connection was authenticated already; the device is
        looked up again so that a device disabled since then is cut off. A device may publish
        to its own telemetry topic, the ingester subscribe to telemetry: nothing else."""
        if self._is_ingester(username):
            allowed = action == "subscribe" and (
                topic == TELEMETRY_FILTER or _SHARED_TELEMETRY.match(topic) is not None)
            return AuthorizationResult(result=ALLOW if allowed else DENY)
        found = await self._device(clientid, username)
        if isinstance(found, str):
            _log_denial(found, username)
            return AuthorizationResult(result=DENY)
        factory, device = found
        allowed = action == "publish" and topic == telemetry_topic(factory.slug,
                                                                   device.device_key)
        return AuthorizationResult(result=ALLOW if allowed else DENY)

    # -- internals -------------------------------------------------------------------------
    def _is_ingester(self, username: str) -> bool:
        ingester = self.settings.mqtt_username
        return bool(ingester) and _same(username, ingester)

    async def _device(self, clientid: str, username: str) -> tuple[Factory, Device] | str:
        """The device signing in, or why it may not."""
        identity = parse_device_username(username)
        if identity is None:
            return "username_format"
        # The broker keeps one connection per client id: another device's id would take
        # that device's connection over.
        if clientid != username:
            return "client_id_mismatch"
        factory = await FactoryRepository(self.session).get_by_slug(identity.factory_slug)
        if factory is None:
            return "unknown_factory"
        device = await DeviceRepository(self.session, factory.id).get_by_key(
            identity.device_key)
        if device is None:
            return "unknown_device"
        if device.status == STATUS_DISABLED or not device.is_active:
            return "device_disabled"
        if not device.token_hash:
            return "no_token"
        return factory, device


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
