import { SERIES_COLORS } from '@/components/charts/chartTheme';
import { parameterLabel } from '@/lib/parameters';
import { zoneOffsetMs } from '@/lib/time';
import type { HistorySeries } from '@/types/kpi';

export interface Panel {
  unit: string;
  series: { key: string; label: string; color: string }[];
  rows: Record<string, number | null>[];
}

/**
 * Series that share a unit share a panel and a y axis; each further unit gets a panel of its
 * own below, on the same time axis. Plotting kW and V on one axis would flatten one of them.
 */
export function buildPanels(series: HistorySeries[]): Panel[] {
  const groups = new Map<string, HistorySeries[]>();
  for (const s of series) {
    const unit = s.unit ?? '';
    groups.set(unit, [...(groups.get(unit) ?? []), s]);
  }
  let colorIndex = 0;
  return [...groups.entries()].map(([unit, members]) => {
    const byTime = new Map<number, Record<string, number | null>>();
    const panelSeries = members.map((s, i) => {
      // Keys the chart reads values by; parameter keys may hold dots that recharts would
      // read as nested paths.
      const key = `s${i}`;
      for (const [ts, value] of s.points) {
        const t = Date.parse(ts);
        if (Number.isNaN(t)) continue;
        let row = byTime.get(t);
        if (!row) {
          row = { t };
          byTime.set(t, row);
        }
        row[key] = value;
      }
      const color = SERIES_COLORS[colorIndex++ % SERIES_COLORS.length] ?? '#0072B2';
      return { key, label: parameterLabel(s), color };
    });
    const rows = [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
    return { unit, series: panelSeries, rows };
  });
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK_STEPS = [
  SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 3 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY,
];
const MAX_TICKS = 7;

/**
 * Time-axis ticks on round times of the factory's clock (every 5 min, 6 h, midnight, ...),
 * at most seven of them. Left to itself the chart puts ticks where the data happens to
 * start, which can leave a week-long axis with a single label.
 */
export function timeTicks(start: number, end: number, timeZone: string): number[] {
  const span = end - start;
  if (!(span > 0)) return [];
  const step = TICK_STEPS.find((s) => span / s <= MAX_TICKS) ?? 30 * DAY;
  const offset = zoneOffsetMs(start, timeZone);
  const ticks: number[] = [];
  let t = Math.ceil((start + offset) / step) * step - offset;
  for (; t <= end && ticks.length <= MAX_TICKS; t += step) ticks.push(t);
  return ticks;
}
