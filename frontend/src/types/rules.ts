/** Alert rules (backend/app/schemas/rule.py) and their condition trees. */
import type { Permission } from '@/types/auth';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const COMPARISON_OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export const RANGE_OPERATORS = ['between', 'outside'] as const;
export const OPERATORS = [...COMPARISON_OPERATORS, ...RANGE_OPERATORS] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];
export type RangeOperator = (typeof RANGE_OPERATORS)[number];
export type Operator = ComparisonOperator | RangeOperator;
export type GroupOp = 'and' | 'or';

export type ConditionLeaf =
  | { parameter: string; operator: ComparisonOperator; value: number }
  | { parameter: string; operator: RangeOperator; value: [number, number] };

export interface ConditionGroup {
  op: GroupOp;
  conditions: ConditionNode[];
}

export type ConditionNode = ConditionLeaf | ConditionGroup;

export type RuleScope =
  | { kind: 'all' }
  | { kind: 'devices'; device_ids: number[] }
  | { kind: 'type'; value: string }
  | { kind: 'area'; value: string };

export type ScopeKind = RuleScope['kind'];

/** Active hours on the factory's clock; Monday is 0; `end` may be "24:00". */
export interface RuleSchedule {
  days: number[];
  start: string;
  end: string;
}

export type Channel = 'email' | 'whatsapp';

export interface Recipients {
  user_permissions: Permission[];
  user_ids: number[];
  emails: string[];
  phones: string[];
}

export interface RuleWrite {
  name: string;
  description: string;
  scope: RuleScope;
  condition: ConditionNode;
  severity: Severity;
  cooldown_minutes: number;
  for_seconds: number;
  schedule: RuleSchedule | null;
  channels: Channel[];
  recipients: Recipients;
  auto_resolve: boolean;
  allow_unseen_parameters: boolean;
  is_active: boolean;
}

export interface Rule extends RuleWrite {
  id: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface RuleListParams {
  q?: string;
  severity?: Severity;
  is_active?: boolean;
  page?: number;
  per_page?: number;
}

/** One parameter key reported across the enabled devices of a scope (POST /rules/parameters). */
export interface ScopeParameterSummary {
  parameter_key: string;
  /** A name given to it on one of the devices. */
  display_name: string | null;
  unit: string | null;
  device_count: number;
}

export interface DryRunResult {
  device_id: number;
  device_name: string;
  matched: boolean;
  values: Record<string, number>;
  missing: string[];
}
