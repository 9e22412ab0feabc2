"""Telemetry intake shared by the MQTT ingester and HTTP ingest: the payload parser
(payload) and the per-device quotas (quotas). Both sides apply them the same way: payload
size first, then the device's token bucket, then parsing with the values-per-message limit,
then the cap on distinct parameters for keys the device has not reported before."""

from __future__ import annotations

from app.services.ingest.payload import ParsedPayload, PayloadRejected, parse_payload
from app.services.ingest.quotas import DeviceQuota, TokenBucket, admit_parameters

__all__ = ["DeviceQuota", "ParsedPayload", "PayloadRejected", "TokenBucket",
           "admit_parameters", "parse_payload"]
