/** Alerts (backend/app/schemas/alert.py). */
import type { Severity } from '@/types/rules';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface Alert {
  id: number;
  /** Null once the rule has been deleted; the alert stays in the history. */
  rule_id: number | null;
  rule_name: string | null;
  device_id: number | null;
  device_name: string | null;
  severity: Severity;
  title: string;
  message: string;
  /** The values the rule saw when it fired, by parameter key. */
  values: Record<string, unknown>;
  status: AlertStatus;
  trigger_count: number;
  triggered_at: string;
  last_triggered_at: string;
  acknowledged_by: number | null;
  /** Full name, or email when the name is empty. */
  acknowledged_by_name: string | null;
  acknowledged_at: string | null;
  /** Null when the alert resolved itself. */
  resolved_by: number | null;
  resolved_by_name: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AlertCounts {
  open_total: number;
  by_severity: Record<string, number>;
  by_status: Record<string, number>;
}

export interface AlertListParams {
  status?: AlertStatus[];
  severity?: Severity[];
  device_id?: number;
  rule_id?: number;
  since?: string;
  until?: string;
  page?: number;
  per_page?: number;
}
