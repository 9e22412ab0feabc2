from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.api.deps import (
    AppResources,
    ClientIp,
    CurrentUser,
    DbSession,
    Pagination,
    require_permission,
)
from app.models.rule import Rule
from app.models.user import User
from app.repositories.rule_repo import RuleFilters
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.rule import (
    MAX_ID,
    DryRunRequest,
    DryRunResult,
    RuleCreate,
    RuleRead,
    RuleUpdate,
    ScopeParameter,
    ScopeParametersRequest,
    Severity,
)
from app.services.rules.service import SCOPE_PARAMETERS_MAX, RuleService

router = APIRouter(prefix="/rules", tags=["rules"])


async def get_rule_service(user: CurrentUser, db: DbSession, resources: AppResources,
                     ip: ClientIp) -> RuleService:
    return RuleService(db, resources, user.factory_id, actor_id=user.id, client_ip=ip)


Rules = Annotated[RuleService, Depends(get_rule_service)]
ManageRules = Annotated[User, Depends(require_permission("manage_rules"))]


async def load_rule(rule_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Rules) -> Rule:
    return await service.load(rule_id)


RuleDep = Annotated[Rule, Depends(load_rule)]


@router.get("", operation_id="rules_list",
            response_model=ListEnvelope[RuleRead], summary="List rules")
async def list_rules(
    service: Rules,
    page: Pagination,
    is_active: bool | None = None,
    severity: Severity | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Contained in the name or "
                                                              "description")] = None,
):
    items, total = await service.search(
        RuleFilters(is_active=is_active, severity=severity, q=q or None), page)
    return list_envelope(items, total, page)


@router.post("", operation_id="rules_create",
             status_code=status.HTTP_201_CREATED, response_model=Envelope[RuleRead],
             summary="Create a rule")
async def create_rule(user: ManageRules, body: RuleCreate, service: Rules):
    return {"data": await service.create(body, user)}


@router.post("/dry-run", operation_id="rules_dry_run", response_model=Envelope[list[DryRunResult]],
             summary="Evaluate a candidate condition against the devices' current values; "
                     "nothing is saved")
async def dry_run(_: ManageRules, body: DryRunRequest, service: Rules):
    scope = body.scope.model_dump(mode="json")
    return {"data": await service.dry_run(body.condition, scope)}


@router.post("/parameters", operation_id="rules_scope_parameters",
             response_model=Envelope[list[ScopeParameter]],
             summary="The parameters the enabled devices of a scope have reported, by key "
                     f"(at most {SCOPE_PARAMETERS_MAX})")
async def scope_parameters(_: ManageRules, body: ScopeParametersRequest, service: Rules):
    return {"data": await service.scope_parameters(body.scope.model_dump(mode="json"))}


@router.get("/{rule_id}", operation_id="rules_get",
            response_model=Envelope[RuleRead], summary="One rule")
async def get_rule(rule: RuleDep, service: Rules):
    return {"data": service.read(rule)}


@router.patch("/{rule_id}", operation_id="rules_update",
              response_model=Envelope[RuleRead], summary="Edit a rule")
async def update_rule(rule: RuleDep, _: ManageRules, body: RuleUpdate, service: Rules):
    return {"data": await service.update(rule, body)}


@router.delete("/{rule_id}", operation_id="rules_delete", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a rule; its alerts are kept")
async def delete_rule(rule: RuleDep, _: ManageRules, service: Rules) -> Response:
    await service.delete(rule)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{rule_id}/enable", operation_id="rules_enable",
             response_model=Envelope[RuleRead], summary="Enable a rule")
async def enable_rule(rule: RuleDep, _: ManageRules, service: Rules):
    return {"data": await service.set_active(rule, True)}


@router.post("/{rule_id}/disable", operation_id="rules_disable", response_model=Envelope[RuleRead],
             summary="Disable a rule: it stops raising alerts; open ones stay open")
async def disable_rule(rule: RuleDep, _: ManageRules, service: Rules):
    return {"data": await service.set_active(rule, False)}


@router.post("/{rule_id}/test", operation_id="rules_test",
             response_model=Envelope[list[DryRunResult]],
             summary="Evaluate a saved rule against the devices' current values")
async def test_rule(rule: RuleDep, _: ManageRules, service: Rules):
    return {"data": await service.test(rule)}
