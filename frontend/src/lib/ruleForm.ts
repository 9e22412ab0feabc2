/**
 * The rule form's state and its translation into the API's rule (backend/app/schemas/rule.py).
 * Inputs stay text until saving so a half-typed number is not rewritten under the cursor.
 */
import { getApiError, getErrorCode } from '@/api/errors';
import {
  draftFromCondition,
  locatePath,
  toCondition,
  unknownParameterErrors,
  type GroupDraft,
  type NodeErrors,
} from '@/lib/conditionTree';
import type { Permission } from '@/types/auth';
import { isClockCondition } from '@/types/rules';
import type { Channel, Escalation, Recipients, Rule, RuleCondition, RuleScope, RuleWrite, ScopeKind, Severity } from '@/types/rules';

export const COOLDOWN_MAX_MINUTES = 7 * 24 * 60;
export const FOR_SECONDS_MAX = 24 * 3600;
export const RECIPIENTS_MAX = 50;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Monday is 0, as the API counts. */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** What the rule watches: values on arrival, or the silence of a device or parameter. */
export type ConditionKind = 'values' | 'silent' | 'stale';
export const CLOCK_MAX_MINUTES = 7 * 24 * 60;
export const ESCALATION_STEPS_MAX = 5;

export interface EscalationStepDraft {
  afterMinutes: string;
  emails: string;
  phones: string;
}

export interface RuleDraft {
  name: string;
  description: string;
  scopeKind: ScopeKind;
  deviceIds: number[];
  scopeType: string;
  scopeArea: string;
  /** The asset node of a node scope: its devices and those of every node below it. */
  scopeNodeId: number | null;
  condition: GroupDraft;
  conditionKind: ConditionKind;
  /** Minutes without data (silent) or without the parameter (stale). */
  quietMinutes: string;
  staleParameter: string;
  severity: Severity;
  cooldown: string;
  forSeconds: string;
  scheduleOn: boolean;
  days: number[];
  /** HH:MM, the value of a time input. */
  start: string;
  /** HH:MM; 00:00 means the end of the day. */
  end: string;
  channels: Channel[];
  recipientPermissions: Permission[];
  recipientUserIds: number[];
  /** Free text, one address per line or separated by commas. */
  emails: string;
  phones: string;
  autoResolve: boolean;
  /** Re-notify every so many minutes while unacknowledged; empty: never. */
  repeatMinutes: string;
  escalationSteps: EscalationStepDraft[];
  notifyOnResolve: boolean;
  allowUnseen: boolean;
  isActive: boolean;
}

export type RuleField =
  | 'name'
  | 'scope'
  | 'condition'
  | 'cooldown'
  | 'forSeconds'
  | 'schedule'
  | 'recipients'
  | 'emails'
  | 'phones'
  | 'quiet'
  | 'escalation';

export type RuleFieldErrors = Partial<Record<RuleField, string>>;

export function emptyRuleDraft(): RuleDraft {
  return {
    name: '',
    description: '',
    scopeKind: 'all',
    deviceIds: [],
    scopeType: '',
    scopeArea: '',
    scopeNodeId: null,
    condition: draftFromCondition(null),
    conditionKind: 'values',
    quietMinutes: '10',
    staleParameter: '',
    severity: 'warning',
    cooldown: '15',
    forSeconds: '0',
    scheduleOn: false,
    days: [0, 1, 2, 3, 4],
    start: '06:00',
    end: '22:00',
    channels: [],
    recipientPermissions: [],
    recipientUserIds: [],
    emails: '',
    phones: '',
    autoResolve: false,
    repeatMinutes: '',
    escalationSteps: [],
    notifyOnResolve: false,
    allowUnseen: false,
    isActive: true,
  };
}

const minutesText = (seconds: number) => String(Math.round((seconds / 60) * 1000) / 1000);

function clockDraft(condition: RuleCondition): Pick<RuleDraft, 'conditionKind' | 'quietMinutes' | 'staleParameter'> {
  if (!isClockCondition(condition)) return { conditionKind: 'values', quietMinutes: '10', staleParameter: '' };
  if ('silent_for_seconds' in condition) {
    return { conditionKind: 'silent', quietMinutes: minutesText(condition.silent_for_seconds), staleParameter: '' };
  }
  return { conditionKind: 'stale', quietMinutes: minutesText(condition.stale_for_seconds), staleParameter: condition.parameter };
}

function escalationDraft(escalation: Escalation | null | undefined): Pick<RuleDraft, 'repeatMinutes' | 'escalationSteps'> {
  return {
    repeatMinutes: escalation?.repeat_seconds ? minutesText(escalation.repeat_seconds) : '',
    escalationSteps: (escalation?.steps ?? []).map((step) => ({
      afterMinutes: minutesText(step.after_seconds),
      emails: (step.recipients.emails ?? []).join('\n'),
      phones: (step.recipients.phones ?? []).join('\n'),
    })),
  };
}

export function draftFromRule(rule: Rule): RuleDraft {
  const scope = rule.scope;
  return {
    name: rule.name,
    description: rule.description,
    scopeKind: scope.kind,
    deviceIds: scope.kind === 'devices' ? scope.device_ids : [],
    scopeType: scope.kind === 'type' ? scope.value : '',
    scopeArea: scope.kind === 'area' ? scope.value : '',
    scopeNodeId: scope.kind === 'node' ? scope.node_id : null,
    condition: draftFromCondition(isClockCondition(rule.condition) ? null : rule.condition),
    ...clockDraft(rule.condition),
    severity: rule.severity,
    cooldown: String(rule.cooldown_minutes),
    forSeconds: String(rule.for_seconds),
    scheduleOn: rule.schedule !== null,
    days: rule.schedule?.days ?? [0, 1, 2, 3, 4],
    start: rule.schedule?.start ?? '06:00',
    end: rule.schedule ? (rule.schedule.end === '24:00' ? '00:00' : rule.schedule.end) : '22:00',
    channels: rule.channels,
    recipientPermissions: rule.recipients.user_permissions,
    recipientUserIds: rule.recipients.user_ids,
    emails: rule.recipients.emails.join('\n'),
    phones: rule.recipients.phones.join('\n'),
    autoResolve: rule.auto_resolve,
    ...escalationDraft(rule.escalation),
    notifyOnResolve: rule.notify_on_resolve,
    allowUnseen: rule.allow_unseen_parameters,
    isActive: rule.is_active,
  };
}

export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

/** `+49 151 1234-5678` as typed → `+4915112345678`, the E.164 form the API stores. */
export function normalisePhone(text: string): string {
  return text.replace(/[\s\-().]/g, '');
}

/** Minutes as typed (decimals allowed) → whole seconds, or null when out of range. */
function minutesToSeconds(text: string, maxMinutes: number): number | null {
  const value = Number(text.trim());
  if (!text.trim() || !Number.isFinite(value)) return null;
  const seconds = Math.round(value * 60);
  return seconds >= 1 && seconds <= maxMinutes * 60 ? seconds : null;
}

function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

export function scopeOf(draft: Pick<RuleDraft, 'scopeKind' | 'deviceIds' | 'scopeType' | 'scopeArea' | 'scopeNodeId'>): RuleScope {
  switch (draft.scopeKind) {
    case 'node':
      // 0 is no node: the check below asks for one before anything is sent.
      return { kind: 'node', node_id: draft.scopeNodeId ?? 0 };
    case 'devices':
      return { kind: 'devices', device_ids: draft.deviceIds };
    case 'type':
      return { kind: 'type', value: draft.scopeType.trim() };
    case 'area':
      return { kind: 'area', value: draft.scopeArea.trim() };
    default:
      return { kind: 'all' };
  }
}

export function scopeProblem(scope: RuleScope): string | null {
  if (scope.kind === 'devices' && scope.device_ids.length === 0) return 'Choose at least one device.';
  if (scope.kind === 'type' && !scope.value) return 'Enter a device type.';
  if (scope.kind === 'area' && !scope.value) return 'Enter an area.';
  if (scope.kind === 'node' && !scope.node_id) return 'Choose an asset node.';
  return null;
}

export interface BuiltRule {
  body: RuleWrite | null;
  errors: RuleFieldErrors;
  nodeErrors: NodeErrors;
}

/** The API's rule for the form, or what to fix first. */
export function buildRule(draft: RuleDraft): BuiltRule {
  const errors: RuleFieldErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = 'Enter a name.';

  const scope = scopeOf(draft);
  const scopeError = scopeProblem(scope);
  if (scopeError) errors.scope = scopeError;

  let condition: RuleCondition | null = null;
  let nodeErrors: NodeErrors = {};
  if (draft.conditionKind === 'values') {
    const tree = toCondition(draft.condition);
    condition = tree.condition;
    nodeErrors = tree.errors;
    if (!condition && Object.keys(nodeErrors).length === 0) errors.condition = 'Add a condition.';
  } else {
    const quiet = minutesToSeconds(draft.quietMinutes, CLOCK_MAX_MINUTES);
    const parameter = draft.staleParameter.trim();
    if (quiet === null) errors.quiet = `Enter minutes from 1 second to ${CLOCK_MAX_MINUTES}.`;
    else if (draft.conditionKind === 'silent') condition = { silent_for_seconds: quiet };
    else if (!parameter) errors.quiet = 'Enter the parameter that must keep reporting.';
    else condition = { parameter, stale_for_seconds: quiet };
  }

  const cooldown = wholeNumber(draft.cooldown, 0, COOLDOWN_MAX_MINUTES);
  if (cooldown === null) errors.cooldown = `Enter whole minutes from 0 to ${COOLDOWN_MAX_MINUTES}.`;
  const forSeconds = wholeNumber(draft.forSeconds, 0, FOR_SECONDS_MAX);
  if (forSeconds === null) errors.forSeconds = `Enter whole seconds from 0 to ${FOR_SECONDS_MAX}.`;

  let schedule: RuleWrite['schedule'] = null;
  if (draft.scheduleOn) {
    // 00:00 as an end is midnight at the end of the day: "22:00 to 00:00" is two hours.
    const end = draft.end === '00:00' ? '24:00' : draft.end;
    if (draft.days.length === 0) errors.schedule = 'Choose at least one day.';
    else if (!CLOCK.test(draft.start) || !(CLOCK.test(draft.end) || end === '24:00')) errors.schedule = 'Enter times as HH:MM.';
    else if (draft.start === end) errors.schedule = 'Start and end must differ.';
    else schedule = { days: [...draft.days].sort((a, b) => a - b), start: draft.start, end };
  }

  // Addresses differing only in case are one mailbox, and the API refuses repeats.
  const emails = splitList(draft.emails).filter((e, i, all) => all.findIndex((x) => x.toLowerCase() === e.toLowerCase()) === i);
  const badEmails = emails.filter((e) => !EMAIL.test(e));
  if (badEmails.length > 0) errors.emails = `Not an email address: ${badEmails.join(', ')}`;
  else if (emails.length > RECIPIENTS_MAX) errors.emails = `At most ${RECIPIENTS_MAX} addresses.`;

  const phones = splitList(draft.phones.replace(/(\d)[ \-().]+(?=\d)/g, '$1')).map(normalisePhone);
  const badPhones = phones.filter((p) => !E164.test(p));
  if (badPhones.length > 0) errors.phones = `Use the international form, e.g. +4915112345678: ${badPhones.join(', ')}`;
  else if (phones.length > RECIPIENTS_MAX) errors.phones = `At most ${RECIPIENTS_MAX} numbers.`;

  const recipients: Recipients = {
    user_permissions: draft.recipientPermissions,
    user_ids: draft.recipientUserIds,
    emails,
    phones,
  };
  const anyone = recipients.user_permissions.length + recipients.user_ids.length + emails.length + phones.length > 0;
  if (draft.channels.length > 0 && !anyone) errors.recipients = 'Choose who receives the notifications.';

  const escalation = buildEscalation(draft, errors);

  if (Object.keys(errors).length > 0 || !condition || cooldown === null || forSeconds === null) {
    return { body: null, errors, nodeErrors };
  }
  return {
    body: {
      name,
      description: draft.description.trim(),
      scope,
      condition,
      severity: draft.severity,
      cooldown_minutes: cooldown,
      for_seconds: forSeconds,
      schedule,
      channels: draft.channels,
      recipients,
      auto_resolve: draft.autoResolve,
      escalation,
      notify_on_resolve: draft.notifyOnResolve,
      allow_unseen_parameters: draft.allowUnseen,
      is_active: draft.isActive,
    },
    errors,
    nodeErrors,
  };
}

/** The escalation rounds of the form, or null without any; problems go to `errors.escalation`. */
function buildEscalation(draft: RuleDraft, errors: RuleFieldErrors): Escalation | null {
  const repeat = draft.repeatMinutes.trim() ? minutesToSeconds(draft.repeatMinutes, COOLDOWN_MAX_MINUTES) : null;
  if (draft.repeatMinutes.trim() && repeat === null) {
    errors.escalation = 'Enter the minutes between reminders, or leave it empty.';
    return null;
  }
  const steps: Escalation['steps'] = [];
  for (const [index, step] of draft.escalationSteps.entries()) {
    const after = minutesToSeconds(step.afterMinutes, COOLDOWN_MAX_MINUTES);
    const emails = splitList(step.emails);
    const phones = splitList(step.phones.replace(/(\d)[ \-().]+(?=\d)/g, '$1')).map(normalisePhone);
    if (after === null) errors.escalation = `Step ${index + 1}: enter the minutes after which it starts.`;
    else if (emails.some((e) => !EMAIL.test(e))) errors.escalation = `Step ${index + 1}: not an email address.`;
    else if (phones.some((p) => !E164.test(p))) errors.escalation = `Step ${index + 1}: use the international form for numbers.`;
    else if (emails.length + phones.length === 0) errors.escalation = `Step ${index + 1}: add an email address or a number.`;
    else {
      const channels: Channel[] = [...(emails.length ? (['email'] as const) : []), ...(phones.length ? (['whatsapp'] as const) : [])];
      steps.push({ after_seconds: after, channels, recipients: { emails, phones } });
    }
  }
  if (errors.escalation) return null;
  if (repeat === null && steps.length === 0) return null;
  return { repeat_seconds: repeat, steps };
}

const FIELD_OF_PATH: [RegExp, RuleField][] = [
  [/^name/, 'name'],
  [/^scope/, 'scope'],
  [/^cooldown_minutes/, 'cooldown'],
  [/^for_seconds/, 'forSeconds'],
  [/^schedule/, 'schedule'],
  [/^recipients\.emails/, 'emails'],
  [/^recipients\.phones/, 'phones'],
  [/^recipients/, 'recipients'],
  [/^escalation/, 'escalation'],
];

/**
 * Where the API's refusal belongs: a node of the condition tree (INVALID_CONDITION names its
 * path, UNKNOWN_PARAMETER its keys), a field of the form, or, failing both, the banner.
 */
export function ruleServerErrors(
  err: unknown,
  condition: GroupDraft,
): { fields: RuleFieldErrors; nodes: NodeErrors } {
  const apiError = getApiError(err);
  const fields: RuleFieldErrors = {};
  const nodes: NodeErrors = {};
  if (!apiError) return { fields, nodes };
  const details = apiError.details as unknown;
  const code = getErrorCode(err);

  if (code === 'INVALID_CONDITION' && details && typeof details === 'object' && 'path' in details) {
    const { path, reason } = details as { path?: unknown; reason?: unknown };
    const { id, field } = locatePath(condition, typeof path === 'string' ? path : '/');
    nodes[id] = { [field]: typeof reason === 'string' ? reason : apiError.message };
  } else if (code === 'UNKNOWN_PARAMETER' && details && typeof details === 'object' && 'parameters' in details) {
    const parameters = (details as { parameters?: unknown }).parameters;
    if (Array.isArray(parameters)) {
      Object.assign(
        nodes,
        unknownParameterErrors(
          condition,
          parameters.filter((p): p is string => typeof p === 'string'),
          'No device in the rule’s scope has reported this parameter.',
        ),
      );
    }
  } else if (code === 'INVALID_SCOPE') {
    fields.scope = apiError.message;
  } else if (code === 'INVALID_RECIPIENTS') {
    fields.recipients = apiError.message;
  } else if (Array.isArray(details)) {
    for (const detail of details as { field?: string; message?: string }[]) {
      const path = (detail.field ?? '').replace(/^body\.?/, '');
      const match = FIELD_OF_PATH.find(([pattern]) => pattern.test(path));
      if (match && detail.message && !fields[match[1]]) fields[match[1]] = detail.message;
    }
  }
  return { fields, nodes };
}

export const SEVERITY_LABELS: Record<Severity, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };

export function describeScope(
  scope: RuleScope,
  deviceName?: (id: number) => string | undefined,
  nodeName?: (id: number) => string | undefined,
): string {
  switch (scope.kind) {
    case 'all':
      return 'All devices';
    case 'devices': {
      const names = scope.device_ids.map((id) => deviceName?.(id) ?? `#${id}`);
      return names.length <= 2 ? names.join(', ') : `${names.length} devices`;
    }
    case 'type':
      return `Type: ${scope.value}`;
    case 'area':
      return `Area: ${scope.value}`;
    case 'node':
      return `Node: ${nodeName?.(scope.node_id) ?? `#${scope.node_id}`}`;
  }
}
