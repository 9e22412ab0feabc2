"""Alert rules: validation on save (condition tree, scope, parameters, recipients), the
rule list, enabling and disabling, and dry runs against the devices' current values."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ServiceUnavailable, ValidationFailed, not_found
from app.core.logging import get_logger
from app.models.rule import Rule
from app.models.user import User
from app.repositories.rule_repo import RuleFilters, RuleRepository, ScopeRepository
from app.repositories.user_repo import UserRepository
from app.schemas.common import PageParams
from app.schemas.rule import DryRunResult, RuleCreate, RuleRead, RuleUpdate, ScopeParameter
from app.services.audit.service import AuditService
from app.services.rules.conditions import ConditionError, evaluate, validate_condition
from app.services.rules.versions import rule_versions_for
from app.stores.resources import Resources

log = get_logger(__name__)

# A dry run answers per device; beyond this many devices it would stop being a quick check.
DRY_RUN_MAX_DEVICES = 1000
# Suggestions for a picker: more keys than this are typed, not scrolled through.
SCOPE_PARAMETERS_MAX = 500


def condition_parameters(condition: Any) -> list[str]:
    """The parameters a valid tree reads; 422 INVALID_CONDITION otherwise."""
    try:
        return validate_condition(condition)
    except ConditionError as exc:
        raise ValidationFailed(f"Invalid condition at {exc.path}: {exc.reason}",
                               code="INVALID_CONDITION",
                               details={"path": exc.path, "reason": exc.reason}) from exc


class RuleService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int, *,
                 actor_id: int | None = None, client_ip: str | None = None) -> None:
        self.session = session
        self.resources = resources
        self.factory_id = factory_id
        self.audit = AuditService(session, factory_id)
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.rules = RuleRepository(session, factory_id)
        self.scopes = ScopeRepository(session, factory_id)

    async def load(self, rule_id: int) -> Rule:
        rule = await self.rules.get(rule_id)
        if rule is None:
            raise not_found("rule")
        return rule

    @staticmethod
    def read(rule: Rule) -> RuleRead:
        return rule_view(rule)

    async def search(self, filters: RuleFilters, page: PageParams
                     ) -> tuple[list[RuleRead], int]:
        rules, total = await self.rules.list_page(filters, offset=page.offset,
                                                  limit=page.per_page)
        return [rule_view(r) for r in rules], total

    async def create(self, body: RuleCreate, author: User) -> RuleRead:
        fields = body.model_dump(mode="json")
        await self._check(fields)
        rule = self.rules.add(Rule(**fields, created_by=author.id))
        await self.session.flush()
        self._record("rule.created", rule, {"name": rule.name})
        await self.session.commit()
        await self._changed()
        log.info("rule.created", rule_id=rule.id)
        return rule_view(rule)

    async def update(self, rule: Rule, body: RuleUpdate) -> RuleRead:
        changes = body.model_dump(mode="json", exclude_unset=True)
        merged = {**rule_view(rule).model_dump(mode="json"), **changes}
        if changes.keys() & {"condition", "scope", "allow_unseen_parameters", "recipients",
                             "escalation"}:
            await self._check(merged)
        for field, value in changes.items():
            setattr(rule, field, value)
        self._record("rule.updated", rule, {"fields": sorted(changes)})
        await self.session.commit()
        await self._changed()
        log.info("rule.updated", rule_id=rule.id, fields=sorted(changes))
        return rule_view(rule)

    async def set_active(self, rule: Rule, active: bool) -> RuleRead:
        rule.is_active = active
        self._record("rule.enabled" if active else "rule.disabled", rule, {"name": rule.name})
        await self.session.commit()
        await self._changed()
        log.info("rule.enabled" if active else "rule.disabled", rule_id=rule.id)
        return rule_view(rule)

    async def delete(self, rule: Rule) -> None:
        rule_id = rule.id
        # Its alerts stay (history); their rule_id becomes NULL.
        self._record("rule.deleted", rule, {"name": rule.name})
        await self.rules.delete(rule)
        await self.session.commit()
        await self._changed()
        log.info("rule.deleted", rule_id=rule_id)

    def _record(self, action: str, rule: Rule, details: dict[str, Any]) -> None:
        self.audit.record(self.actor_id, action, "rule", rule.id, details, self.client_ip)

    # -- dry runs --------------------------------------------------------------------------
    async def dry_run(self, condition: Any, scope: dict[str, Any]) -> list[DryRunResult]:
        """Evaluate a condition against the current values of the devices in scope."""
        parameters = condition_parameters(condition)
        await self._check_scope(scope)
        devices = await self.scopes.devices_in_scope(scope, DRY_RUN_MAX_DEVICES)
        try:
            latest = await self.resources.latest.get_many(self.factory_id,
                                                          [d.id for d in devices])
        except Exception as exc:
            log.warning("rule.dry_run_values_unavailable", error=str(exc)[:200])
            raise ServiceUnavailable("Current values are unavailable. Try again shortly.",
                                     code="LATEST_VALUES_UNAVAILABLE") from exc
        results = []
        for device in devices:
            current = {key: v.value for key, v in latest.get(device.id, {}).items()}
            results.append(DryRunResult(
                device_id=device.id, device_name=device.name,
                matched=evaluate(condition, current),
                values={p: current[p] for p in parameters if p in current},
                missing=[p for p in parameters if p not in current]))
        return results

    async def test(self, rule: Rule) -> list[DryRunResult]:
        return await self.dry_run(rule.condition, rule.scope or {"kind": "all"})

    async def scope_parameters(self, scope: dict[str, Any]) -> list[ScopeParameter]:
        """The parameters a condition on this scope can read, for the rule editor."""
        await self._check_scope(scope)
        rows = await self.scopes.parameter_summary(scope, SCOPE_PARAMETERS_MAX)
        return [ScopeParameter(parameter_key=key, display_name=name, unit=unit,
                               device_count=count) for key, name, unit, count in rows]

    # -- internals -------------------------------------------------------------------------
    async def _check(self, fields: dict[str, Any]) -> None:
        parameters = condition_parameters(fields["condition"])
        scope = fields["scope"]
        await self._check_scope(scope)
        if not fields.get("allow_unseen_parameters"):
            known = await self.scopes.known_parameters(scope, parameters)
            unknown = [p for p in parameters if p not in known]
            if unknown:
                raise ValidationFailed(
                    f"No device in the rule's scope has reported {', '.join(map(repr, unknown))}"
                    ". Check the spelling, or set allow_unseen_parameters for a parameter "
                    "that is not reported yet.",
                    code="UNKNOWN_PARAMETER", details={"parameters": unknown})
        user_ids = list((fields.get("recipients") or {}).get("user_ids") or [])
        for step in (fields.get("escalation") or {}).get("steps") or []:
            user_ids += (step.get("recipients") or {}).get("user_ids") or []
        user_ids = list(dict.fromkeys(user_ids))
        if user_ids:
            found = {u.id for u in await UserRepository(self.session, self.factory_id)
                     .get_people(user_ids)}
            missing = [i for i in user_ids if i not in found]
            if missing:
                raise ValidationFailed("Some recipients are not users of this factory.",
                                       code="INVALID_RECIPIENTS",
                                       details={"missing_user_ids": missing})

    async def _check_scope(self, scope: dict[str, Any]) -> None:
        if scope.get("kind") == "node":
            if not await self.scopes.node_exists(int(scope["node_id"])):
                raise ValidationFailed("The scope's asset node is not a node of this "
                                       "factory.", code="INVALID_SCOPE",
                                       details={"node_id": scope["node_id"]})
            return
        if scope.get("kind") != "devices":
            return
        ids = [int(i) for i in scope.get("device_ids") or []]
        found = await self.scopes.existing_device_ids(ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationFailed("Some devices of the scope are not devices of this "
                                   "factory.", code="INVALID_SCOPE",
                                   details={"missing_device_ids": missing})

    async def _changed(self) -> None:
        await rule_versions_for(self.resources).bump(self.factory_id)


def rule_view(rule: Rule) -> RuleRead:
    return RuleRead.model_validate({
        "id": rule.id,
        "name": rule.name,
        "description": rule.description or "",
        "scope": rule.scope or {"kind": "all"},
        "condition": rule.condition,
        "severity": rule.severity,
        "cooldown_minutes": rule.cooldown_minutes,
        "for_seconds": rule.for_seconds,
        "schedule": rule.schedule,
        "channels": list(rule.channels or []),
        "recipients": {"user_permissions": [], "user_ids": [], "emails": [], "phones": [],
                       **(rule.recipients or {})},
        "auto_resolve": rule.auto_resolve,
        "escalation": rule.escalation,
        "notify_on_resolve": bool(rule.notify_on_resolve),
        "allow_unseen_parameters": rule.allow_unseen_parameters,
        "is_active": rule.is_active,
        "created_by": rule.created_by,
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    })
