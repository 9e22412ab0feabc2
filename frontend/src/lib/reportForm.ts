/** The report and schedule forms and their payloads (backend/app/schemas/report.py, report_schedule.py). */
import { dayRange, presetDays, type DayPreset } from '@/lib/periods';
import { splitList } from '@/lib/ruleForm';
import { EMAIL } from '@/lib/userForm';
import type { Cadence, ReportCreate, ReportFormat, ReportKind, ReportSchedule, ReportScheduleWrite } from '@/types/jobs';

export const REPORT_MAX_DAYS = 62;
export const REPORT_DEVICES_MAX = 200;
export const SCHEDULE_RECIPIENTS_MAX = 20;

export const REPORT_KIND_LABELS: Record<ReportKind, string> = {
  energy_summary: 'Energy summary',
  device_detail: 'Device detail',
  alerts: 'Alerts',
  shift_report: 'Shift report',
};

export const REPORT_FORMAT_LABELS: Record<ReportFormat, string> = { pdf: 'PDF', xlsx: 'Excel' };

export const CADENCE_LABELS: Record<Cadence, string> = {
  daily: 'Daily (yesterday)',
  weekly: 'Weekly (the previous Monday to Sunday)',
  monthly: 'Monthly (the previous month)',
};

export interface ReportDraft {
  kind: ReportKind;
  format: ReportFormat;
  period: DayPreset | 'custom';
  /** `YYYY-MM-DD` on the factory's clock, both days included. */
  from: string;
  to: string;
  allDevices: boolean;
  deviceIds: number[];
  /** An asset node instead of devices: its subtree. */
  nodeId: number | null;
}

export type ReportField = 'period' | 'devices';

export function emptyReportDraft(): ReportDraft {
  return { kind: 'energy_summary', format: 'pdf', period: 'last7', from: '', to: '', allDevices: true, deviceIds: [], nodeId: null };
}

export function buildReport(
  draft: ReportDraft,
  timeZone: string,
  now: number = Date.now(),
): { body: ReportCreate | null; errors: Partial<Record<ReportField, string>> } {
  const errors: Partial<Record<ReportField, string>> = {};
  const days = draft.period === 'custom' ? { from: draft.from, to: draft.to } : presetDays(draft.period, timeZone, now);
  let range: { start: string; end: string } | null = null;
  if (!days.from || !days.to) errors.period = 'Choose the first and the last day.';
  else if (days.to < days.from) errors.period = 'The last day is before the first.';
  else {
    range = dayRange(days.from, days.to, timeZone);
    if (!range) errors.period = 'Choose the first and the last day.';
    else if (Date.parse(range.start) >= now) errors.period = 'The report must start in the past.';
    else if ((Date.parse(range.end) - Date.parse(range.start)) / 86_400_000 > REPORT_MAX_DAYS + 0.1) {
      errors.period = `A report covers at most ${REPORT_MAX_DAYS} days.`;
    }
  }
  if (draft.nodeId === null && !draft.allDevices && draft.deviceIds.length === 0) {
    errors.devices = 'Choose at least one device, or all devices.';
  }
  if (Object.keys(errors).length > 0 || !range) return { body: null, errors };
  const body: ReportCreate = { kind: draft.kind, format: draft.format, start: range.start, end: range.end };
  if (draft.nodeId !== null) body.node_id = draft.nodeId;
  else if (!draft.allDevices) body.device_ids = draft.deviceIds;
  return { body, errors };
}

export interface ScheduleDraft {
  name: string;
  kind: ReportKind;
  format: ReportFormat;
  cadence: Cadence;
  allDevices: boolean;
  deviceIds: number[];
  nodeId: number | null;
  recipients: string;
  isActive: boolean;
}

export type ScheduleField = 'name' | 'devices' | 'recipients';

export function scheduleDraftOf(schedule: ReportSchedule | null): ScheduleDraft {
  if (!schedule) {
    return {
      name: '',
      kind: 'energy_summary',
      format: 'pdf',
      cadence: 'weekly',
      allDevices: true,
      deviceIds: [],
      nodeId: null,
      recipients: '',
      isActive: true,
    };
  }
  return {
    name: schedule.name,
    kind: schedule.kind,
    format: schedule.format,
    cadence: schedule.cadence,
    allDevices: schedule.device_ids === null,
    deviceIds: schedule.device_ids ?? [],
    nodeId: schedule.node_id,
    recipients: schedule.recipients.join('\n'),
    isActive: schedule.is_active,
  };
}

export function buildSchedule(draft: ScheduleDraft): { body: ReportScheduleWrite | null; errors: Partial<Record<ScheduleField, string>> } {
  const errors: Partial<Record<ScheduleField, string>> = {};
  const name = draft.name.trim();
  if (!name) errors.name = 'Enter a name.';
  if (draft.nodeId === null && !draft.allDevices && draft.deviceIds.length === 0) {
    errors.devices = 'Choose at least one device, or all devices.';
  }
  const recipients = [...new Set(splitList(draft.recipients).map((r) => r.toLowerCase()))];
  const bad = recipients.filter((r) => !EMAIL.test(r));
  if (recipients.length === 0) errors.recipients = 'Enter at least one email address.';
  else if (bad.length > 0) errors.recipients = `Not an email address: ${bad.join(', ')}`;
  else if (recipients.length > SCHEDULE_RECIPIENTS_MAX) errors.recipients = `At most ${SCHEDULE_RECIPIENTS_MAX} addresses.`;
  if (Object.keys(errors).length > 0) return { body: null, errors };
  return {
    body: {
      name,
      kind: draft.kind,
      format: draft.format,
      cadence: draft.cadence,
      device_ids: draft.allDevices || draft.nodeId !== null ? null : draft.deviceIds,
      node_id: draft.nodeId,
      recipients,
      is_active: draft.isActive,
    },
    errors,
  };
}

/**
 * Only what an edit changed: the API restarts a schedule's clock whenever cadence or
 * is_active is sent, even unchanged.
 */
export function scheduleChanges(original: ReportSchedule, body: ReportScheduleWrite): Partial<ReportScheduleWrite> {
  const changes: Partial<ReportScheduleWrite> = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  (Object.keys(body) as (keyof ReportScheduleWrite)[]).forEach((key) => {
    if (!same(body[key], original[key])) (changes as Record<string, unknown>)[key] = body[key];
  });
  return changes;
}
