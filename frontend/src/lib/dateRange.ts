/** The checks of a custom date range, shared by every form that offers one. */
import { zonedWallTimeToInstant } from '@/lib/time';

export type RangePrecision = 'day' | 'minute';

/** Why a custom range cannot be applied, or null. */
export function customRangeProblem(
  { from, to }: { from: string; to: string },
  { precision, requireBoth, timeZone }: { precision: RangePrecision; requireBoth: boolean; timeZone: string },
): string | null {
  if (requireBoth && (!from || !to)) return 'Enter both a start and an end.';
  if (!from || !to) return null;
  if (precision === 'day') return to < from ? 'The last day is before the first.' : null;
  const start = zonedWallTimeToInstant(from, timeZone);
  const end = zonedWallTimeToInstant(to, timeZone);
  if (!start || !end) return 'Enter both a start and an end.';
  return end <= start ? 'The end must be after the start.' : null;
}

