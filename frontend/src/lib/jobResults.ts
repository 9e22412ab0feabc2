/**
 * Jobs (analytics, reports): whether one is still working, how often to ask again, and the
 * chart data of an analytics result. The summary of a job carries totals and anomaly
 * windows, not the series; the series are in the job's CSV (the same file a user downloads),
 * so charts read that.
 */
import { csvNumber, parseCsv } from '@/lib/csv';
import { zonedWallTimeToInstant } from '@/lib/time';
import type { JobFile, JobRead, JobStatus } from '@/types/jobs';

export const JOB_POLL_MS = 2000;

export function isJobActive(status: JobStatus): boolean {
  return status === 'pending' || status === 'running';
}

/** Poll while any job on screen is still working; stop once every one has finished. */
export function jobsPollInterval(jobs: Pick<JobRead, 'status'>[] | undefined): number | false {
  return jobs?.some((job) => isJobActive(job.status)) ? JOB_POLL_MS : false;
}

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  pending: 'Queued',
  running: 'Running',
  complete: 'Complete',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function csvFileOf(files: JobFile[]): JobFile | undefined {
  return files.find((f) => f.content_type.startsWith('text/csv') || f.name.endsWith('.csv'));
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} kB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

// --- anomaly detection -----------------------------------------------------------------------
const ANOMALY_FIXED_COLUMNS = new Set(['time_utc', 'local_time', 'score', 'anomalous', 'window']);
/** Enough points for a chart a few hundred pixels wide; anomalous ones are always kept. */
export const CHART_MAX_POINTS = 1500;

/** One chart row: `t` in epoch ms, the value of series i under `s{i}`, and `anomalous`. */
export type AnomalyRow = { t: number; anomalous: boolean; score: number | null } & Record<`s${number}`, number | null>;

export interface AnomalyChartData {
  /** Labels of the series, in the CSV's column order: series i is `s{i}` in the rows. */
  labels: string[];
  rows: AnomalyRow[];
  anomalousCount: number;
  /** Rows in the file, before thinning for the chart. */
  totalRows: number;
}

/**
 * Reads `anomalies.csv`: `time_utc, local_time, <one column per series>, score, anomalous,
 * window`. Series get positional keys because their labels (`Press 7 · power_kw`) may hold
 * dots, which chart libraries read as paths.
 */
export function anomalyChartData(csv: string, maxPoints = CHART_MAX_POINTS): AnomalyChartData {
  const [header, ...lines] = parseCsv(csv);
  if (!header) return { labels: [], rows: [], anomalousCount: 0, totalRows: 0 };
  const timeIndex = header.indexOf('time_utc');
  const anomalousIndex = header.indexOf('anomalous');
  const scoreIndex = header.indexOf('score');
  const seriesColumns = header.map((name, i) => ({ name, i })).filter(({ name }) => !ANOMALY_FIXED_COLUMNS.has(name));

  const rows: AnomalyRow[] = [];
  for (const line of lines) {
    const t = Date.parse(line[timeIndex >= 0 ? timeIndex : 0] ?? '');
    if (Number.isNaN(t)) continue;
    const row = {
      t,
      anomalous: line[anomalousIndex] === '1' || line[anomalousIndex]?.toLowerCase() === 'true',
      score: csvNumber(line[scoreIndex]),
    } as AnomalyRow;
    seriesColumns.forEach(({ i }, n) => {
      row[`s${n}`] = csvNumber(line[i]);
    });
    rows.push(row);
  }
  return {
    labels: seriesColumns.map(({ name }) => name),
    rows: thin(rows, maxPoints),
    anomalousCount: rows.filter((r) => r.anomalous).length,
    totalRows: rows.length,
  };
}

function thin(rows: AnomalyRow[], maxPoints: number): AnomalyRow[] {
  if (rows.length <= maxPoints) return rows;
  const stride = Math.ceil(rows.length / maxPoints);
  return rows.filter((row, i) => row.anomalous || i % stride === 0 || i === rows.length - 1);
}

// --- energy forecast -------------------------------------------------------------------------
export interface ForecastRow {
  t: number;
  actual: number | null;
  backtest: number | null;
  forecast: number | null;
  /** [lower, upper] of the forecast's uncertainty, for a band. */
  band: [number, number] | null;
}

/**
 * Reads `forecast.csv`: `local_time, actual_kwh, backtest_kwh, forecast_kwh,
 * forecast_lower_kwh, forecast_upper_kwh`, local times on the factory's clock.
 */
export function forecastChartData(csv: string, timeZone: string): ForecastRow[] {
  const [header, ...lines] = parseCsv(csv);
  if (!header) return [];
  const column = (name: string) => header.indexOf(name);
  const [time, actual, backtest, forecast, lower, upper] = [
    'local_time',
    'actual_kwh',
    'backtest_kwh',
    'forecast_kwh',
    'forecast_lower_kwh',
    'forecast_upper_kwh',
  ].map(column);
  const rows: ForecastRow[] = [];
  for (const line of lines) {
    const wall = (line[time ?? 0] ?? '').trim().replace(' ', 'T');
    const instant = zonedWallTimeToInstant(wall.length === 10 ? `${wall}T00:00` : wall, timeZone);
    if (!instant) continue;
    const low = csvNumber(line[lower ?? -1]);
    const high = csvNumber(line[upper ?? -1]);
    rows.push({
      t: instant.getTime(),
      actual: csvNumber(line[actual ?? -1]),
      backtest: csvNumber(line[backtest ?? -1]),
      forecast: csvNumber(line[forecast ?? -1]),
      band: low !== null && high !== null ? [low, high] : null,
    });
  }
  return rows.sort((a, b) => a.t - b.t);
}
