/** Analytics and report jobs (backend/app/schemas/job.py, analytics.py, report.py, report_schedule.py). */

export const JOB_STATUSES = ['pending', 'running', 'complete', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobFile {
  /** The object key, e.g. `factories/1/reports/9/report-9.pdf`: GET /files/{key} streams it. */
  key: string;
  name: string;
  content_type: string;
  size: number;
  /** A signed link valid for a while; null when the store could not create one. */
  url: string | null;
}

export interface JobRead<Kind extends string = string> {
  id: number;
  kind: Kind;
  status: JobStatus;
  progress: number;
  /** What was asked for, as submitted. */
  request: Record<string, unknown>;
  /** Summary of a complete job. */
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  created_by: number | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  download_url: string | null;
  files: JobFile[];
}

// --- analytics ---------------------------------------------------------------------------
export type AnalyticsKind = 'anomaly' | 'forecast';
export const ANOMALY_RESOLUTIONS = ['auto', '1m', '5m', '15m', '1h'] as const;
export type AnomalyResolution = (typeof ANOMALY_RESOLUTIONS)[number];
export type ForecastGranularity = 'hourly' | 'daily';

export type AnalyticsJob = JobRead<AnalyticsKind>;

export type AnalyticsJobCreate =
  | {
      kind: 'anomaly';
      device_ids: number[];
      start: string;
      end: string;
      parameters: string[];
      options: { contamination: number; resolution: AnomalyResolution };
    }
  | {
      kind: 'forecast';
      device_ids: number[];
      start: string;
      end: string;
      parameters: [];
      options: { horizon_days: number; granularity: ForecastGranularity };
    };

export interface AnomalyWindow {
  start: string;
  end: string;
  peak_at: string;
  score?: number;
  [key: string]: unknown;
}

export interface AnomalySummary {
  resolution_seconds: number;
  timezone: string;
  points: number;
  series: { device_id: number; parameter: string; label: string; points: number }[];
  anomalous_points: number;
  window_count: number;
  windows: AnomalyWindow[];
  contamination: number;
}

export interface ForecastSummary {
  granularity: ForecastGranularity;
  horizon_days: number;
  timezone: string;
  devices: { device_id: number; name: string; source: string | null }[];
  history: { start: string; end: string; points: number; days_with_data: number; total_kwh: number };
  holdout: { points: number; mape_pct: number | null };
  forecast: { total_kwh: number; daily: { date: string; kwh: number }[] };
}

export interface JobListParams<Kind extends string> {
  kind?: Kind;
  status?: JobStatus;
  page?: number;
  per_page?: number;
}

// --- reports -----------------------------------------------------------------------------
export const REPORT_KINDS = ['energy_summary', 'device_detail', 'alerts'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type ReportFormat = 'pdf' | 'xlsx';

export interface Report extends JobRead<ReportKind> {
  format: ReportFormat;
  schedule_id: number | null;
}

export interface ReportCreate {
  kind: ReportKind;
  format: ReportFormat;
  start: string;
  end: string;
  /** Omitted: every device of the factory. */
  device_ids?: number[] | null;
}

export const CADENCES = ['daily', 'weekly', 'monthly'] as const;
export type Cadence = (typeof CADENCES)[number];

export interface ReportScheduleWrite {
  name: string;
  kind: ReportKind;
  format: ReportFormat;
  device_ids: number[] | null;
  cadence: Cadence;
  recipients: string[];
  is_active: boolean;
}

export interface ReportSchedule extends ReportScheduleWrite {
  id: number;
  timezone: string;
  run_at_local: string;
  next_run_at: string | null;
  next_period: { start: string; end: string } | null;
  last_run_at: string | null;
  last_report_id: number | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}
