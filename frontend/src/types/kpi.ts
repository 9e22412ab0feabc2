/** Live KPIs and history (GET /devices/{id}/kpis/live and /kpis/history). */
import type { ParameterRole } from '@/types/device';

export interface LiveKPI {
  parameter_id: number;
  parameter_key: string;
  display_name: string | null;
  unit: string | null;
  role: ParameterRole | null;
  value: number | null;
  ts: string | null;
  age_seconds: number | null;
  stale: boolean;
}

export interface LiveKPIs {
  device_id: number;
  online: boolean;
  last_seen_at: string | null;
  kpis: LiveKPI[];
}

export const AGGREGATIONS = ['mean', 'min', 'max', 'last'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** `auto` lets the server pick an interval that keeps each series near a thousand points. */
export type HistoryInterval = 'auto' | `${number}${'s' | 'm' | 'h' | 'd'}`;

export type SeriesPoint = [ts: string, value: number | null];

export interface HistorySeries {
  parameter_key: string;
  display_name: string | null;
  unit: string | null;
  points: SeriesPoint[];
}

export interface KPIHistory {
  device_id: number;
  start: string;
  end: string;
  interval_seconds: number;
  agg: Aggregation;
  series: HistorySeries[];
}

export interface HistoryParams {
  parameters?: string[];
  start?: string;
  end?: string;
  interval?: HistoryInterval;
  agg?: Aggregation;
}
