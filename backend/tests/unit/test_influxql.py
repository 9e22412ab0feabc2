r"""InfluxQL quoting and statement builders. `unquote` follows the 1.x scanner and the 3.x
parser (the only escapes are `\\`, `\n` and the quote character; a raw newline or an
unescaped quote ends the string), so the round trips check what a server would read."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.stores.timeseries import influxql
from app.stores.timeseries.influxql import (
    encoded_length,
    quote_identifier,
    quote_literal,
    series_conditions,
)


def unquote(text: str, quote: str) -> str:
    assert text[0] == quote and text[-1] == quote, text
    out, i, body = [], 0, text[1:-1]
    while i < len(body):
        char = body[i]
        if char == "\\":
            escaped = body[i + 1]
            assert escaped in ("\\", "n", quote), f"escape \\{escaped} is refused by 3.x"
            out.append("\n" if escaped == "n" else escaped)
            i += 2
            continue
        assert char != quote, f"unescaped quote ends the string early in {text!r}"
        assert char != "\n", "a raw newline ends the string"
        out.append(char)
        i += 1
    return "".join(out)


NASTY = [
    "reactive-power",
    "power factor",
    "it's",
    'say "hi"',
    "back\\slash",
    "trailing\\",
    "\\",
    "\\'",
    '\\"',
    "line\nbreak",
    "Leistung ΣP (kW)",
    "温度",
    "'; DROP DATABASE x; --",
    '"; DROP DATABASE x; --',
]


class TestQuoting:
    def test_identifier_examples(self):
        assert quote_identifier("reactive-power") == '"reactive-power"'
        assert quote_identifier('a"b') == '"a\\"b"'
        assert quote_identifier("a\\b") == '"a\\\\b"'
        assert quote_identifier("it's") == '"it\'s"'

    def test_literal_examples(self):
        assert quote_literal("it's") == "'it\\'s'"
        assert quote_literal("a\\b") == "'a\\\\b'"
        assert quote_literal('say "hi"') == "'say \"hi\"'"  # \" is not valid inside '' on 3.x
        assert quote_literal("a\nb") == "'a\\nb'"

    @pytest.mark.parametrize("text", NASTY)
    def test_nasty_identifiers_round_trip(self, text):
        assert unquote(quote_identifier(text), '"') == text

    @pytest.mark.parametrize("text", NASTY)
    def test_nasty_literals_round_trip(self, text):
        assert unquote(quote_literal(text), "'") == text

    @given(st.text())
    def test_any_literal_round_trips(self, text):
        assert unquote(quote_literal(text), "'") == text

    @given(st.text())
    def test_any_identifier_round_trips(self, text):
        assert unquote(quote_identifier(text), '"') == text


class TestStatements:
    def test_every_statement_filters_by_factory(self):
        condition = influxql.tag_equals("device_id", 3)
        statements = [
            influxql.select_latest(77, condition),
            influxql.select_aggregate(77, condition, 0, 1000, 60, "mean"),
            influxql.select_raw_page(77, condition, 0, 1000, 10),
            influxql.select_raw_at(77, condition, 5, 10, 20),
            influxql.drop_device_series(77, 3),
        ]
        for statement in statements:
            assert "WHERE \"factory_id\" = '77' AND " in statement

    def test_aggregate_statement(self):
        statement = influxql.select_aggregate(
            1, influxql.tag_equals("device_id", 2), 1_000, 61_000, 30, "max"
        )
        assert statement == (
            "SELECT max(\"value\") FROM \"telemetry\" WHERE \"factory_id\" = '1' AND "
            "\"device_id\" = '2' AND time >= 1000000000 AND time < 61000000000 "
            "GROUP BY time(30s), \"device_id\", \"parameter\" fill(none)"
        )

    def test_latest_uses_a_single_selector_not_last_star(self):
        statement = influxql.select_latest(1, influxql.tag_equals("device_id", 2))
        assert 'last("value")' in statement and "last(*)" not in statement
        assert statement.endswith('GROUP BY "device_id", "parameter"')

    def test_unknown_aggregation_is_refused(self):
        with pytest.raises(ValueError):
            influxql.select_aggregate(1, "x", 0, 1, 1, "median); DROP DATABASE x; --")

    def test_ids_are_forced_to_integers(self):
        with pytest.raises(ValueError):
            influxql.drop_device_series(1, "2' OR '1'='1")  # type: ignore[arg-type]


def _pairs_in(condition: str) -> set[tuple[int, str]]:
    pairs = set()
    pattern = r"\(\"device_id\" = '(\d+)' AND \(?((?:\"parameter\" = '(?:[^'\\]|\\.)*'(?: OR )?)+)"
    for device, params in re.findall(pattern, condition):
        for literal in re.findall(r"'((?:[^'\\]|\\.)*)'", params):
            pairs.add((int(device), unquote(f"'{literal}'", "'")))
    return pairs


class TestSeriesConditions:
    def test_groups_parameters_by_device(self):
        (condition,) = series_conditions([(1, "a"), (1, "b"), (2, "a")])
        assert condition == (
            "((\"device_id\" = '1' AND (\"parameter\" = 'a' OR \"parameter\" = 'b')) OR "
            "(\"device_id\" = '2' AND \"parameter\" = 'a'))"
        )

    def test_splits_long_lists_within_budget_and_keeps_every_pair_once(self):
        series = [(d, f"parameter number {p} with a long name 温度 '") for d in range(20)
                  for p in range(30)]
        conditions = series_conditions(series, budget=4_000)
        assert len(conditions) > 1
        assert all(encoded_length(c) <= 4_000 for c in conditions)
        found = [_pairs_in(c) for c in conditions]
        assert sum(len(f) for f in found) == len(series)
        assert set().union(*found) == set(series)

    def test_one_device_with_many_parameters_is_split_too(self):
        series = [(5, f"p{p:04d}" + "x" * 40) for p in range(400)]
        conditions = series_conditions(series, budget=3_000)
        assert len(conditions) > 1
        assert all(encoded_length(c) <= 3_000 for c in conditions)
        assert set().union(*(_pairs_in(c) for c in conditions)) == set(series)

    def test_device_conditions_are_unique_and_split(self):
        conditions = influxql.device_conditions(list(range(2_000)) + [1, 2, 3], budget=2_000)
        ids = [int(x) for c in conditions for x in re.findall(r"'(\d+)'", c)]
        assert sorted(ids) == list(range(2_000))
        assert all(encoded_length(c) <= 2_000 for c in conditions)
