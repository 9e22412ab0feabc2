/** Alert rules (/rules) and their condition trees. */
import { membersOf } from '@/types/api';
import type { QueryOf, Schema } from '@/types/api';

export type Severity = Schema<'RuleRead'>['severity'];
export const SEVERITIES = membersOf<Severity>()(['info', 'warning', 'critical']);

/*
 * The API takes the condition as a free-form object that it checks itself (422
 * INVALID_CONDITION with the path of the bad node); these types are the tree it accepts.
 */
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

/** Conditions decided on the rule engine's clock; each is a rule's whole condition. */
export type ClockCondition = { silent_for_seconds: number } | { parameter: string; stale_for_seconds: number };
export type RuleCondition = ConditionNode | ClockCondition;

export function isClockCondition(condition: unknown): condition is ClockCondition {
  return typeof condition === 'object' && condition !== null && ('silent_for_seconds' in condition || 'stale_for_seconds' in condition);
}

export type Escalation = Schema<'Escalation'>;

export type RuleScope = Schema<'RuleRead'>['scope'];
export type ScopeKind = RuleScope['kind'];

/** Active hours on the factory's clock; Monday is 0; `end` may be "24:00". */
export type RuleSchedule = Schema<'Schedule'>;
export type Channel = Schema<'RuleRead'>['channels'][number];
export type Recipients = Required<Schema<'Recipients'>>;

/** What the rule form sends: every field, the condition as the tree above. */
export type RuleWrite = Omit<Required<Schema<'RuleCreate'>>, 'condition' | 'recipients'> & {
  condition: RuleCondition;
  recipients: Recipients;
};

export type Rule = Omit<Schema<'RuleRead'>, 'condition' | 'recipients'> & {
  condition: RuleCondition;
  recipients: Recipients;
};

export type RuleListParams = QueryOf<'/api/v1/rules'>;

/** One parameter key reported across the enabled devices of a scope (POST /rules/parameters). */
export type ScopeParameterSummary = Schema<'ScopeParameter'>;
export type DryRunResult = Schema<'DryRunResult'>;
