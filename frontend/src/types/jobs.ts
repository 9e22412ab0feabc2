/** Analytics and report jobs (/analytics/jobs, /reports, /reports/schedules). */
import { membersOf } from '@/types/api';
import type { QueryOf, Schema } from '@/types/api';

export type JobFile = Schema<'JobFile'>;

// --- analytics ---------------------------------------------------------------------------
export type AnalyticsJob = Schema<'AnalyticsJobRead'>;
export type AnalyticsKind = AnalyticsJob['kind'];
export type JobStatus = AnalyticsJob['status'];
export const JOB_STATUSES = membersOf<JobStatus>()(['pending', 'running', 'complete', 'failed', 'cancelled']);

export type AnomalyResolution = Schema<'AnomalyOptions'>['resolution'];
export const ANOMALY_RESOLUTIONS = membersOf<AnomalyResolution>()(['auto', '1m', '5m', '15m', '1h']);
export type ForecastGranularity = Schema<'ForecastOptions'>['granularity'];

export type AnalyticsJobCreate = Schema<'AnomalyJobCreate'> | Schema<'ForecastJobCreate'>;
export type AnalyticsJobListParams = QueryOf<'/api/v1/analytics/jobs'>;

/*
 * A complete job's `result` is a free-form object in the API (each kind writes its own
 * summary); these are the summaries the analytics workers write.
 */
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

// --- reports -----------------------------------------------------------------------------
export type Report = Schema<'ReportRead'>;
export type ReportKind = Report['kind'];
export const REPORT_KINDS = membersOf<ReportKind>()(['energy_summary', 'device_detail', 'alerts', 'shift_report']);
export type ReportFormat = Report['format'];
export type ReportCreate = Schema<'ReportCreate'>;
export type ReportListParams = QueryOf<'/api/v1/reports'>;

export type ReportSchedule = Schema<'ScheduleRead'>;
export type Cadence = ReportSchedule['cadence'];
export const CADENCES = membersOf<Cadence>()(['daily', 'weekly', 'monthly']);
/** The web app always sends every field, `device_ids: null` for every device. */
export type ReportScheduleWrite = Required<Schema<'ScheduleCreate'>>;

/** What analytics jobs and reports share: the job lifecycle and its files. */
export type JobRead = AnalyticsJob | Report;
