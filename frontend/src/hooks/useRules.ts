import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRule, deleteRule, dryRunRule, getRule, listRules, setRuleActive, updateRule } from '@/api/rules';
import { useDeviceDirectory, useParametersOfDevices } from '@/hooks/useDevices';
import type { DeviceParameter } from '@/types/device';
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

/** Devices whose parameters are read for the picker's suggestions; beyond, keys can be typed. */
export const SCOPE_DISCOVERY_DEVICES = 30;

export interface ScopeParameter {
  key: string;
  /** A name someone gave it on one of the devices. */
  label: string | null;
  unit: string | null;
  /** How many of the devices read report it. */
  devices: number;
}

/**
 * The parameters discovered on the devices of a rule's scope: the union over the devices it
 * matches, read from each device's parameter list (cached per device, shared with the device
 * pages). "All devices", a type or an area read at most SCOPE_DISCOVERY_DEVICES devices.
 */
export function useScopeParameters(scope: RuleScope) {
  const directory = useDeviceDirectory();
  const all = directory.data?.devices ?? [];
  const matching =
    scope.kind === 'devices'
      ? scope.device_ids
      : all
          .filter((d) => d.status !== 'disabled')
          .filter((d) =>
            scope.kind === 'type' ? d.type === scope.value : scope.kind === 'area' ? d.area === scope.value : true,
          )
          .map((d) => d.id);
  const ids = matching.slice(0, SCOPE_DISCOVERY_DEVICES);
  const queries = useParametersOfDevices(ids);

  const byKey = new Map<string, ScopeParameter>();
  queries.forEach((q) => {
    (q.data ?? []).forEach((p: DeviceParameter) => {
      const known = byKey.get(p.parameter_key);
      if (known) {
        known.devices += 1;
        known.label ??= p.display_name;
        known.unit ??= p.unit;
      } else {
        byKey.set(p.parameter_key, { key: p.parameter_key, label: p.display_name, unit: p.unit, devices: 1 });
      }
    });
  });
  const parameters = [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
  return {
    parameters,
    loading: (scope.kind !== 'devices' && directory.isPending) || queries.some((q) => q.isPending),
    devicesRead: ids.length,
    devicesMatching: scope.kind === 'devices' ? scope.device_ids.length : matching.length,
  };
}
