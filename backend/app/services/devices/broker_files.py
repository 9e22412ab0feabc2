"""Mosquitto's `password_file` and `acl_file` from the device registry, for sites that run
Mosquitto instead of EMQX: each device may write to its own telemetry topic only, the
ingester (MQTT_USERNAME) may read every factory's telemetry.

Mosquitto splits a password-file line at its first ':', so a device signs in there as
`<factory_slug>/<device_key>`; a device whose key holds ':' cannot be listed at all and is
reported as skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import BadRequest
from app.core.security import mosquitto_password_hash
from app.repositories.device_repo import DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.services.devices.mqtt_auth import TELEMETRY_FILTER
from app.services.devices.service import telemetry_topic


def mosquitto_username(factory_slug: str, device_key: str) -> str:
    return f"{factory_slug}/{device_key}"


@dataclass
class MosquittoFiles:
    password_file: str
    acl_file: str
    devices: int = 0
    skipped: list[str] = field(default_factory=list)


async def build_mosquitto_files(session: AsyncSession, settings: Settings) -> MosquittoFiles:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    header = (f"# Written by `factoryops mosquitto-auth` at {stamp} from the device registry.\n"
              "# Edits are lost on the next run; reload the broker (SIGHUP) after each run.\n")
    passwords = [header]
    acl = [header]
    if settings.mqtt_username and settings.mqtt_password:
        if ":" in settings.mqtt_username:
            raise BadRequest("MQTT_USERNAME must not contain ':' (Mosquitto's password file "
                             "splits lines at the first ':').", code="INVALID_MQTT_USERNAME")
        passwords.append(f"{settings.mqtt_username}:"
                         f"{mosquitto_password_hash(settings.mqtt_password.get_secret_value())}\n")
        acl.append(f"\n# the ingester\nuser {settings.mqtt_username}\n"
                   f"topic read {TELEMETRY_FILTER}\n")
    files = MosquittoFiles("", "")
    for factory in await FactoryRepository(session).all():
        for device in await DeviceRepository(session, factory.id).with_broker_password():
            username = mosquitto_username(factory.slug, device.device_key)
            if ":" in device.device_key:
                files.skipped.append(username)
                continue
            passwords.append(f"{username}:{device.mosquitto_password_hash}\n")
            acl.append(f"\nuser {username}\n"
                       f"topic write {telemetry_topic(factory.slug, device.device_key)}\n")
            files.devices += 1
    files.password_file = "".join(passwords)
    files.acl_file = "".join(acl)
    return files
