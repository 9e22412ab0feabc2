"""Condition trees: validation when a rule is saved, evaluation when telemetry arrives.

A tree is a group `{"op": "and"|"or", "conditions": [...]}` nested to any depth within the
bounds below, or a leaf `{"parameter": key, "operator": op, "value": number | [lo, hi]}`.
Pure functions, no I/O: the API, the rule engine and the dry run share them.

Validation raises `ConditionError` and nothing else, whatever it is given. Evaluation never
raises: the engine must keep going on a tree that slipped past validation (edited in the
database, written by an older version), so anything it cannot read is simply false."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from app.services.rules.clock_conditions import clock_condition, clock_problem, is_clock_condition

MAX_DEPTH = 8
MAX_LEAVES = 100
PARAMETER_MAX_LENGTH = 64

GROUP_OPS = ("and", "or")
COMPARISONS = (">", ">=", "<", "<=", "==", "!=")
RANGES = ("between", "outside")
OPERATORS = COMPARISONS + RANGES

_GROUP_KEYS = frozenset({"op", "conditions"})
_LEAF_KEYS = frozenset({"parameter", "operator", "value"})


class ConditionError(ValueError):
    """A malformed tree. `path` points at the offending node, JSON-pointer style."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path or "/"
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def validate_condition(tree: Any) -> list[str]:
    """Check `tree` and return the parameter keys it reads, in first-use order. A clock
    condition (`clock_conditions.py`) stands alone, as the whole tree."""
    if is_clock_condition(tree):
        problem = clock_problem(tree)
        if problem:
            raise ConditionError(*problem)
        key = tree.get("parameter")
        if key is not None:
            key_problem = parameter_key_problem(key)
            if key_problem:
                raise ConditionError("/parameter", key_problem)
        return [key] if key is not None else []
    parameters: dict[str, None] = {}
    leaves = _validate_node(tree, "", 1, parameters, [0])
    if leaves == 0:  # pragma: no cover - a valid tree always has a leaf
        raise ConditionError("", "the condition has no comparison")
    return list(parameters)


def _validate_node(node: Any, path: str, depth: int, parameters: dict[str, None],
                   leaf_count: list[int]) -> int:
    if depth > MAX_DEPTH:
        raise ConditionError(path, f"groups are nested deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict):
        raise ConditionError(path, "must be an object: a group {op, conditions} or a "
                                   "comparison {parameter, operator, value}")
    keys = set(node)
    if is_clock_condition(node):
        raise ConditionError(path, "a silent-device or stale-parameter condition is a rule's "
                                   "whole condition, not part of a group")
    if "op" in keys or "conditions" in keys:
        _check_keys(keys, _GROUP_KEYS, path, "group")
        return _validate_group(node, path, depth, parameters, leaf_count)
    _check_keys(keys, _LEAF_KEYS, path, "comparison")
    _validate_leaf(node, path, parameters)
    leaf_count[0] += 1
    if leaf_count[0] > MAX_LEAVES:
        raise ConditionError(path, f"more than {MAX_LEAVES} comparisons in one condition")
    return 1


def _check_keys(keys: set, allowed: frozenset[str], path: str, kind: str) -> None:
    unknown = [k for k in keys if k not in allowed]
    if unknown:
        names = ", ".join(sorted(repr(k) for k in unknown))
        raise ConditionError(path, f"unknown key(s) {names} in a {kind}; allowed: "
                                   f"{', '.join(sorted(allowed))}")
    missing = sorted(allowed - keys)
    if missing:
        raise ConditionError(path, f"a {kind} needs {', '.join(missing)}")


def _validate_group(node: dict, path: str, depth: int, parameters: dict[str, None],
                    leaf_count: list[int]) -> int:
    op = node["op"]
    if not isinstance(op, str) or op not in GROUP_OPS:
        raise ConditionError(f"{path}/op", f"unknown group operator {_show(op)}; expected "
                                           "'and' or 'or'")
    children = node["conditions"]
    if not isinstance(children, list):
        raise ConditionError(f"{path}/conditions", "must be a list of conditions")
    if not children:
        raise ConditionError(f"{path}/conditions", "a group needs at least one condition")
    leaves = 0
    for index, child in enumerate(children):
        leaves += _validate_node(child, f"{path}/conditions/{index}", depth + 1, parameters,
                                 leaf_count)
    return leaves


def _validate_leaf(node: dict, path: str, parameters: dict[str, None]) -> None:
    parameter = node["parameter"]
    problem = parameter_key_problem(parameter)
    if problem:
        raise ConditionError(f"{path}/parameter", problem)
    operator = node["operator"]
    if not isinstance(operator, str) or operator not in OPERATORS:
        raise ConditionError(f"{path}/operator", f"unknown operator {_show(operator)}; "
                                                 f"expected one of {', '.join(OPERATORS)}")
    value = node["value"]
    if operator in RANGES:
        if not isinstance(value, list) or len(value) != 2:
            raise ConditionError(f"{path}/value", f"'{operator}' needs a list [low, high]")
        low, high = value
        for index, bound in enumerate(value):
            if not _is_finite_number(bound):
                raise ConditionError(f"{path}/value/{index}", "must be a finite number")
        if float(low) > float(high):
            raise ConditionError(f"{path}/value", "low must not be greater than high")
    elif not _is_finite_number(value):
        raise ConditionError(f"{path}/value", f"'{operator}' needs a finite number")
    parameters.setdefault(parameter, None)


def parameter_key_problem(key: Any) -> str | None:
    """Why `key` cannot name a parameter (the MQTT contract's rule), or None."""
    if not isinstance(key, str):
        return "must be a string"
    if not 1 <= len(key) <= PARAMETER_MAX_LENGTH:
        return f"must be 1 to {PARAMETER_MAX_LENGTH} characters"
    if key.startswith("_"):
        return "must not start with '_'"
    if not key.isprintable():
        return "must be printable characters"
    return None


def _is_finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer too large for a float
        return False


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- evaluation ------------------------------------------------------------------------------
def evaluate(tree: Any, values: Mapping[str, Any]) -> bool:
    """Whether `tree` holds for `values` (parameter → current value). A comparison on a
    parameter without a usable value is false; a malformed node is false."""
    try:
        return _evaluate(tree, values, 1)
    except Exception:
        return False


def _evaluate(node: Any, values: Mapping[str, Any], depth: int) -> bool:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return False
    if "op" in node:
        children = node.get("conditions")
        if not isinstance(children, list) or not children:
            return False
        results = (_evaluate(child, values, depth + 1) for child in children)
        op = node["op"]
        if op == "and":
            return all(results)
        if op == "or":
            return any(results)
        return False
    return _compare(node, values)


def _compare(leaf: dict, values: Mapping[str, Any]) -> bool:
    parameter = leaf.get("parameter")
    if not isinstance(parameter, str):
        return False
    current = values.get(parameter)
    if not _is_finite_number(current):
        return False
    operator = leaf.get("operator")
    target = leaf.get("value")
    if operator in RANGES:
        if not isinstance(target, list | tuple) or len(target) != 2:
            return False
        low, high = target
        if not (_is_finite_number(low) and _is_finite_number(high)):
            return False
        inside = low <= current <= high
        return inside if operator == "between" else not inside
    if not _is_finite_number(target):
        return False
    if operator == ">":
        return current > target
    if operator == ">=":
        return current >= target
    if operator == "<":
        return current < target
    if operator == "<=":
        return current <= target
    if operator == "==":
        return current == target
    if operator == "!=":
        return current != target
    return False


def referenced_parameters(tree: Any) -> list[str]:
    """The parameter keys a tree reads, in first-use order; tolerant of malformed trees."""
    return list(dict.fromkeys(_walk_parameters(tree, 1)))


def _walk_parameters(node: Any, depth: int) -> Iterator[str]:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return
    children = node.get("conditions")
    if isinstance(children, list):
        for child in children:
            yield from _walk_parameters(child, depth + 1)
        return
    parameter = node.get("parameter")
    if isinstance(parameter, str):
        yield parameter


def describe(tree: Any) -> str:
    """Human text for messages: `power_kw > 120 and (voltage outside [207, 253])`."""
    clock = clock_condition(tree)
    if clock is not None:
        return clock.describe()
    try:
        return _describe(tree, 1, top=True)
    except Exception:
        return "condition"


def _describe(node: Any, depth: int, top: bool = False) -> str:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return "?"
    children = node.get("conditions")
    if isinstance(children, list):
        text = f" {node.get('op')} ".join(_describe(c, depth + 1) for c in children)
        return text if top or len(children) == 1 else f"({text})"
    value = node.get("value")
    shown = f"[{_number(value[0])}, {_number(value[1])}]" if (
        isinstance(value, list) and len(value) == 2) else _number(value)
    return f"{node.get('parameter')} {node.get('operator')} {shown}"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
