"""Importing this package registers every table on `Base.metadata` (Alembic and the tenancy
guard rely on that), and watches the rows other processes keep copies of
(app.models.cache_keys)."""

from app.models import cache_keys  # noqa: F401  (registers the epoch watch)
from app.models.alert import Alert, AlertEvent, MaintenanceWindow
from app.models.analytics_job import AnalyticsJob, ReportJob
from app.models.api_key import ApiKey
from app.models.asset import AssetNode, AssetNodeDevice, VirtualMeter, VirtualMeterTerm
from app.models.audit_log import AuditLog
from app.models.base import Base, tenant_tables
from app.models.device import Device, RetiredDeviceKey
from app.models.device_parameter import DeviceParameter
from app.models.factory import Factory
from app.models.notification import NotificationDelivery
from app.models.production import EnergyBaseline, ProductionEntry
from app.models.report_schedule import ReportSchedule
from app.models.rule import Rule, RuleCooldown, RuleState
from app.models.shift import Shift
from app.models.user import RefreshToken, User, UserToken
from app.models.webhook import WebhookEndpoint
from app.models.whatsapp_template import WhatsAppTemplate

__all__ = [
    "Alert",
    "AlertEvent",
    "AnalyticsJob",
    "AssetNode",
    "AssetNodeDevice",
    "ApiKey",
    "AuditLog",
    "Base",
    "Device",
    "DeviceParameter",
    "EnergyBaseline",
    "Factory",
    "MaintenanceWindow",
    "NotificationDelivery",
    "ProductionEntry",
    "RefreshToken",
    "RetiredDeviceKey",
    "ReportJob",
    "ReportSchedule",
    "Rule",
    "RuleCooldown",
    "RuleState",
    "Shift",
    "User",
    "UserToken",
    "VirtualMeter",
    "VirtualMeterTerm",
    "WebhookEndpoint",
    "WhatsAppTemplate",
    "tenant_tables",
]
