"""Devices and their discovered parameters: registration with MQTT credentials, approval,
deactivation, token rotation, deletion with their data, and parameter curation."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, ServiceUnavailable, not_found
from app.core.logging import get_logger
from app.core.security import hash_token, mosquitto_password_hash, new_secret_token
from app.models.device import STATUS_ACTIVE, STATUS_DISABLED, Device
from app.models.device_parameter import DeviceParameter
from app.models.factory import Factory
from app.repositories.device_repo import DeviceFilters, DeviceParameterRepository, DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.repositories.retired_device_key_repo import RetiredDeviceKeyRepository
from app.schemas.common import PageParams
from app.schemas.device import (
    DeviceCreate,
    DeviceCredentials,
    DeviceRead,
    DeviceUpdate,
    DeviceWithCredentials,
    LatestRead,
    ParameterBulkUpdate,
    ParameterRead,
    ParameterUpdate,
)
from app.services.audit.service import AuditService
from app.services.devices.broker_sessions import broker_sessions_for, device_client_ids
from app.services.factories.service import online_threshold_seconds
from app.stores.resources import Resources
from app.stores.timeseries.base import LatestValue, TimeSeriesQueryError, TimeSeriesUnavailable

log = get_logger(__name__)

EXAMPLE_PAYLOAD = '{"metrics": {"power_kw": 42.5}}'


def telemetry_topic(factory_slug: str, device_key: str) -> str:
    return f"factories/{factory_slug}/devices/{device_key}/telemetry"


def mqtt_identity(factory_slug: str, device_key: str) -> str:
    """Client id and username of a device. `/` separates them because it can appear in
    neither a slug nor a device key, and Mosquitto (unlike EMQX) refuses `:` in user names;
    the broker authentication also accepts the older `slug:key` form."""
    return f"{factory_slug}/{device_key}"


@dataclass(frozen=True)
class DeviceQuery:
    q: str | None = None
    status: str | None = None
    type: str | None = None
    area: str | None = None
    online: bool | None = None
    sort: str = "name"


class DeviceService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int, *,
                 actor_id: int | None = None, client_ip: str | None = None) -> None:
        self.session = session
        self.resources = resources
        self.settings = resources.settings
        self.factory_id = factory_id
        self.devices = DeviceRepository(session, factory_id)
        self.parameters = DeviceParameterRepository(session, factory_id)
        self.retired_keys = RetiredDeviceKeyRepository(session, factory_id)
        self.audit = AuditService(session, factory_id)
        self.actor_id = actor_id
        self.client_ip = client_ip
        self._factory: Factory | None = None

    # -- devices ---------------------------------------------------------------------------
    async def load(self, device_id: int) -> Device:
        device = await self.devices.get(device_id)
        if device is None:
            raise not_found("device")
        return device

    async def search(self, query: DeviceQuery, page: PageParams
                   ) -> tuple[list[DeviceRead], int]:
        online_since = await self._online_since() if query.online is not None else None
        filters = DeviceFilters(q=query.q, status=query.status, type=query.type,
                                area=query.area, online=query.online, online_since=online_since)
        devices, total = await self.devices.list_page(filters, query.sort, offset=page.offset,
                                                      limit=page.per_page)
        return await self._views(devices), total

    async def read(self, device: Device) -> DeviceRead:
        return (await self._views([device]))[0]

    async def create(self, body: DeviceCreate) -> DeviceWithCredentials:
        factory = await self._get_factory()
        token = new_secret_token()
        now = datetime.now(UTC)
        device = self.devices.add(Device(
            device_key=body.device_key, name=body.name, type=body.type,
            location=body.location, area=body.area, manufacturer=body.manufacturer,
            model=body.model, meta=body.metadata, status=STATUS_ACTIVE, is_active=True,
            token_hash=hash_token(token), mosquitto_password_hash=mosquitto_password_hash(token),
            token_rotated_at=now, created_at=now, updated_at=now))
        try:
            # The unique key decides, not a prior lookup: two concurrent registrations of the
            # same key cannot both pass.
            await self.session.flush()
        except IntegrityError as exc:
            await self.session.rollback()
            raise Conflict(f"A device with key {body.device_key!r} exists in this factory.",
                           code="DEVICE_EXISTS", details={"device_key": body.device_key}
                           ) from exc
        self._record("device.created", device, {"device_key": device.device_key,
                                                "name": device.name})
        # Registering a deleted device's key by hand ends its grace period.
        await self.retired_keys.forget(device.device_key)
        await self.session.commit()
        log.info("device.created", device_id=device.id, device_key=device.device_key)
        return DeviceWithCredentials(device=await self.read(device),
                                     credentials=self._credentials(factory, device, token))

    async def update(self, device: Device, body: DeviceUpdate) -> DeviceRead:
        changes = body.model_dump(exclude_unset=True)
        if "metadata" in changes:
            device.meta = changes.pop("metadata")
        status = changes.pop("status", None)
        for field, value in changes.items():
            setattr(device, field, value)
        if status is not None:
            self._set_status(device, status)
        details: dict[str, Any] = {"fields": sorted(body.model_fields_set)}
        if status is not None:
            details["status"] = status
        self._record("device.updated", device, details)
        await self.session.commit()
        log.info("device.updated", device_id=device.id, fields=sorted(body.model_fields_set))
        if status == STATUS_DISABLED:
            await self._end_session(device.device_key)
        return await self.read(device)

    async def set_enabled(self, device: Device, enabled: bool) -> DeviceRead:
        self._set_status(device, STATUS_ACTIVE if enabled else STATUS_DISABLED)
        self._record("device.activated" if enabled else "device.deactivated", device,
                     {"device_key": device.device_key})
        await self.session.commit()
        log.info("device.activated" if enabled else "device.deactivated", device_id=device.id)
        if not enabled:
            await self._end_session(device.device_key)
        return await self.read(device)

    async def rotate_token(self, device: Device) -> DeviceWithCredentials:
        factory = await self._get_factory()
        token = new_secret_token()
        device.token_hash = hash_token(token)
        device.mosquitto_password_hash = mosquitto_password_hash(token)
        device.token_rotated_at = datetime.now(UTC)
        self._record("device.token_rotated", device, {"device_key": device.device_key})
        await self.session.commit()
        log.info("device.token_rotated", device_id=device.id)
        # The session signed in with the old token: it must sign in again with the new one.
        await self._end_session(device.device_key)
        return DeviceWithCredentials(device=await self.read(device),
                                     credentials=self._credentials(factory, device, token))

    async def delete(self, device: Device) -> None:
        device_id, device_key = device.id, device.device_key
        # Time series first: if the store is down, answer 503 with nothing deleted, so that
        # retrying later finishes the job instead of leaving points nobody can reach.
        try:
            await self.resources.timeseries.delete_device(self.factory_id, device_id)
        except TimeSeriesUnavailable as exc:
            raise ServiceUnavailable("The time-series store is unavailable; the device was "
                                     "not deleted. Try again shortly.",
                                     code="TIMESERIES_UNAVAILABLE") from exc
        except TimeSeriesQueryError as exc:
            # A backend that cannot delete one series keeps the points until retention
            # removes them; that must not block removing the device.
            log.warning("device.series_not_deleted", device_id=device_id, error=str(exc))
        await self.parameters.delete_for_device(device_id)
        self._record("device.deleted", device, {"device_key": device.device_key,
                                                "name": device.name})
        await self.devices.delete(device)
        await self.retired_keys.retire(device_key, datetime.now(UTC))
        await self.session.commit()
        await self._end_session(device_key)
        try:
            await self.resources.latest.forget_device(self.factory_id, device_id)
        except Exception as exc:  # a stale cache entry of a deleted id is harmless
            log.warning("device.latest_not_forgotten", device_id=device_id, error=str(exc))
        log.info("device.deleted", device_id=device_id, device_key=device_key)

    # -- parameters ------------------------------------------------------------------------
    async def load_parameter(self, device: Device, parameter_id: int) -> DeviceParameter:
        parameter = await self.parameters.get_for_device(device.id, parameter_id)
        if parameter is None:
            raise not_found("parameter")
        return parameter

    async def list_parameters(self, device: Device, page: PageParams
                              ) -> tuple[list[ParameterRead], int]:
        parameters, total = await self.parameters.list_for_device(
            device.id, offset=page.offset, limit=page.per_page)
        return await self._parameter_views(device, parameters), total

    async def update_parameter(self, device: Device, parameter: DeviceParameter,
                               body: ParameterUpdate) -> ParameterRead:
        _apply(parameter, body.model_dump(exclude_unset=True))
        await self.session.commit()
        log.info("device.parameter_updated", device_id=device.id, parameter_id=parameter.id)
        return (await self._parameter_views(device, [parameter]))[0]

    async def update_parameters(self, device: Device, body: ParameterBulkUpdate
                                ) -> list[ParameterRead]:
        ids = [item.id for item in body.items]
        parameters = await self.parameters.get_many_for_device(device.id, ids)
        by_id = {p.id: p for p in parameters}
        missing = [i for i in ids if i not in by_id]
        if missing:
            # All or nothing: nothing has been changed yet.
            error = not_found("parameter")
            error.details = {"missing_ids": missing}
            raise error
        for item in body.items:
            _apply(by_id[item.id], item.model_dump(exclude_unset=True, exclude={"id"}))
        await self.session.commit()
        log.info("device.parameters_updated", device_id=device.id, count=len(ids))
        return await self._parameter_views(device, parameters)

    # -- internals -------------------------------------------------------------------------
    async def _get_factory(self) -> Factory:
        if self._factory is None:
            self._factory = await FactoryRepository(self.session).get(self.factory_id)
            if self._factory is None:
                raise not_found("factory")
        return self._factory

    async def _online_since(self) -> datetime:
        seconds = online_threshold_seconds(await self._get_factory(),
                                           self.settings.device_online_seconds)
        return datetime.now(UTC) - timedelta(seconds=seconds)

    async def _views(self, devices: Sequence[Device]) -> list[DeviceRead]:
        if not devices:
            return []
        online_since = await self._online_since()
        counts = await self.parameters.counts_by_device([d.id for d in devices])
        return [_device_view(d, counts.get(d.id, 0), online_since) for d in devices]

    async def _parameter_views(self, device: Device, parameters: Sequence[DeviceParameter]
                               ) -> list[ParameterRead]:
        if not parameters:
            return []
        latest = await self.resources.latest.get(self.factory_id, device.id)
        return [_parameter_view(p, latest.get(p.parameter_key)) for p in parameters]

    async def _end_session(self, device_key: str) -> None:
        """Closes the device's live broker session (committed changes only: a device that
        reconnects at once must already meet the new state)."""
        factory = await self._get_factory()
        await broker_sessions_for(self.resources).disconnect(
            device_client_ids(factory.slug, device_key))

    def _credentials(self, factory: Factory, device: Device, token: str) -> DeviceCredentials:
        host = self.settings.mqtt_public_host or self.settings.mqtt_host
        port = self.settings.mqtt_public_port or self.settings.mqtt_port
        tls = self.settings.mqtt_public_tls
        topic = telemetry_topic(factory.slug, device.device_key)
        identity = mqtt_identity(factory.slug, device.device_key)
        # mosquitto_pub speaks TLS once told which authorities to trust: the system's.
        transport = ["--capath", "/etc/ssl/certs"] if tls else []
        example = shlex.join([
            "mosquitto_pub", "-h", host, "-p", str(port), *transport, "-i", identity,
            "-u", identity, "-P", token, "-q", "1", "-t", topic, "-m", EXAMPLE_PAYLOAD,
        ])
        return DeviceCredentials(mqtt_host=host, mqtt_port=port, tls=tls, topic=topic,
                                 client_id=identity, username=identity, password=token,
                                 example=example)

    def _record(self, action: str, device: Device, details: dict[str, Any]) -> None:
        self.audit.record(self.actor_id, action, "device", device.id, details, self.client_ip)

    @staticmethod
    def _set_status(device: Device, status: str) -> None:
        device.status = status
        device.is_active = status != STATUS_DISABLED


def _apply(parameter: DeviceParameter, changes: dict[str, Any]) -> None:
    for field, value in changes.items():
        setattr(parameter, field, value)


def _device_view(device: Device, parameter_count: int, online_since: datetime) -> DeviceRead:
    return DeviceRead(
        id=device.id,
        device_key=device.device_key,
        name=device.name,
        type=device.type,
        location=device.location,
        area=device.area,
        manufacturer=device.manufacturer,
        model=device.model,
        is_active=device.is_active,
        status=device.status,
        last_seen_at=device.last_seen_at,
        online=device.last_seen_at is not None and device.last_seen_at >= online_since,
        metadata=device.meta or {},
        parameter_count=parameter_count,
        created_at=device.created_at,
        updated_at=device.updated_at,
    )


def _parameter_view(parameter: DeviceParameter, latest: LatestValue | None) -> ParameterRead:
    return ParameterRead(
        id=parameter.id,
        device_id=parameter.device_id,
        parameter_key=parameter.parameter_key,
        display_name=parameter.display_name,
        unit=parameter.unit,
        role=parameter.role,
        is_kpi_selected=parameter.is_kpi_selected,
        first_seen_at=parameter.first_seen_at,
        last_seen_at=parameter.last_seen_at,
        latest=LatestRead(value=latest.value, ts=latest.ts) if latest is not None else None,
    )
