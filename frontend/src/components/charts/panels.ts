import { SERIES_COLORS } from '@/components/charts/chartTheme';
import { parameterLabel } from '@/lib/parameters';
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
