/**
 * The rule builder's model of a condition tree. The editor keeps ids (for React keys and for
 * pointing errors at a node) and the raw text of number inputs (so "0." or "-" can be typed);
 * `toCondition` turns it into the API's JSON, `draftFromCondition` back.
 *
 * Bounds follow backend/app/services/rule_conditions.py: the root is at depth 1, no node
 * deeper than 8, at most 100 comparisons.
 */
import {
  isClockCondition,
  RANGE_OPERATORS,
  type ConditionGroup,
  type ConditionLeaf,
  type ConditionNode,
  type GroupOp,
  type Operator,
  type RangeOperator,
  type RuleCondition,
} from '@/types/rules';

export const MAX_DEPTH = 8;
export const MAX_LEAVES = 100;
export const PARAMETER_MAX_LENGTH = 64;

export interface LeafDraft {
  kind: 'leaf';
  id: string;
  parameter: string;
  operator: Operator;
  /** The number, or the low bound of a range. */
  value: string;
  /** The high bound of a range; kept while another operator is chosen, so switching back restores it. */
  high: string;
}

export interface GroupDraft {
  kind: 'group';
  id: string;
  op: GroupOp;
  children: NodeDraft[];
}

export type NodeDraft = LeafDraft | GroupDraft;

/** Which part of a node a message is about. */
export type NodeField = 'node' | 'parameter' | 'operator' | 'value' | 'low' | 'high' | 'op' | 'conditions';

export type NodeErrors = Record<string, Partial<Record<NodeField, string>>>;

let nextId = 0;
function newId(prefix: string): string {
  nextId += 1;
  return `${prefix}${nextId}`;
}

export function isRange(operator: Operator): operator is RangeOperator {
  return (RANGE_OPERATORS as readonly string[]).includes(operator);
}

export function newLeaf(parameter = ''): LeafDraft {
  return { kind: 'leaf', id: newId('c'), parameter, operator: '>', value: '', high: '' };
}

export function newGroup(op: GroupOp = 'and', children: NodeDraft[] = [newLeaf()]): GroupDraft {
  return { kind: 'group', id: newId('g'), op, children };
}

// --- reading the API's JSON ----------------------------------------------------------------
function isGroupNode(node: ConditionNode): node is ConditionGroup {
  return typeof node === 'object' && node !== null && 'conditions' in node;
}

function numberText(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

function leafFrom(node: ConditionLeaf): LeafDraft {
  const leaf = newLeaf(typeof node.parameter === 'string' ? node.parameter : '');
  leaf.operator = node.operator;
  if (Array.isArray(node.value)) {
    leaf.value = numberText(node.value[0]);
    leaf.high = numberText(node.value[1]);
  } else {
    leaf.value = numberText(node.value);
  }
  return leaf;
}

function nodeFrom(node: ConditionNode): NodeDraft {
  if (isGroupNode(node)) {
    return { kind: 'group', id: newId('g'), op: node.op, children: node.conditions.map(nodeFrom) };
  }
  return leafFrom(node);
}

/** The editor's tree for a saved condition; the root is always a group. */
export function draftFromCondition(condition: ConditionNode | null | undefined): GroupDraft {
  if (!condition) return newGroup();
  const node = nodeFrom(condition);
  return node.kind === 'group' ? node : newGroup('and', [node]);
}

// --- edits ---------------------------------------------------------------------------------
function mapGroups(node: NodeDraft, id: string, change: (group: GroupDraft) => GroupDraft): NodeDraft {
  if (node.kind === 'leaf') return node;
  if (node.id === id) return change(node);
  return { ...node, children: node.children.map((child) => mapGroups(child, id, change)) };
}

function asGroup(node: NodeDraft): GroupDraft {
  // Only ever called on the root, which is a group by construction.
  return node as GroupDraft;
}

export function addCondition(root: GroupDraft, groupId: string): GroupDraft {
  if (countLeaves(root) >= MAX_LEAVES) return root;
  return asGroup(mapGroups(root, groupId, (g) => ({ ...g, children: [...g.children, newLeaf()] })));
}

export function addGroup(root: GroupDraft, groupId: string): GroupDraft {
  const depth = depthOf(root, groupId);
  if (depth === null || !canNestGroup(depth) || countLeaves(root) >= MAX_LEAVES) return root;
  // A new group starts with one comparison, as an empty group is not a valid condition.
  return asGroup(mapGroups(root, groupId, (g) => ({ ...g, children: [...g.children, newGroup(g.op === 'and' ? 'or' : 'and')] })));
}

export function setGroupOp(root: GroupDraft, groupId: string, op: GroupOp): GroupDraft {
  return asGroup(mapGroups(root, groupId, (g) => ({ ...g, op })));
}

function without(node: NodeDraft, id: string): NodeDraft {
  if (node.kind === 'leaf') return node;
  return { ...node, children: node.children.filter((c) => c.id !== id).map((c) => without(c, id)) };
}

/** Removes a node; the root stays. A group left empty by the removal is removed too. */
export function removeNode(root: GroupDraft, id: string): GroupDraft {
  if (id === root.id) return root;
  return pruneEmpty(asGroup(without(root, id)));
}

function pruneEmpty(group: GroupDraft): GroupDraft {
  return {
    ...group,
    children: group.children
      .map((c) => (c.kind === 'group' ? pruneEmpty(c) : c))
      .filter((c) => c.kind === 'leaf' || c.children.length > 0),
  };
}

export function updateLeaf(root: GroupDraft, id: string, changes: Partial<Omit<LeafDraft, 'kind' | 'id'>>): GroupDraft {
  const apply = (node: NodeDraft): NodeDraft => {
    if (node.kind === 'leaf') return node.id === id ? { ...node, ...changes } : node;
    return { ...node, children: node.children.map(apply) };
  };
  return asGroup(apply(root));
}

// --- measures ------------------------------------------------------------------------------
export function countLeaves(node: NodeDraft): number {
  return node.kind === 'leaf' ? 1 : node.children.reduce((sum, c) => sum + countLeaves(c), 0);
}

/** Depth of the node with `id` (the root is 1), or null when absent. */
export function depthOf(root: NodeDraft, id: string, depth = 1): number | null {
  if (root.id === id) return depth;
  if (root.kind === 'leaf') return null;
  for (const child of root.children) {
    const found = depthOf(child, id, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** A group at `depth` may hold a new group only if that group's comparisons stay within bounds. */
export function canNestGroup(depth: number): boolean {
  return depth + 2 <= MAX_DEPTH;
}

/** Every parameter key the tree reads, in first-use order. */
export function draftParameters(node: NodeDraft): string[] {
  const keys: string[] = [];
  const walk = (n: NodeDraft) => {
    if (n.kind === 'leaf') {
      const key = n.parameter.trim();
      if (key && !keys.includes(key)) keys.push(key);
    } else n.children.forEach(walk);
  };
  walk(node);
  return keys;
}

// --- to the API ----------------------------------------------------------------------------
function parseNumber(text: string): number | null {
  const normalised = text.trim().replace(',', '.');
  if (normalised === '') return null;
  const value = Number(normalised);
  return Number.isFinite(value) ? value : null;
}

function parameterProblem(key: string): string | null {
  if (key === '') return 'Choose a parameter.';
  if (key.length > PARAMETER_MAX_LENGTH) return `Use at most ${PARAMETER_MAX_LENGTH} characters.`;
  if (key.startsWith('_')) return 'A parameter key cannot start with “_”.';
  return null;
}

function leafToCondition(leaf: LeafDraft, errors: NodeErrors): ConditionLeaf | null {
  const mine: Partial<Record<NodeField, string>> = {};
  const parameter = leaf.parameter.trim();
  const problem = parameterProblem(parameter);
  if (problem) mine.parameter = problem;

  let result: ConditionLeaf | null = null;
  if (isRange(leaf.operator)) {
    const low = parseNumber(leaf.value);
    const high = parseNumber(leaf.high);
    if (low === null) mine.low = 'Enter a number.';
    if (high === null) mine.high = 'Enter a number.';
    if (low !== null && high !== null) {
      if (low > high) mine.high = 'Must not be below the low bound.';
      else result = { parameter, operator: leaf.operator, value: [low, high] };
    }
  } else {
    const value = parseNumber(leaf.value);
    if (value === null) mine.value = 'Enter a number.';
    else result = { parameter, operator: leaf.operator, value };
  }
  if (Object.keys(mine).length > 0) {
    errors[leaf.id] = mine;
    return null;
  }
  return result;
}

function groupToCondition(group: GroupDraft, errors: NodeErrors): ConditionGroup | null {
  if (group.children.length === 0) {
    errors[group.id] = { conditions: 'Add at least one condition.' };
    return null;
  }
  const conditions: ConditionNode[] = [];
  let valid = true;
  for (const child of group.children) {
    const converted = child.kind === 'leaf' ? leafToCondition(child, errors) : groupToCondition(child, errors);
    if (converted) conditions.push(converted);
    else valid = false;
  }
  return valid ? { op: group.op, conditions } : null;
}

/** The API's JSON for the tree, or the problems by node id when some input is incomplete. */
export function toCondition(root: GroupDraft): { condition: ConditionGroup | null; errors: NodeErrors } {
  const errors: NodeErrors = {};
  const condition = groupToCondition(root, errors);
  return { condition: Object.keys(errors).length === 0 ? condition : null, errors };
}

// --- the API's errors back onto nodes ------------------------------------------------------
const FIELD_OF_SEGMENT: Record<string, NodeField> = {
  parameter: 'parameter',
  operator: 'operator',
  op: 'op',
  conditions: 'conditions',
};

/**
 * The node and field a JSON-pointer path of a 422 INVALID_CONDITION names, e.g.
 * `/conditions/1/conditions/0/value/1` → that comparison's high bound. The tree sent was
 * built by `toCondition`, which keeps the editor's shape, so indexes match children.
 */
export function locatePath(root: GroupDraft, path: string): { id: string; field: NodeField } {
  const segments = path.split('/').filter(Boolean);
  let node: NodeDraft = root;
  let i = 0;
  while (i < segments.length) {
    const segment = segments[i];
    const next = segments[i + 1];
    if (segment === 'conditions' && node.kind === 'group' && next !== undefined && /^\d+$/.test(next)) {
      const child: NodeDraft | undefined = node.children[Number(next)];
      if (!child) return { id: node.id, field: 'conditions' };
      node = child;
      i += 2;
      continue;
    }
    if (segment === 'value' && node.kind === 'leaf') {
      if (isRange(node.operator)) return { id: node.id, field: next === '1' ? 'high' : 'low' };
      return { id: node.id, field: 'value' };
    }
    return { id: node.id, field: (segment ? FIELD_OF_SEGMENT[segment] : undefined) ?? 'node' };
  }
  return { id: node.id, field: 'node' };
}

/** Marks every comparison on one of `parameters` (422 UNKNOWN_PARAMETER). */
export function unknownParameterErrors(root: GroupDraft, parameters: string[], message: string): NodeErrors {
  const errors: NodeErrors = {};
  const walk = (n: NodeDraft) => {
    if (n.kind === 'leaf') {
      if (parameters.includes(n.parameter.trim())) errors[n.id] = { parameter: message };
    } else n.children.forEach(walk);
  };
  walk(root);
  return errors;
}

// --- words -----------------------------------------------------------------------------------
export const OPERATOR_LABELS: Record<Operator, string> = {
  '>': 'greater than (>)',
  '>=': 'at least (≥)',
  '<': 'less than (<)',
  '<=': 'at most (≤)',
  '==': 'equal to (=)',
  '!=': 'not equal to (≠)',
  between: 'between',
  outside: 'outside',
};

function describeNode(node: ConditionNode, top: boolean): string {
  if ('conditions' in node) {
    const text = node.conditions.map((c) => describeNode(c, false)).join(` ${node.op.toUpperCase()} `);
    return top || node.conditions.length === 1 ? text : `(${text})`;
  }
  const value = Array.isArray(node.value) ? `[${node.value[0]}, ${node.value[1]}]` : String(node.value);
  return `${node.parameter} ${node.operator} ${value}`;
}

function minutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** One line for lists: `power_kw > 120 AND (voltage outside [207, 253] OR pf < 0.85)`. */
export function describeCondition(condition: RuleCondition | null | undefined): string {
  if (!condition || typeof condition !== 'object') return '—';
  if (isClockCondition(condition)) {
    return 'silent_for_seconds' in condition
      ? `no data for ${minutes(condition.silent_for_seconds)}`
      : `${condition.parameter} not reported for ${minutes(condition.stale_for_seconds)}`;
  }
  try {
    return describeNode(condition, true);
  } catch {
    return '—';
  }
}
