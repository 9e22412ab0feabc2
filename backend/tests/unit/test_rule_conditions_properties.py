"""Property-based checks: validation accepts every well-formed tree, rejects malformed ones
with `ConditionError` and nothing else, and evaluation never raises on anything."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.rules.conditions import (
    COMPARISONS,
    MAX_DEPTH,
    RANGES,
    ConditionError,
    evaluate,
    validate_condition,
)

finite = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**6, 10**6)
parameter_keys = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
                         min_size=1, max_size=64).filter(
    lambda k: not k.startswith("_") and k.isprintable())


@st.composite
def comparisons(draw):
    operator = draw(st.sampled_from(COMPARISONS + RANGES))
    if operator in RANGES:
        low, high = sorted([draw(finite), draw(finite)])
        value = [low, high]
    else:
        value = draw(finite)
    return {"parameter": draw(parameter_keys), "operator": operator, "value": value}


def groups(children):
    return st.fixed_dictionaries({
        "op": st.sampled_from(["and", "or"]),
        "conditions": st.lists(children, min_size=1, max_size=4),
    })


# Depth-limited valid trees: recursive() may nest as deep as it likes, so cap it explicitly.
def valid_trees(depth: int = MAX_DEPTH):
    if depth == 1:
        return comparisons()
    return comparisons() | groups(st.deferred(lambda: valid_trees(depth - 1)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["op", "conditions", "parameter", "operator", "value", "x"])
        | st.text(max_size=5), inner, max_size=5),
    max_leaves=30,
)


@st.composite
def mutated_trees(draw):
    """A valid tree with one node broken in one of the ways a client could break it."""
    tree = draw(valid_trees(4))
    node = tree
    while "conditions" in node and draw(st.booleans()):
        node = draw(st.sampled_from(node["conditions"]))
    breakage = draw(st.sampled_from([
        "drop_key", "extra_key", "bad_operator", "bad_value", "swap_range", "empty_group",
        "bad_op", "not_a_dict", "bad_parameter"]))
    if breakage == "not_a_dict":
        if "conditions" in node:
            node["conditions"].append(draw(st.none() | st.integers() | st.text() | st.lists(
                st.integers(), max_size=2)))
        else:
            return draw(st.none() | st.integers() | st.text() | st.lists(st.integers()))
    elif "conditions" in node:
        if breakage == "empty_group":
            node["conditions"] = []
        elif breakage == "bad_op":
            node["op"] = draw(st.text().filter(lambda t: t not in ("and", "or")) | st.none())
        elif breakage == "drop_key":
            del node[draw(st.sampled_from(["op", "conditions"]))]
        else:
            node["unexpected"] = 1
    else:
        if breakage == "drop_key":
            del node[draw(st.sampled_from(["parameter", "operator", "value"]))]
        elif breakage == "extra_key":
            node["op"] = "and"
        elif breakage == "bad_operator":
            node["operator"] = draw(st.text().filter(lambda t: t not in COMPARISONS + RANGES)
                                    | st.integers() | st.none())
        elif breakage == "bad_value":
            node["value"] = draw(st.text() | st.none() | st.booleans()
                                 | st.just(float("nan")) | st.just(float("inf"))
                                 | st.just(10**400) | st.lists(finite, min_size=3))
        elif breakage == "swap_range":
            node["operator"] = "between"
            low = draw(finite)
            node["value"] = [low + 1, low - 1] if abs(low) < 1e15 else [1, 0]
        else:
            node["parameter"] = draw(st.just("") | st.just("_x") | st.integers()
                                     | st.text(min_size=65, max_size=70))
    return tree


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(valid_trees())
def test_well_formed_trees_validate(tree):
    parameters = validate_condition(tree)
    assert parameters and all(isinstance(p, str) for p in parameters)
    # and survive a JSON round trip unchanged in meaning
    assert validate_condition(json.loads(json.dumps(tree))) == parameters


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_trees())
def test_malformed_trees_are_rejected_with_a_condition_error_only(tree):
    try:
        validate_condition(tree)
    except ConditionError as exc:
        assert exc.path.startswith("/") and exc.reason
    else:
        raise AssertionError(f"accepted a malformed tree: {tree!r}")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_input_never_raises_anything_but_a_condition_error(value):
    try:
        validate_condition(value)
    except ConditionError:
        pass


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(json_values | valid_trees(3),
       st.dictionaries(st.text(max_size=5), json_values, max_size=5))
def test_evaluation_never_raises(tree, values):
    assert evaluate(tree, values) in (True, False)
