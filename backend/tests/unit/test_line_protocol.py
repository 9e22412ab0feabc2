r"""Line protocol escaping and encoding. The decoders below follow the two server parsers
(Go for 1.x/2.x: a delimiter is escaped when the byte before it is `\`, and only `\,` `\=`
`\ ` are unescaped; Rust for 3.x: `\\` is one backslash too), so the round trips check
the encoder against the rules the servers apply, not against itself."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.stores.timeseries.base import Point
from app.stores.timeseries.line_protocol import (
    MAX_KEY_LENGTH,
    LineProtocolEncoder,
    encode_points,
    escape_measurement,
    escape_tag,
    is_storable_key,
)

NASTY_KEYS = [
    "power factor",
    "reactive-power",
    "a,b",
    "a=b",
    "it's",
    'say "hi"',
    "x\\y",
    "x\\\\y",
    "a\\,b",
    "a\\ b",
    "a\\=b",
    "\\,",
    "\\ ,",
    " lead and trail ",
    "=",
    ",",
    " ",
    "Leistung ΣP (kW)",
    "温度",
    "😀 emoji",
    "#hash",
]


def _split_go(line: str) -> tuple[str, str]:
    """Series key and the rest, found the way 1.x scans: a space ends the key unless the
    byte before it is a backslash."""
    for i, char in enumerate(line):
        if char == " " and (i == 0 or line[i - 1] != "\\"):
            return line[:i], line[i + 1 :]
    raise AssertionError(f"no field section in {line!r}")


def _split_unescaped(text: str, separator: str) -> list[str]:
    parts, start = [], 0
    for i, char in enumerate(text):
        if char == separator and (i == 0 or text[i - 1] != "\\"):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def decode_tags_go(line: str) -> dict[str, str]:
    key, _ = _split_go(line)
    tags = {}
    for pair in _split_unescaped(key, ",")[1:]:
        name, value = _split_unescaped(pair, "=")
        for escaped, plain in (("\\,", ","), ("\\ ", " "), ("\\=", "=")):
            value = value.replace(escaped, plain)
        tags[name] = value
    return tags


def decode_tag_value_rust(escaped: str) -> str:
    out, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\" and i + 1 < len(escaped) and escaped[i + 1] in "\\,= ":
            out.append(escaped[i + 1])
            i += 2
        else:
            out.append(escaped[i])
            i += 1
    return "".join(out)


printable_keys = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=MAX_KEY_LENGTH,
).filter(is_storable_key)


class TestEscaping:
    def test_measurement_escapes_comma_and_space_only(self):
        assert escape_measurement("a b,c=d") == "a\\ b\\,c=d"

    def test_tag_escapes_comma_equals_space(self):
        assert escape_tag("a b,c=d") == "a\\ b\\,c\\=d"

    def test_tag_keeps_backslashes_for_go_servers(self):
        assert escape_tag("x\\y\\\\z") == "x\\y\\\\z"
        assert escape_tag("a\\,b") == "a\\\\,b"

    def test_tag_doubles_backslashes_for_influxdb_3(self):
        assert escape_tag("x\\y", escape_backslash=True) == "x\\\\y"
        assert escape_tag("a\\,b", escape_backslash=True) == "a\\\\\\,b"

    def test_quotes_and_unicode_pass_through(self):
        assert escape_tag("it's \"温度\"") == "it's\\ \"温度\""


class TestStorableKeys:
    @pytest.mark.parametrize("key", NASTY_KEYS + ["a" * MAX_KEY_LENGTH, "a_b", "x_"])
    def test_accepts(self, key):
        assert is_storable_key(key)

    @pytest.mark.parametrize(
        "key",
        [
            "",
            "a" * (MAX_KEY_LENGTH + 1),
            "_reserved",
            "trailing\\",
            "\\",
            "x\\\\",
            "line\nbreak",
            "tab\there",
            "nul\x00",
            None,
            42,
        ],
    )
    def test_rejects(self, key):
        assert not is_storable_key(key)


class TestEncoding:
    def test_encodes_one_line_per_point_with_sorted_tags_and_ms_timestamp(self):
        body = encode_points([Point(7, 42, "power factor", 1_700_000_000_123, 0.97)])
        assert body == (
            b"telemetry,device_id=42,factory_id=7,parameter=power\\ factor value=0.97 "
            b"1700000000123"
        )

    def test_separates_lines_with_newlines_and_encodes_utf8(self):
        body = encode_points([Point(1, 2, "温度", 10, 1.5), Point(1, 2, "b", 11, -2.0)])
        assert body.decode().split("\n") == [
            "telemetry,device_id=2,factory_id=1,parameter=温度 value=1.5 10",
            "telemetry,device_id=2,factory_id=1,parameter=b value=-2.0 11",
        ]

    def test_values_are_always_floats(self):
        lines = encode_points(
            [Point(1, 2, "int", 1, 5), Point(1, 2, "bool", 1, True), Point(1, 2, "big", 1, 1e16)]
        ).decode().split("\n")
        assert [line.split(" ")[1] for line in lines] == [
            "value=5.0", "value=1.0", "value=1e+16"
        ]

    def test_floats_round_trip_exactly(self):
        for value in (0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0):
            line = encode_points([Point(1, 2, "p", 1, value)]).decode()
            assert float(line.split(" ")[1].removeprefix("value=")) == value

    def test_timestamp_is_written_as_an_integer(self):
        assert encode_points([Point(1, 2, "p", 1000.0, 1.0)]).endswith(b" 1000")

    def test_skips_non_finite_values_and_unstorable_keys(self):
        body = encode_points(
            [
                Point(1, 2, "nan", 1, math.nan),
                Point(1, 2, "inf", 1, math.inf),
                Point(1, 2, "-inf", 1, -math.inf),
                Point(1, 2, "ends\\", 1, 1.0),
                Point(1, 2, "_hidden", 1, 1.0),
                Point(1, 2, "kept", 1, 1.0),
            ]
        )
        assert body == b"telemetry,device_id=2,factory_id=1,parameter=kept value=1.0 1"

    def test_nothing_to_write_is_empty(self):
        assert encode_points([]) == b""
        assert encode_points([Point(1, 2, "p", 1, math.nan)]) == b""

    def test_prefix_cache_stays_bounded_and_correct(self):
        encoder = LineProtocolEncoder(max_cached_series=10)
        points = [Point(1, d, f"p{d}", d, float(d)) for d in range(100)]
        for _ in range(3):
            lines = encoder.encode(points).decode().split("\n")
        assert len(encoder._prefixes) <= 10
        assert lines[57] == "telemetry,device_id=57,factory_id=1,parameter=p57 value=57.0 57"

    @pytest.mark.parametrize("key", NASTY_KEYS)
    def test_nasty_keys_round_trip_through_the_go_parser(self, key):
        line = encode_points([Point(3, 4, key, 1, 1.0)]).decode()
        assert decode_tags_go(line) == {"device_id": "4", "factory_id": "3", "parameter": key}

    @given(printable_keys)
    def test_every_storable_key_round_trips_through_the_go_parser(self, key):
        line = encode_points([Point(3, 4, key, 1, 1.0)]).decode()
        assert decode_tags_go(line)["parameter"] == key

    @given(printable_keys)
    def test_every_storable_key_round_trips_through_the_rust_parser(self, key):
        escaped = escape_tag(key, escape_backslash=True)
        assert decode_tag_value_rust(escaped) == key

    def test_influxdb_3_encoder_doubles_backslashes(self):
        encoder = LineProtocolEncoder(escape_backslash=True)
        body = encoder.encode([Point(1, 2, "a\\b", 1, 1.0)])
        assert body == b"telemetry,device_id=2,factory_id=1,parameter=a\\\\b value=1.0 1"
