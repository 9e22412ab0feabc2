import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse, ListResponse } from '@/types/api';
import type { ConditionNode, DryRunResult, Rule, RuleListParams, RuleScope, RuleWrite, ScopeParameterSummary } from '@/types/rules';

export async function listRules(params: RuleListParams, signal?: AbortSignal): Promise<ListResponse<Rule>> {
  const res = await api.get<ListResponse<Rule>>('/rules', { params: compactParams(params), signal });
  return res.data;
}

export async function getRule(id: number, signal?: AbortSignal): Promise<Rule> {
  const res = await api.get<ItemResponse<Rule>>(`/rules/${id}`, { signal });
  return res.data.data;
}

export async function createRule(body: RuleWrite): Promise<Rule> {
  const res = await api.post<ItemResponse<Rule>>('/rules', body);
  return res.data.data;
}

export async function updateRule(id: number, body: Partial<RuleWrite>): Promise<Rule> {
  const res = await api.patch<ItemResponse<Rule>>(`/rules/${id}`, body);
  return res.data.data;
}

export async function setRuleActive(id: number, active: boolean): Promise<Rule> {
  const res = await api.post<ItemResponse<Rule>>(`/rules/${id}/${active ? 'enable' : 'disable'}`);
  return res.data.data;
}

export async function deleteRule(id: number): Promise<void> {
  await api.delete(`/rules/${id}`);
}

/** Evaluates a condition against the devices' current values; nothing is saved. */
export async function dryRunRule(body: { condition: ConditionNode; scope: RuleScope }): Promise<DryRunResult[]> {
  const res = await api.post<ItemResponse<DryRunResult[]>>('/rules/dry-run', body);
  return res.data.data;
}

/** The parameter keys the enabled devices of a scope have reported, sorted, at most SCOPE_PARAMETERS_MAX. */
export async function listScopeParameters(scope: RuleScope, signal?: AbortSignal): Promise<ScopeParameterSummary[]> {
  const res = await api.post<ItemResponse<ScopeParameterSummary[]>>('/rules/parameters', { scope }, { signal });
  return res.data.data;
}
