import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRule, deleteRule, dryRunRule, getRule, listRules, listScopeParameters, setRuleActive, updateRule } from '@/api/rules';
import { useDebouncedValue } from '@/hooks/useDebouncedValue';
import type { RuleListParams, RuleScope, RuleWrite } from '@/types/rules';

export const ruleKeys = {
  all: ['rules'] as const,
  list: (params: RuleListParams) => ['rules', 'list', params] as const,
  detail: (id: number) => ['rules', 'detail', id] as const,
};

export function useRules(params: RuleListParams) {
  return useQuery({
    queryKey: ruleKeys.list(params),
    queryFn: ({ signal }) => listRules(params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRule(id: number | null) {
  return useQuery({
    queryKey: ruleKeys.detail(id ?? 0),
    queryFn: ({ signal }) => getRule(id ?? 0, signal),
    enabled: id !== null,
  });
}

function useInvalidateRules() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ruleKeys.all });
}

export function useCreateRule() {
  const invalidate = useInvalidateRules();
  return useMutation({ mutationFn: createRule, onSuccess: () => void invalidate() });
}

export function useUpdateRule(id: number) {
  const invalidate = useInvalidateRules();
  return useMutation({ mutationFn: (body: Partial<RuleWrite>) => updateRule(id, body), onSuccess: () => void invalidate() });
}

export function useSetRuleActive() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: ({ id, active }: { id: number; active: boolean }) => setRuleActive(id, active),
    onSuccess: () => void invalidate(),
  });
}

export function useDeleteRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => deleteRule(id),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: ruleKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: ['rules', 'list'] });
    },
  });
}

export function useDryRun() {
  return useMutation({ mutationFn: dryRunRule });
}

/** The server's cap on the keys it lists for a scope (backend SCOPE_PARAMETERS_MAX). */
export const SCOPE_PARAMETERS_MAX = 500;

export interface ScopeParameter {
  key: string;
  /** A name someone gave it on one of the devices. */
  label: string | null;
  unit: string | null;
  /** How many devices in scope report it. */
  devices: number;
}

/**
 * The parameters reported across the enabled devices of a rule's scope, in one request.
 * Asking needs manage_rules, so `enabled` is false for someone who only reads the rule; a
 * scope still being typed is asked about once it settles.
 */
export function useScopeParameters(scope: RuleScope | null, enabled = true) {
  const settled = useDebouncedValue(scope ? JSON.stringify(scope) : null);
  const query = useQuery({
    queryKey: ['rules', 'parameters', settled],
    queryFn: ({ signal }) => listScopeParameters(JSON.parse(settled ?? '{}') as RuleScope, signal),
    enabled: enabled && settled !== null,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
  const parameters: ScopeParameter[] = (query.data ?? []).map((p) => ({
    key: p.parameter_key,
    label: p.display_name,
    unit: p.unit,
    devices: p.device_count,
  }));
  const current = query.isSuccess && !query.isPlaceholderData;
  return {
    parameters,
    loading: enabled && settled !== null && !current && !query.isError,
    // A capped list cannot tell that a key is missing from the scope.
    complete: current && parameters.length < SCOPE_PARAMETERS_MAX,
  };
}
