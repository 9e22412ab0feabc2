"""Test-time SQL guard: every SELECT, UPDATE or DELETE that an ORM session sends to a tenant
table must constrain that table's `factory_id`. Installed for the whole test run, so a
repository method that forgets the filter fails whichever test exercises it.

Unit-of-work flushes (UPDATE/DELETE by primary key of rows already loaded through a scoped
query) do not pass through `do_orm_execute` and are not checked; statements a developer
writes always are. A deliberate cross-factory statement (a scheduler scanning every
factory's due jobs) says so with `.execution_options(cross_tenant=True)`."""

from __future__ import annotations

from sqlalchemy import Table, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, ColumnClause
from sqlalchemy.sql.selectable import Alias, Join, Select

from app.models import tenant_tables

violations: list[str] = []


def _base_table(from_obj) -> Table | None:
    if isinstance(from_obj, Table):
        return from_obj
    if isinstance(from_obj, Alias) and isinstance(from_obj.element, Table):
        return from_obj.element
    return None


def _flatten(from_obj, out: list, onclauses: list) -> None:
    if isinstance(from_obj, Join):
        onclauses.append(from_obj.onclause)
        _flatten(from_obj.left, out, onclauses)
        _flatten(from_obj.right, out, onclauses)
    else:
        out.append(from_obj)


def _scoped_froms(criteria) -> set:
    """The FROM objects whose factory_id column is compared (=, IN) in `criteria`."""
    scoped = set()
    for clause in criteria:
        if clause is None:
            continue
        for node in visitors.iterate(clause):
            if isinstance(node, BinaryExpression) and node.operator in (
                operators.eq, operators.in_op
            ):
                for side in (node.left, node.right):
                    if isinstance(side, ColumnClause) and side.name == "factory_id":
                        scoped.add(side.table)
    return scoped


def _check_select(stmt: Select, tenant: set[str]) -> list[str]:
    froms: list = []
    onclauses: list = []
    for f in stmt.get_final_froms():
        _flatten(f, froms, onclauses)
    scoped = _scoped_froms([stmt.whereclause, *onclauses])
    problems = []
    for f in froms:
        table = _base_table(f)
        if table is not None and table.name in tenant and f not in scoped:
            problems.append(f"SELECT from {table.name} without a factory_id condition")
    return problems


def _check_dml(stmt, tenant: set[str]) -> list[str]:
    table = stmt.table
    if table.name in tenant and table not in _scoped_froms([stmt.whereclause]):
        return [f"{stmt.__visit_name__.upper()} on {table.name} without a factory_id condition"]
    return []


def statement_violations(stmt) -> list[str]:
    tenant = tenant_tables()
    problems: list[str] = []
    for node in visitors.iterate(stmt):
        if isinstance(node, Select):
            problems += _check_select(node, tenant)
        elif getattr(node, "__visit_name__", None) in ("update", "delete"):
            problems += _check_dml(node, tenant)
    return problems


def _on_orm_execute(state: ORMExecuteState) -> None:
    if state.execution_options.get("cross_tenant"):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    problems = statement_violations(state.statement)
    if problems:
        message = "; ".join(problems) + f"\n  statement: {state.statement}"
        violations.append(message)
        raise AssertionError("tenancy guard: " + message)


def install() -> None:
    if not event.contains(Session, "do_orm_execute", _on_orm_execute):
        event.listen(Session, "do_orm_execute", _on_orm_execute)
