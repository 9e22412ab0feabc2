"""Devices and what they measure: the device registry and credentials (service), when each
last reported (sighting), broker authentication (mqtt_auth) and Mosquitto files
(broker_files), the parameter catalogue, raw telemetry export, and checking the devices a
request names (chosen)."""

from __future__ import annotations

from app.services.devices.chosen import chosen_devices
from app.services.devices.mqtt_auth import MqttAuthService
from app.services.devices.parameter_catalogue import ParameterCatalogue
from app.services.devices.service import DeviceQuery, DeviceService
from app.services.devices.telemetry_export import TelemetryService

__all__ = ["DeviceQuery", "DeviceService", "MqttAuthService", "ParameterCatalogue",
           "TelemetryService", "chosen_devices"]
