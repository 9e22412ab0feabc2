"""Condition trees: every operator, nesting, missing values, malformed input."""

from __future__ import annotations

import math

import pytest

from app.services.rules.conditions import (
    MAX_DEPTH,
    MAX_LEAVES,
    ConditionError,
    describe,
    evaluate,
    referenced_parameters,
    validate_condition,
)


def leaf(parameter="p", operator=">", value=1):
    return {"parameter": parameter, "operator": operator, "value": value}


def nested(depth: int) -> dict:
    node = leaf()
    for _ in range(depth - 1):
        node = {"op": "and", "conditions": [node]}
    return node


# --- evaluation: every operator ------------------------------------------------------------
@pytest.mark.parametrize(("operator", "value", "current", "expected"), [
    (">", 10, 10.5, True), (">", 10, 10, False), (">", 10, 9, False),
    (">=", 10, 10, True), (">=", 10, 9.99, False),
    ("<", 0.85, 0.8, True), ("<", 0.85, 0.85, False),
    ("<=", 0.85, 0.85, True), ("<=", 0.85, 0.86, False),
    ("==", 3, 3.0, True), ("==", 3, 3.1, False),
    ("!=", 3, 3.1, True), ("!=", 3, 3, False),
    ("between", [207, 253], 207, True), ("between", [207, 253], 253, True),
    ("between", [207, 253], 230, True), ("between", [207, 253], 206.9, False),
    ("between", [207, 253], 253.1, False),
    ("outside", [207, 253], 206.9, True), ("outside", [207, 253], 253.1, True),
    ("outside", [207, 253], 207, False), ("outside", [207, 253], 230, False),
    (">", -5, -4, True), ("<", 1e-9, 0, True),
])
def test_each_operator(operator, value, current, expected):
    tree = leaf("x", operator, value)
    validate_condition(tree)
    assert evaluate(tree, {"x": current}) is expected


@pytest.mark.parametrize(("tree", "values", "expected"), [
    ({"op": "and", "conditions": [leaf("a", ">", 1), leaf("b", "<", 5)]}, {"a": 2, "b": 4},
     True),
    ({"op": "and", "conditions": [leaf("a", ">", 1), leaf("b", "<", 5)]}, {"a": 2, "b": 6},
     False),
    ({"op": "or", "conditions": [leaf("a", ">", 1), leaf("b", "<", 5)]}, {"a": 0, "b": 4},
     True),
    ({"op": "or", "conditions": [leaf("a", ">", 1), leaf("b", "<", 5)]}, {"a": 0, "b": 6},
     False),
    # The spec's example: and(power > 120, or(voltage outside, power factor < 0.85))
    ({"op": "and", "conditions": [
        leaf("power_kw", ">", 120),
        {"op": "or", "conditions": [leaf("voltage", "outside", [207, 253]),
                                    leaf("power factor", "<", 0.85)]}]},
     {"power_kw": 130, "voltage": 230, "power factor": 0.8}, True),
    ({"op": "and", "conditions": [
        leaf("power_kw", ">", 120),
        {"op": "or", "conditions": [leaf("voltage", "outside", [207, 253]),
                                    leaf("power factor", "<", 0.85)]}]},
     {"power_kw": 130, "voltage": 230, "power factor": 0.9}, False),
    (nested(MAX_DEPTH), {"p": 2}, True),
])
def test_groups_and_nesting(tree, values, expected):
    validate_condition(tree)
    assert evaluate(tree, values) is expected


# --- evaluation: missing and unusable values -----------------------------------------------
@pytest.mark.parametrize("operator", [">", ">=", "<", "<=", "==", "!="])
def test_a_missing_value_is_false_for_every_comparison(operator):
    assert evaluate(leaf("x", operator, 1), {}) is False
    assert evaluate(leaf("x", operator, 1), {"other": 1}) is False


@pytest.mark.parametrize("operator", ["between", "outside"])
def test_a_missing_value_is_false_for_ranges(operator):
    assert evaluate(leaf("x", operator, [0, 1]), {}) is False


def test_missing_values_inside_groups():
    tree = {"op": "or", "conditions": [leaf("absent", "<", 1), leaf("present", ">", 1)]}
    assert evaluate(tree, {"present": 2}) is True
    tree["op"] = "and"
    assert evaluate(tree, {"present": 2}) is False


@pytest.mark.parametrize("current", ["12", None, True, math.nan, math.inf, [1], {"v": 1},
                                     10**400])
def test_a_value_that_is_not_a_finite_number_is_false(current):
    assert evaluate(leaf("x", "!=", 0), {"x": current}) is False


@pytest.mark.parametrize("tree", [
    None, 1, "x > 1", [], {}, {"op": "xor", "conditions": [leaf()]},
    {"op": "and", "conditions": []}, {"op": "and", "conditions": "nope"},
    leaf(operator="~"), leaf(value="1"), leaf(value=[1]), leaf(operator="between", value=5),
    leaf(operator="between", value=["a", "b"]), leaf(parameter=5), nested(MAX_DEPTH + 1),
])
def test_evaluation_of_a_malformed_tree_is_false_and_never_raises(tree):
    assert evaluate(tree, {"p": 100, "x": 100}) is False


# --- validation ----------------------------------------------------------------------------
@pytest.mark.parametrize(("tree", "path", "fragment"), [
    (None, "/", "must be an object"),
    ([leaf()], "/", "must be an object"),
    ("p > 1", "/", "must be an object"),
    ({}, "/", "needs operator, parameter, value"),
    ({"op": "and"}, "/", "needs conditions"),
    ({"op": "nand", "conditions": [leaf()]}, "/op", "unknown group operator"),
    ({"op": "and", "conditions": []}, "/conditions", "at least one"),
    ({"op": "and", "conditions": leaf()}, "/conditions", "must be a list"),
    ({"op": "and", "conditions": [leaf(), 3]}, "/conditions/1", "must be an object"),
    ({"op": "and", "conditions": [leaf()], "extra": 1}, "/", "unknown key(s) 'extra'"),
    ({**leaf(), "unit": "kW"}, "/", "unknown key(s) 'unit'"),
    ({"op": "or", "conditions": [leaf(operator="=~")]}, "/conditions/0/operator",
     "unknown operator"),
    (leaf(operator=None), "/operator", "unknown operator"),
    (leaf(value="12"), "/value", "finite number"),
    (leaf(value=True), "/value", "finite number"),
    (leaf(value=None), "/value", "finite number"),
    (leaf(value=math.nan), "/value", "finite number"),
    (leaf(value=math.inf), "/value", "finite number"),
    (leaf(value=10**400), "/value", "finite number"),
    (leaf(value=[1, 2]), "/value", "finite number"),
    (leaf(operator="between", value=5), "/value", "[low, high]"),
    (leaf(operator="between", value=[1]), "/value", "[low, high]"),
    (leaf(operator="outside", value=[1, 2, 3]), "/value", "[low, high]"),
    (leaf(operator="between", value=[1, "2"]), "/value/1", "finite number"),
    (leaf(operator="between", value=[math.nan, 2]), "/value/0", "finite number"),
    (leaf(operator="between", value=[5, 1]), "/value", "low must not be greater"),
    (leaf(parameter=""), "/parameter", "1 to 64"),
    (leaf(parameter="x" * 65), "/parameter", "1 to 64"),
    (leaf(parameter="_internal"), "/parameter", "must not start with '_'"),
    (leaf(parameter="bad\nkey"), "/parameter", "printable"),
    (leaf(parameter=7), "/parameter", "must be a string"),
    (nested(MAX_DEPTH + 1), "/" + "/".join(["conditions/0"] * MAX_DEPTH), "deeper than 8"),
    ({"op": "or", "conditions": [leaf()] * (MAX_LEAVES + 1)}, f"/conditions/{MAX_LEAVES}",
     f"more than {MAX_LEAVES}"),
])
def test_validation_names_the_bad_node(tree, path, fragment):
    with pytest.raises(ConditionError) as caught:
        validate_condition(tree)
    assert caught.value.path == path
    assert fragment in caught.value.reason


def test_bounds_are_inclusive():
    validate_condition(nested(MAX_DEPTH))
    validate_condition({"op": "or", "conditions": [leaf()] * MAX_LEAVES})
    validate_condition(leaf(operator="between", value=[2, 2]))


def test_validation_returns_the_parameters_in_first_use_order():
    tree = {"op": "and", "conditions": [leaf("b"), {"op": "or", "conditions": [
        leaf("a"), leaf("b"), leaf("spaced, \"quoted\" key é")]}]}
    assert validate_condition(tree) == ["b", "a", "spaced, \"quoted\" key é"]
    assert referenced_parameters(tree) == ["b", "a", "spaced, \"quoted\" key é"]


def test_referenced_parameters_tolerates_junk():
    assert referenced_parameters(None) == []
    assert referenced_parameters({"conditions": [1, leaf("k"), {"parameter": 3}]}) == ["k"]


def test_describe_reads_like_the_rule():
    tree = {"op": "and", "conditions": [
        leaf("power_kw", ">", 120.0),
        {"op": "or", "conditions": [leaf("voltage", "outside", [207, 253]),
                                    leaf("pf", "<", 0.85)]}]}
    assert describe(tree) == "power_kw > 120 and (voltage outside [207, 253] or pf < 0.85)"
    assert describe(None) == "?"
