"""The demo factory `make run` and the browser tests sign in to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.api_key_format import api_key_hash, is_well_formed
from app.core.config import Settings
from app.core.security import hash_token, new_secret_token
from app.models.api_key import INGEST
from app.models.device import STATUS_ACTIVE, Device
from app.models.device_parameter import DeviceParameter
from app.models.factory import Factory
from app.models.notification import WEBHOOK_EVENTS
from app.models.production import EnergyBaseline
from app.models.rule import Rule
from app.models.user import PERMISSIONS, ROLE_SUPER_ADMIN, ROLE_USER
from app.models.webhook import FORMAT_JSON, WebhookEndpoint
from app.models.whatsapp_template import PURPOSE_ALERT, WhatsAppTemplate
from app.repositories.api_key_repo import find_credential
from app.repositories.device_repo import DeviceParameterRepository, DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.repositories.production_repo import BaselineRepository
from app.repositories.rule_repo import RuleRepository
from app.repositories.user_repo import UserRepository
from app.repositories.webhook_repo import WebhookRepository, WhatsAppTemplateRepository
from app.schemas.api_key import ApiKeyCreate
from app.schemas.asset import MeterTerm, NodeCreate, NodeDevices, VirtualMeterCreate
from app.schemas.shift import ShiftCreate
from app.services.accounts.api_keys import ApiKeyService
from app.services.accounts.users import UserService
from app.services.alerts import webhook_signing
from app.services.energy.assets import AssetService
from app.services.energy.shifts import ShiftService
from app.services.factories.service import FactoryService

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Factory"
DEMO_ADMIN = ("admin@demo.factoryops.io", "demo-admin-2026", "Dana Admin")
DEMO_OPERATOR = ("operator@demo.factoryops.io", "demo-operator-2026", "Omar Operator")
OPERATOR_PERMISSIONS = ["acknowledge_alerts"]
# The demo integration: reads everything, acknowledges alerts, sends telemetry for the demo
# machines over HTTP. Its key is shown once at creation, so the demo keeps it in a file of
# its data folder to print at every start.
DEMO_API_KEY_NAME = "Demo integration"
DEMO_API_KEY_FILE = "demo-api-key"

# The machines the simulator plays in `make run`: (key, name, type, area, location).
DEMO_MACHINES = (
    ("compressor-1", "Air Compressor 1", "compressor", "Utilities", "Hall A, east wall"),
    ("cnc-line-1", "CNC Line 1", "cnc", "Machining", "Hall B"),
    ("chiller-1", "Process Chiller", "chiller", "Utilities", "Roof"),
    ("press-line-2", "Press Line 2", "press", "Forming", "Hall C"),
)
# The site's supply meter: the simulator plays it as every machine plus the losses and
# lighting no sub-meter sees, which the "Unmetered" virtual meter brings to light.
DEMO_MAIN_METER = ("main-incomer", "Main incomer", "meter", "Site", "Substation")
# Machines that count the parts they make (a production_count parameter).
DEMO_PRODUCTION_KEYS = ("cnc-line-1", "press-line-2")
DEMO_PRODUCTION_PARAMETER = ("production_count", "Parts produced", "parts",
                             "production_count", True)
# The asset tree: (node name, kind, production unit, device keys), under one site.
DEMO_SITE = "Plant"
DEMO_NODES = (
    ("Utilities", "area", None, ("compressor-1", "chiller-1")),
    ("Line 1", "line", "parts", ("cnc-line-1",)),
    ("Line 2", "line", "parts", ("press-line-2",)),
)
DEMO_UNMETERED = "Unmetered"
# Two day shifts as the simulated machines work them (the early one on Sundays too) and a
# night shift.
DEMO_SHIFTS = (
    ("Early", "06:00", "14:00", [0, 1, 2, 3, 4, 5, 6]),
    ("Late", "14:00", "22:00", [0, 1, 2, 3, 4, 5]),
    ("Night", "22:00", "06:00", [0, 1, 2, 3, 4, 5, 6]),
)
DEMO_BASELINE = "Line 1, first days"
# What a commissioning engineer would set up for an energy meter: units, the roles the
# energy figures are computed from, and the values worth a card on the device page.
# (parameter key, display name, unit, role, shown as a KPI card)
DEMO_PARAMETERS = (
    ("active_power_kw", "Active power", "kW", "active_power", True),
    ("energy_kwh", "Energy", "kWh", "energy_counter", True),
    ("power_factor", "Power factor", "", "power_factor", True),
    ("voltage_l1", "Voltage L1", "V", "voltage", True),
    ("current_l1", "Current L1", "A", "current", True),
    ("frequency_hz", "Frequency", "Hz", "frequency", True),
    ("reactive_power_kvar", "Reactive power", "kvar", "reactive_power", False),
    ("voltage_l2", "Voltage L2", "V", "voltage", False),
    ("voltage_l3", "Voltage L3", "V", "voltage", False),
    ("current_l2", "Current L2", "A", "current", False),
    ("current_l3", "Current L3", "A", "current", False),
    ("thd_voltage_pct", "Voltage THD", "%", "thd", False),
    ("thd_current_pct", "Current THD", "%", "thd", False),
)


@dataclass
class DemoLogins:
    factory_id: int
    factory_slug: str
    admin: tuple[str, str]
    operator: tuple[str, str]
    api_key: str | None = None


async def seed_demo(session: AsyncSession, settings: Settings,
                    webhook_receiver: str | None = None) -> DemoLogins:
    """Creates what is missing and leaves what exists: safe to run at every start. With
    `webhook_receiver` (a URL where `make run` starts scripts/webhook_receiver.py) the demo
    webhook endpoint points there and is switched on, its secret in the data folder."""
    factory = await FactoryRepository(session).get_by_slug(DEMO_SLUG)
    if factory is None:
        factory = await FactoryService(session, settings).create(
            name=DEMO_NAME, slug=DEMO_SLUG, timezone="Europe/Berlin", currency="EUR",
            price_per_kwh=0.22, co2_kg_per_kwh=0.38)
        factory.tariff = {
            "kind": "tou",
            "default_price_per_kwh": 0.18,
            "periods": [{"name": "peak", "days": [0, 1, 2, 3, 4], "start": "08:00",
                         "end": "20:00", "price_per_kwh": 0.29}],
        }
    users = UserService(session, factory.id)
    existing = UserRepository(session, factory.id)
    for (email, password, name), role, perms in (
        (DEMO_ADMIN, ROLE_SUPER_ADMIN, list(PERMISSIONS)),
        (DEMO_OPERATOR, ROLE_USER, OPERATOR_PERMISSIONS),
    ):
        if await existing.get_by_email(email) is None:
            await users.create(email=email, password=password, full_name=name, role=role,
                               permissions=perms)
    await _seed_machines(session, factory.id)
    await _seed_rules(session, factory.id)
    await _seed_channels(session, factory.id, settings, webhook_receiver)
    await session.commit()
    await _seed_energy_model(session, factory)
    api_key = await _seed_api_key(session, factory.id, settings)
    return DemoLogins(factory.id, factory.slug, DEMO_ADMIN[:2], DEMO_OPERATOR[:2], api_key)


async def _seed_api_key(session: AsyncSession, factory_id: int, settings: Settings) -> str:
    kept = settings.data_dir / DEMO_API_KEY_FILE
    if kept.is_file():
        secret = kept.read_text().strip()
        if is_well_formed(secret) and await find_credential(session, api_key_hash(secret)):
            return secret
    machines = [d.id for d in await DeviceRepository(session, factory_id).list_all()
                if d.device_key in {key for key, *_ in DEMO_MACHINES}]
    admin = await UserRepository(session, factory_id).get_by_email(DEMO_ADMIN[0])
    created = await ApiKeyService(session, factory_id, actor_id=admin.id if admin else None
                                  ).create(ApiKeyCreate(
                                      name=DEMO_API_KEY_NAME,
                                      permissions=["acknowledge_alerts", INGEST],
                                      ingest_device_ids=machines))
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(created.key + "\n")
    kept.chmod(0o600)
    return created.key


# A meter that stops reporting raises this one within two minutes and a tick (see README:
# "See a silent-device alarm"): the operators are told, and told again every five minutes
# until someone acknowledges.
DEMO_SILENT_RULE = "Meter silent"
DEMO_SILENT_SECONDS = 120


async def _seed_rules(session: AsyncSession, factory_id: int) -> None:
    rules = RuleRepository(session, factory_id)
    if DEMO_SILENT_RULE in (await rules.names_of_all()):
        return
    rules.add(Rule(
        name=DEMO_SILENT_RULE, description="Any machine that sends nothing for two minutes.",
        scope={"kind": "all"}, condition={"silent_for_seconds": DEMO_SILENT_SECONDS},
        severity="critical", cooldown_minutes=0, for_seconds=0, channels=["email"],
        recipients={"user_permissions": ["acknowledge_alerts"]}, auto_resolve=True,
        is_active=True))


# An endpoint to try webhooks with: off (nothing leaves the machine) unless `make run` starts
# the demo receiver, which then gets every alert event, signed. And the template WhatsApp
# alerts would go out as, once a provider is configured.
DEMO_WEBHOOK = "Demo receiver"
DEMO_WEBHOOK_URL = "http://127.0.0.1:8787/factoryops"
DEMO_WEBHOOK_SECRET_FILE = "demo-webhook-secret"


async def _seed_channels(session: AsyncSession, factory_id: int, settings: Settings,
                         receiver: str | None) -> None:
    webhooks = WebhookRepository(session, factory_id)
    endpoint = await webhooks.by_name(DEMO_WEBHOOK)
    if endpoint is None:
        endpoint = webhooks.add(WebhookEndpoint(
            name=DEMO_WEBHOOK, url=DEMO_WEBHOOK_URL, secret=webhook_signing.new_secret(),
            events=list(WEBHOOK_EVENTS), format=FORMAT_JSON, is_active=False))
    if receiver is not None:
        endpoint.url, endpoint.is_active = receiver, True
        kept = settings.data_dir / DEMO_WEBHOOK_SECRET_FILE
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(endpoint.secret + "\n")
        kept.chmod(0o600)
    templates = WhatsAppTemplateRepository(session, factory_id)
    if await templates.for_purpose(PURPOSE_ALERT) is None:
        templates.add(WhatsAppTemplate(
            purpose=PURPOSE_ALERT, meta_name="factory_alert", meta_language="en_US",
            parameters=["severity", "title", "device", "triggered_at", "link"]))


async def _seed_machines(session: AsyncSession, factory_id: int) -> None:
    devices = DeviceRepository(session, factory_id)
    parameters = DeviceParameterRepository(session, factory_id)
    now = datetime.now(UTC)
    for key, name, kind, area, location in (*DEMO_MACHINES, DEMO_MAIN_METER):
        if await devices.get_by_key(key) is not None:
            continue
        device = devices.add(Device(
            device_key=key, name=name, type=kind, area=area, location=location,
            manufacturer="Janitza", model="UMG 604-PRO", status=STATUS_ACTIVE,
            token_hash=hash_token(new_secret_token()), token_rotated_at=now,
            meta={"supply_meter": True} if key == DEMO_MAIN_METER[0] else {}))
        await session.flush()
        wanted = DEMO_PARAMETERS + ((DEMO_PRODUCTION_PARAMETER,)
                                    if key in DEMO_PRODUCTION_KEYS else ())
        for parameter_key, display, unit, role, kpi in wanted:
            parameters.add(DeviceParameter(
                device_id=device.id, parameter_key=parameter_key, display_name=display,
                unit=unit or None, role=role, is_kpi_selected=kpi, first_seen_at=now,
                last_seen_at=now))


async def _seed_energy_model(session: AsyncSession, factory: Factory) -> None:
    """The Energy page's material: a site with a utilities area and two lines, the unmetered
    loss as a virtual meter, a shift calendar and a baseline of Line 1 over the hours of
    yesterday and today, which the simulator's day of history covers whatever the hour
    (fitted when first read, once that history has arrived). Built once: a
    tree someone has edited is theirs."""
    assets = AssetService(session, factory.id)
    if not (await assets.tree()).roots:
        by_key = {d.device_key: d.id for d in await DeviceRepository(session, factory.id)
                  .list_all()}
        site = await assets.create_node(NodeCreate(name=DEMO_SITE, kind="site"))
        lines = {}
        for name, kind, unit, keys in DEMO_NODES:
            node = await assets.create_node(NodeCreate(name=name, kind=kind, parent_id=site.id,
                                                       production_unit=unit))
            await assets.set_devices(await assets.load_node(node.id), NodeDevices(
                device_ids=[by_key[k] for k in keys if k in by_key]))
            lines[name] = node.id
        sub_meters = [by_key[key] for key, *_ in DEMO_MACHINES if key in by_key]
        await assets.create_meter(VirtualMeterCreate(
            name=DEMO_UNMETERED, node_id=site.id,
            description="Main incomer minus every sub-meter: losses, lighting, offices",
            terms=[MeterTerm(device_id=by_key[DEMO_MAIN_METER[0]], sign=1),
                   *(MeterTerm(device_id=i, sign=-1) for i in sub_meters)]))
        yesterday = (datetime.now(ZoneInfo(factory.timezone)) - timedelta(days=1)).date()
        now = datetime.now(UTC)
        BaselineRepository(session, factory.id).add(EnergyBaseline(
            node_id=lines["Line 1"], name=DEMO_BASELINE, period_start=yesterday,
            period_end=yesterday + timedelta(days=1), granularity="hour", created_at=now,
            updated_at=now))
        await session.commit()
    shifts = ShiftService(session, factory)
    if not await shifts.list():
        for name, start, end, days in DEMO_SHIFTS:
            await shifts.create(ShiftCreate(name=name, start=start, end=end, days=days))
