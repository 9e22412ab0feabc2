"""Parsing of device payloads (the MQTT contract in README.md), shared by the MQTT ingester
and HTTP ingest. Pure functions, no I/O.

Accepted shapes, alone or as a JSON array of them:
  {"ts": <ISO-8601 string | epoch ms>, "metrics": {"<parameter>": <number>, ...}}
  {"ts": ..., "<parameter>": <number>, ...}            (flat; `ts` optional in both)
Booleans become 0/1. Strings, nulls, NaN, infinities, objects and arrays are dropped and
counted, as are keys the platform cannot store. A timestamp outside the accepted window is
replaced by the receive time and counted."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import orjson

from app.stores.timeseries.line_protocol import is_storable_key

MAX_PAYLOAD_BYTES = 256 * 1024
MAX_RECORDS = 1000
MAX_VALUES = 10_000

# Rejection reasons of whole messages.
BAD_JSON = "bad_json"
BAD_SHAPE = "bad_shape"
TOO_LARGE = "payload_too_large"
NO_VALUES = "no_values"
DEVICE_MISMATCH = "device_mismatch"

# Fields a device may use to name itself; when present they must agree with the topic.
IDENTITY_FIELDS = ("device", "device_key")

# Reasons a single value is dropped.
NOT_A_NUMBER = "not_a_number"
NOT_FINITE = "not_finite"
INVALID_KEY = "invalid_key"
TOO_MANY_VALUES = "too_many_values"
# A record's timestamp that was replaced by the receive time.
BAD_TIMESTAMP = "bad_timestamp"
TIMESTAMP_OUT_OF_WINDOW = "timestamp_out_of_window"


class PayloadRejected(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


@dataclass(slots=True)
class ParsedPayload:
    # (parameter, ts_ms, value)
    values: list[tuple[str, int, float]] = field(default_factory=list)
    # Reason → count; mostly empty, so created only when something is dropped.
    dropped: Counter | None = None
    timestamps_replaced: Counter | None = None

    def drop(self, reason: str) -> None:
        if self.dropped is None:
            self.dropped = Counter()
        self.dropped[reason] += 1

    def replace_timestamp(self, reason: str) -> None:
        if self.timestamps_replaced is None:
            self.timestamps_replaced = Counter()
        self.timestamps_replaced[reason] += 1


# Keys already judged: devices send the same few keys in every message, and checking a key
# costs more than parsing its value.
_key_verdicts: dict[str, bool] = {}
_MAX_REMEMBERED_KEYS = 200_000


def storable(key: str) -> bool:
    verdict = _key_verdicts.get(key)
    if verdict is None:
        verdict = is_storable_key(key)
        if len(_key_verdicts) < _MAX_REMEMBERED_KEYS:
            _key_verdicts[key] = verdict
    return verdict


def _loads(payload: bytes):
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        pass
    # orjson follows the JSON standard strictly; devices written in Python and JavaScript
    # emit NaN and Infinity literals. Read those leniently so that one NaN drops one value
    # instead of the whole message.
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise PayloadRejected(BAD_JSON, str(exc)[:200]) from None


def _timestamp_ms(raw, received_ms: int, oldest_ms: int, newest_ms: int,
                  parsed: ParsedPayload) -> int:
    if raw is None:
        return received_ms
    ts: int | None = None
    if isinstance(raw, bool):
        ts = None
    elif isinstance(raw, int):
        ts = raw
    elif isinstance(raw, float) and math.isfinite(raw):
        ts = int(raw)
    elif isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00")
                                            if raw.endswith("Z") else raw)
            if moment.tzinfo is None:
                ts = None  # a zone-less time is ambiguous: the receive time is safer
            else:
                ts = int(moment.timestamp() * 1000)
        except ValueError:
            ts = None
    if ts is None:
        parsed.replace_timestamp(BAD_TIMESTAMP)
        return received_ms
    if ts < oldest_ms or ts > newest_ms:
        parsed.replace_timestamp(TIMESTAMP_OUT_OF_WINDOW)
        return received_ms
    return ts


def _add_values(metrics: dict, ts_ms: int, skip_ts_key: bool, out: ParsedPayload,
                max_values: int) -> None:
    values = out.values
    append = values.append
    drop = out.drop
    if len(values) + len(metrics) > max_values:
        metrics = _within_quota(metrics, max_values - len(values), skip_ts_key, out)
    for key, value in metrics.items():
        if skip_ts_key and (key == "ts" or key in IDENTITY_FIELDS):
            continue
        if not storable(key):
            drop(INVALID_KEY)
            continue
        kind = type(value)
        if kind is float:
            if value != value or value in (math.inf, -math.inf):
                drop(NOT_FINITE)
                continue
        elif kind is int:
            try:
                value = float(value)
            except OverflowError:  # an integer beyond the range of a float
                drop(NOT_FINITE)
                continue
        elif kind is bool:
            value = 1.0 if value else 0.0
        else:
            drop(NOT_A_NUMBER)
            continue
        append((key, ts_ms, value))


def _within_quota(metrics: dict, room: int, skip_ts_key: bool, out: ParsedPayload) -> dict:
    """The first `room` values of an oversized record; the rest are counted in one step
    rather than judged one by one, so that a flood of keys costs little beyond its JSON."""
    skipped = ("ts", *IDENTITY_FIELDS) if skip_ts_key else ()
    entries = ((key, value) for key, value in metrics.items() if key not in skipped)
    kept = dict(islice(entries, max(room, 0)))
    excess = len(metrics) - len(kept) - sum(1 for key in skipped if key in metrics)
    if excess > 0:
        if out.dropped is None:
            out.dropped = Counter()
        out.dropped[TOO_MANY_VALUES] += excess
    return kept


def parse_payload(payload: bytes, *, received_ms: int, max_past_ms: int,
                  max_future_ms: int, device_key: str | None = None,
                  max_bytes: int = MAX_PAYLOAD_BYTES,
                  max_values: int = MAX_VALUES) -> ParsedPayload:
    """Values of one message, or `PayloadRejected` when nothing in it can be used. Values
    beyond `max_values` (a device's quota) are dropped and counted as `too_many_values`."""
    if len(payload) > max_bytes:
        raise PayloadRejected(TOO_LARGE, f"{len(payload)} bytes")
    document = _loads(payload)
    records = document if isinstance(document, list) else [document]
    if not records:
        raise PayloadRejected(NO_VALUES, "empty array")
    if len(records) > MAX_RECORDS:
        raise PayloadRejected(TOO_LARGE, f"{len(records)} records")
    oldest_ms = received_ms - max_past_ms
    newest_ms = received_ms + max_future_ms
    parsed = ParsedPayload()
    usable_records = 0
    for record in records:
        if not isinstance(record, dict):
            parsed.drop(BAD_SHAPE)
            continue
        if device_key is not None:
            for name in IDENTITY_FIELDS:
                claimed = record.get(name)
                if isinstance(claimed, str) and claimed != device_key:
                    raise PayloadRejected(DEVICE_MISMATCH,
                                          f"payload names {claimed!r}, topic {device_key!r}")
        usable_records += 1
        ts_ms = _timestamp_ms(record.get("ts"), received_ms, oldest_ms, newest_ms, parsed)
        metrics = record.get("metrics")
        if isinstance(metrics, dict):
            _add_values(metrics, ts_ms, False, parsed, max_values)
        elif metrics is not None:
            parsed.drop(BAD_SHAPE)
        else:
            _add_values(record, ts_ms, True, parsed, max_values)
    if not parsed.values:
        raise PayloadRejected(BAD_SHAPE if not usable_records else NO_VALUES,
                              "no numeric values")
    return parsed
