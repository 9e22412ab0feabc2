/** Date ranges on the factory's clock: whole local days, presets, and inputs of type date. */
import { instantToZonedWallTime, zonedWallTimeToInstant } from '@/lib/time';

/** `YYYY-MM-DD` of the instant on the zone's clock, the value of a date input. */
export function localDate(instant: Date | number, timeZone: string): string {
  return instantToZonedWallTime(instant, timeZone).slice(0, 10);
}

/** The calendar date `days` after `date` (`YYYY-MM-DD`), whatever the zone. */
export function addDays(date: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Midnight at the start of `date` in the zone. */
export function startOfLocalDay(date: string, timeZone: string): Date | null {
  return zonedWallTimeToInstant(`${date}T00:00`, timeZone);
}

/** From the start of `from` to the end of `to`, both days included. */
export function dayRange(from: string, to: string, timeZone: string): { start: string; end: string } | null {
  const start = startOfLocalDay(from, timeZone);
  const end = startOfLocalDay(addDays(to, 1), timeZone);
  if (!start || !end || end <= start) return null;
  return { start: start.toISOString(), end: end.toISOString() };
}

export const DAY_PRESETS = ['yesterday', 'last7', 'last30', 'lastMonth'] as const;
export type DayPreset = (typeof DAY_PRESETS)[number];

export const DAY_PRESET_LABELS: Record<DayPreset, string> = {
  yesterday: 'Yesterday',
  last7: 'Last 7 days',
  last30: 'Last 30 days',
  lastMonth: 'Last month',
};

/** The first and last day of a preset, ending with yesterday (a report of whole days). */
export function presetDays(preset: DayPreset, timeZone: string, now: number = Date.now()): { from: string; to: string } {
  const today = localDate(now, timeZone);
  const yesterday = addDays(today, -1);
  switch (preset) {
    case 'yesterday':
      return { from: yesterday, to: yesterday };
    case 'last7':
      return { from: addDays(today, -7), to: yesterday };
    case 'last30':
      return { from: addDays(today, -30), to: yesterday };
    case 'lastMonth': {
      const firstOfThisMonth = `${today.slice(0, 7)}-01`;
      const lastOfPrevious = addDays(firstOfThisMonth, -1);
      return { from: `${lastOfPrevious.slice(0, 7)}-01`, to: lastOfPrevious };
    }
  }
}

/** Hours back from now, for the relative ranges of analytics and alert filters. */
export const RELATIVE_RANGES = [
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 7 * 24 },
  { id: '30d', label: 'Last 30 days', hours: 30 * 24 },
] as const;

export type RelativeRangeId = (typeof RELATIVE_RANGES)[number]['id'];

export function relativeRange(id: RelativeRangeId, now: number = Date.now()): { start: string; end: string } {
  const hours = RELATIVE_RANGES.find((r) => r.id === id)?.hours ?? 24;
  return { start: new Date(now - hours * 3600_000).toISOString(), end: new Date(now).toISOString() };
}
