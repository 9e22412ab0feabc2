/** Rows of the Energy page's charts, built from the API's answers. */
import type { EnergyAnalysis, EnergyBucketSize, MeterEnergy } from '@/types/energy';
import type { BaselinePerformance } from '@/types/production';

const labelFormats = new Map<string, Intl.DateTimeFormat>();

function labelFormat(bucket: EnergyBucketSize, timeZone: string): Intl.DateTimeFormat {
  const key = `${bucket}|${timeZone}`;
  let format = labelFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      bucket === 'hour'
        ? { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : bucket === 'day'
          ? { timeZone, month: 'short', day: 'numeric' }
          : { timeZone, month: 'short', year: 'numeric' };
    format = new Intl.DateTimeFormat(undefined, options);
    labelFormats.set(key, format);
  }
  return format;
}

/** "14:00", "Mar 4" or "Mar 2026": a bucket's start on the factory's clock. */
export function bucketLabel(start: string, bucket: EnergyBucketSize, timeZone: string): string {
  return labelFormat(bucket, timeZone).format(new Date(start));
}

export interface EnergyChartRow {
  label: string;
  start: string;
  energy: number | null;
  previous: number | null;
  lastYear: number | null;
}

/** One row per bucket; the comparisons' buckets line up with the main ones by index. */
export function energyChartRows(analysis: EnergyAnalysis): EnergyChartRow[] {
  const previous = analysis.comparisons.find((c) => c.kind === 'previous_period');
  const lastYear = analysis.comparisons.find((c) => c.kind === 'last_year');
  return analysis.buckets.map((b, i) => ({
    label: bucketLabel(b.start, analysis.bucket, analysis.timezone),
    start: b.start,
    energy: b.energy_kwh,
    previous: previous?.buckets[i]?.energy_kwh ?? null,
    lastYear: lastYear?.buckets[i]?.energy_kwh ?? null,
  }));
}

/** The change from `before` to `now` as a ratio (0.1 = 10 % more), or null when it means nothing. */
export function change(now: number | null | undefined, before: number | null | undefined): number | null {
  if (now === null || now === undefined || before === null || before === undefined || before === 0) return null;
  return (now - before) / Math.abs(before);
}

export interface CusumRow {
  label: string;
  actual: number;
  expected: number;
  cusum: number;
}

export function cusumRows(performance: BaselinePerformance): CusumRow[] {
  const bucket: EnergyBucketSize = performance.baseline.granularity === 'hour' ? 'hour' : 'day';
  return performance.rows.map((r) => ({
    label: bucketLabel(r.start, bucket, performance.timezone),
    actual: r.actual_kwh,
    expected: r.expected_kwh,
    cusum: r.cusum_kwh,
  }));
}

export interface NodeSeries {
  key: string;
  name: string;
}

/** One row per bucket with each node's energy under its own key (`n<id>`). */
export function nodeComparisonRows(nodes: MeterEnergy[]): { series: NodeSeries[]; rows: Record<string, string | number | null>[] } {
  const first = nodes[0];
  if (!first) return { series: [], rows: [] };
  const series = nodes.map((n) => ({ key: `n${n.id}`, name: n.name }));
  const rows = first.buckets.map((bucket, i) => {
    const row: Record<string, string | number | null> = { label: bucketLabel(bucket.start, first.bucket, first.timezone) };
    for (const node of nodes) row[`n${node.id}`] = node.buckets[i]?.energy_kwh ?? null;
    return row;
  });
  return { series, rows };
}
