"""The answer of HTTP ingest: what happened to each message of a request."""

from __future__ import annotations

from pydantic import Field

from app.schemas.common import Schema


class IngestResult(Schema):
    messages: int = Field(description="Messages in the request (lines of an NDJSON body)")
    accepted: int = Field(description="Messages whose values were stored")
    rejected: dict[str, int] = Field(
        default_factory=dict,
        description="Messages refused, by reason: bad_json, bad_shape, no_values, "
                    "payload_too_large, device_mismatch, rate_limited, parameter_quota")
    values_stored: int
    values_dropped: dict[str, int] = Field(
        default_factory=dict,
        description="Values left out of accepted messages, by reason: not_a_number, "
                    "not_finite, invalid_key, too_many_values, bad_shape, parameter_quota")
    timestamps_replaced: dict[str, int] = Field(
        default_factory=dict,
        description="Records stored at the receive time instead, by reason: bad_timestamp, "
                    "timestamp_out_of_window")
