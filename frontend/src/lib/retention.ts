import type { RetentionSettings, RetentionUpdate } from '@/types/lifecycle';

export type RetentionKey = keyof RetentionSettings;
export type RetentionValues = Record<RetentionKey, string>;
export type RetentionErrors = Partial<Record<RetentionKey, string>>;

/** The fields in the order the form shows them, with what each one keeps. */
export const RETENTION_FIELDS: { key: RetentionKey; label: string; hint: string }[] = [
  { key: 'raw_days', label: 'Raw points (days)', hint: 'Every reading as sent, and 1-minute rollups.' },
  { key: 'quarter_days', label: '15-minute rollups (days)', hint: 'Energy figures and charts of weeks and months.' },
  { key: 'hour_days', label: 'Hourly rollups (days)', hint: 'Long-range charts; 3650 days is ten years.' },
  { key: 'resolved_alerts_days', label: 'Resolved alerts (days)', hint: 'With their notification deliveries.' },
  { key: 'audit_days', label: 'Audit entries (days)', hint: 'Who did what, when.' },
  { key: 'finished_jobs_days', label: 'Finished jobs (days)', hint: 'Analytics and report runs, with their files.' },
  { key: 'tokens_days', label: 'Spent links and tokens (days)', hint: 'Used or expired invitation and reset links, dead sign-in tokens.' },
];

const MAX_DAYS = 36_500;

export function retentionValues(settings: RetentionSettings): RetentionValues {
  return Object.fromEntries(RETENTION_FIELDS.map(({ key }) => [key, String(settings[key])])) as RetentionValues;
}

/**
 * The PATCH body (only what changed) and the errors the API would answer with: whole days
 * from 1 to 36,500, and coarser data kept at least as long as finer data.
 */
export function buildRetentionUpdate(
  current: RetentionSettings,
  values: RetentionValues,
): { body: RetentionUpdate; errors: RetentionErrors } {
  const errors: RetentionErrors = {};
  const body: RetentionUpdate = {};
  const parsed: Partial<Record<RetentionKey, number>> = {};
  for (const { key } of RETENTION_FIELDS) {
    const days = Number(values[key].trim());
    if (values[key].trim() === '' || !Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      errors[key] = `Enter whole days from 1 to ${MAX_DAYS.toLocaleString()}.`;
      continue;
    }
    parsed[key] = days;
    if (days !== current[key]) body[key] = days;
  }
  const { raw_days: raw, quarter_days: quarter, hour_days: hour } = parsed;
  if (raw !== undefined && quarter !== undefined && raw > quarter) {
    errors.raw_days = 'Keep raw points no longer than the 15-minute rollups.';
  }
  if (quarter !== undefined && hour !== undefined && quarter > hour) {
    errors.quarter_days = 'Keep 15-minute rollups no longer than the hourly rollups.';
  }
  return { body, errors };
}
