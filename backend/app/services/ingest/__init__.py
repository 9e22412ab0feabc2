"""Telemetry intake shared by the MQTT ingester and HTTP ingest: the payload parser
(payload) and the per-device quotas (quotas)."""

from __future__ import annotations

from app.services.ingest.payload import ParsedPayload, PayloadRejected, parse_payload

__all__ = ["ParsedPayload", "PayloadRejected", "parse_payload"]
