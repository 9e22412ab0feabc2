/**
 * The Energy page's range: a local day, week (Monday first), month or year around an anchor
 * date, or custom days; each with the bucket its chart reads. Whole local periods, so the
 * server compares a month with the calendar month before and a year with the year before.
 */
import { addDays, dayRange, localDate } from '@/lib/periods';
import type { EnergyBucketSize } from '@/types/energy';

export const RANGE_KINDS = ['day', 'week', 'month', 'year', 'custom'] as const;
export type RangeKind = (typeof RANGE_KINDS)[number];

export const RANGE_KIND_LABELS: Record<RangeKind, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  year: 'Year',
  custom: 'Custom',
};

export interface EnergyRange {
  kind: RangeKind;
  /** First and last local day, both included (`YYYY-MM-DD`). */
  from: string;
  to: string;
}

/** Custom ranges up to this many days read days; longer ones read months. */
const DAILY_BUCKETS_UP_TO = 62;

function weekday(date: string): number {
  const [y = 1970, m = 1, d = 1] = date.split('-').map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
}

function lastOfMonth(date: string): string {
  const [y = 1970, m = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The period of `kind` holding `anchor`; a custom range keeps `anchor` to `customTo`. */
export function rangeAround(kind: RangeKind, anchor: string, customTo?: string): EnergyRange {
  switch (kind) {
    case 'day':
      return { kind, from: anchor, to: anchor };
    case 'week': {
      const from = addDays(anchor, -weekday(anchor));
      return { kind, from, to: addDays(from, 6) };
    }
    case 'month':
      return { kind, from: `${anchor.slice(0, 7)}-01`, to: lastOfMonth(anchor) };
    case 'year':
      return { kind, from: `${anchor.slice(0, 4)}-01-01`, to: `${anchor.slice(0, 4)}-12-31` };
    case 'custom': {
      const to = customTo && customTo >= anchor ? customTo : anchor;
      return { kind, from: anchor, to };
    }
  }
}

/** The same kind of period before (`step` -1) or after (+1); a custom range moves by its length. */
export function shiftRange(range: EnergyRange, step: -1 | 1): EnergyRange {
  switch (range.kind) {
    case 'day':
    case 'week':
      return rangeAround(range.kind, addDays(range.from, step * (range.kind === 'day' ? 1 : 7)));
    case 'month':
      return rangeAround('month', step < 0 ? addDays(range.from, -1) : addDays(range.to, 1));
    case 'year':
      return rangeAround('year', `${Number(range.from.slice(0, 4)) + step}-01-01`);
    case 'custom': {
      const length = daysBetween(range.from, range.to) + 1;
      return rangeAround('custom', addDays(range.from, step * length), addDays(range.to, step * length));
    }
  }
}

export function currentRange(kind: RangeKind, timeZone: string, now: number = Date.now()): EnergyRange {
  const today = localDate(now, timeZone);
  return kind === 'custom' ? rangeAround('custom', addDays(today, -6), today) : rangeAround(kind, today);
}

/** The chart's bucket: hours of a day, days of a week or month, months of a year. */
export function bucketOf(range: EnergyRange): EnergyBucketSize {
  if (range.kind === 'day') return 'hour';
  if (range.kind === 'year') return 'month';
  if (range.kind === 'custom') {
    const days = daysBetween(range.from, range.to) + 1;
    if (days === 1) return 'hour';
    return days > DAILY_BUCKETS_UP_TO ? 'month' : 'day';
  }
  return 'day';
}

/** The range's instants on the factory's clock: [start of `from`, end of `to`). */
export function rangeInstants(range: EnergyRange, timeZone: string): { start: string; end: string } | null {
  return dayRange(range.from, range.to, timeZone);
}

/** The part of the range that has begun, in whole days: figures per day stop at today. */
export function daysSoFar(range: EnergyRange, timeZone: string, now: number = Date.now()): { start: string; end: string } | null {
  const today = localDate(now, timeZone);
  if (range.from > today) return null;
  return { start: range.from, end: range.to < today ? range.to : today };
}

/** Shifts are reported over at most this many days (the server's limit). */
export const SHIFT_REPORT_MAX_DAYS = 62;

/** The last SHIFT_REPORT_MAX_DAYS days of a range that has begun. */
export function shiftDays(range: EnergyRange, timeZone: string, now: number = Date.now()): { start: string; end: string } | null {
  const days = daysSoFar(range, timeZone, now);
  if (!days) return null;
  const earliest = addDays(days.end, -(SHIFT_REPORT_MAX_DAYS - 1));
  return { start: days.start > earliest ? days.start : earliest, end: days.end };
}

export function rangeTitle(range: EnergyRange): string {
  const month = (date: string) =>
    new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const day = (date: string) =>
    new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  switch (range.kind) {
    case 'day':
      return day(range.from);
    case 'month':
      return month(range.from);
    case 'year':
      return range.from.slice(0, 4);
    default:
      return range.from === range.to ? day(range.from) : `${day(range.from)} – ${day(range.to)}`;
  }
}
