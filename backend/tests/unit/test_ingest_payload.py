"""Payload parsing rules from the MQTT contract (pure logic), shared by MQTT and HTTP ingest."""

import json

import pytest

from app.services.ingest.payload import (
    BAD_JSON,
    BAD_SHAPE,
    BAD_TIMESTAMP,
    DEVICE_MISMATCH,
    INVALID_KEY,
    MAX_PAYLOAD_BYTES,
    NO_VALUES,
    NOT_A_NUMBER,
    NOT_FINITE,
    TIMESTAMP_OUT_OF_WINDOW,
    TOO_LARGE,
    TOO_MANY_VALUES,
    PayloadRejected,
    parse_payload,
)

NOW = 1_800_000_000_000
WINDOW = {"received_ms": NOW, "max_past_ms": 3_600_000, "max_future_ms": 60_000}


def parse(obj, **kw):
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return parse_payload(raw, **{**WINDOW, **kw})


def test_envelope_with_epoch_ms():
    p = parse({"ts": NOW - 1000, "metrics": {"power kW": 12.5, "on": True, "n": 3}})
    assert sorted(p.values) == [("n", NOW - 1000, 3.0), ("on", NOW - 1000, 1.0),
                                ("power kW", NOW - 1000, 12.5)]
    assert not p.dropped and not p.timestamps_replaced


def test_flat_object_and_missing_ts_uses_receive_time():
    p = parse({"voltage": 230.1, "current": 4})
    assert sorted(p.values) == [("current", NOW, 4.0), ("voltage", NOW, 230.1)]


def test_array_of_records_each_with_its_own_timestamp():
    p = parse([{"ts": NOW - 2000, "metrics": {"a": 1}}, {"ts": NOW - 1000, "b": 2}])
    assert p.values == [("a", NOW - 2000, 1.0), ("b", NOW - 1000, 2.0)]


def test_iso_timestamp_inside_window_is_kept():
    ts_ms = 1_799_999_990_000
    from datetime import UTC, datetime

    iso = datetime.fromtimestamp(ts_ms / 1000, UTC).isoformat().replace("+00:00", "Z")
    p = parse({"ts": iso, "metrics": {"x": 1}})
    assert p.values == [("x", ts_ms, 1.0)]


@pytest.mark.parametrize("ts,reason", [
    ("yesterday", BAD_TIMESTAMP),
    ("2027-01-15T08:00:00", BAD_TIMESTAMP),  # no zone: ambiguous
    (True, BAD_TIMESTAMP),
    ({"t": 1}, BAD_TIMESTAMP),
    (0, TIMESTAMP_OUT_OF_WINDOW),
    (NOW + 3_600_000, TIMESTAMP_OUT_OF_WINDOW),
])
def test_unusable_timestamps_are_replaced_and_counted(ts, reason):
    p = parse({"ts": ts, "metrics": {"x": 1}})
    assert p.values == [("x", NOW, 1.0)]
    assert p.timestamps_replaced == {reason: 1}


def test_non_numeric_values_are_dropped_and_counted():
    p = parse({"metrics": {"ok": 1.5, "s": "high", "n": None, "o": {"a": 1}, "l": [1]}})
    assert p.values == [("ok", NOW, 1.5)]
    assert p.dropped == {NOT_A_NUMBER: 4}


def test_nan_and_infinity_literals_drop_one_value_not_the_message():
    p = parse(b'{"metrics": {"a": NaN, "b": Infinity, "c": -Infinity, "d": 2}}')
    assert p.values == [("d", NOW, 2.0)]
    assert p.dropped == {NOT_FINITE: 3}


def test_huge_integer_is_not_finite():
    p = parse(b'{"metrics": {"big": 1' + b"0" * 400 + b', "ok": 1}}')
    assert p.dropped == {NOT_FINITE: 1} and p.values == [("ok", NOW, 1.0)]


@pytest.mark.parametrize("key", ["", "_internal", "x" * 65, "tab\there", "new\nline",
                                 "ends with backslash\\"])
def test_keys_that_cannot_be_stored_are_dropped(key):
    p = parse({"metrics": {key: 1, "fine": 2}})
    assert p.values == [("fine", NOW, 2.0)] and p.dropped == {INVALID_KEY: 1}


@pytest.mark.parametrize("key", ["power factor", "reactive-power", "a,b", "k=v", 'quo"te',
                                 "it's", "back\\slash", "温度", "Leistung ΣP (kW)", "x" * 64])
def test_any_printable_key_is_accepted(key):
    assert parse({"metrics": {key: 1}}).values == [(key, NOW, 1.0)]


@pytest.mark.parametrize("raw,reason", [
    (b"{not json", BAD_JSON),
    (b"", BAD_JSON),
    (b"\xff\xfe", BAD_JSON),
    (b"[" * 5000 + b"]" * 5000, BAD_JSON),
    (b"42", BAD_SHAPE),
    (b'"text"', BAD_SHAPE),
    (b"[1, 2, null]", BAD_SHAPE),
    (b"[]", NO_VALUES),
    (b'{"metrics": {"s": "x"}}', NO_VALUES),
    (b'{"ts": 1}', NO_VALUES),
    (b'{"metrics": 5}', NO_VALUES),
])
def test_messages_with_nothing_usable_are_rejected(raw, reason):
    with pytest.raises(PayloadRejected) as info:
        parse(raw)
    assert info.value.reason == reason


def test_oversized_payload_is_rejected_before_parsing():
    with pytest.raises(PayloadRejected) as info:
        parse(b'{"a": 1, "pad": "' + b"x" * MAX_PAYLOAD_BYTES + b'"}')
    assert info.value.reason == TOO_LARGE


def test_payload_naming_another_device_is_rejected():
    with pytest.raises(PayloadRejected) as info:
        parse({"device": "press-2", "power": 1}, device_key="press-1")
    assert info.value.reason == DEVICE_MISMATCH
    assert parse({"device": "press-1", "power": 1}, device_key="press-1").values == [
        ("power", NOW, 1.0)]


def test_mixed_array_keeps_good_records():
    p = parse([{"a": 1}, "junk", 7, {"metrics": {"b": 2}}])
    assert sorted(v[0] for v in p.values) == ["a", "b"]
    assert p.dropped == {BAD_SHAPE: 2}


def test_values_beyond_the_quota_are_dropped_and_counted_in_one_step():
    flood = {f"k{i}": i for i in range(5000)}
    p = parse({"ts": NOW, **flood}, max_values=100)
    assert [v[0] for v in p.values] == [f"k{i}" for i in range(100)]
    assert p.dropped == {TOO_MANY_VALUES: 4900}
    # The quota spans the records of one message.
    p = parse([{"metrics": {"a": 1, "b": 2}}, {"metrics": {"c": 3, "d": 4}}], max_values=3)
    assert [v[0] for v in p.values] == ["a", "b", "c"] and p.dropped == {TOO_MANY_VALUES: 1}


def test_payload_size_limit_is_a_parameter():
    with pytest.raises(PayloadRejected) as info:
        parse(b'{"a": 1, "pad": "' + b"x" * 2000 + b'"}', max_bytes=1024)
    assert info.value.reason == TOO_LARGE
