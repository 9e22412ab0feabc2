/** Energy figures (GET /devices/{id}/energy, /energy) and the dashboard summary. */

export type EnergyBucketSize = 'hour' | 'day' | 'month';
export type EnergySource = 'energy_counter' | 'active_power' | null;

export interface EnergyFigures {
  energy_kwh: number | null;
  cost: number | null;
  co2_kg: number | null;
  peak_demand_kw: number | null;
  load_factor: number | null;
  avg_power_factor: number | null;
  idle_kwh: number | null;
  running_kwh: number | null;
}

export interface EnergyBucket extends EnergyFigures {
  start: string;
  end: string;
}

export interface DeviceEnergy {
  device_id: number;
  timezone: string;
  currency: string;
  bucket: EnergyBucketSize;
  source: EnergySource;
  buckets: EnergyBucket[];
  totals: EnergyFigures;
}

export interface EnergyParams {
  start?: string;
  end?: string;
  bucket?: EnergyBucketSize;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface EnergyAmount {
  energy_kwh: number | null;
  cost: number | null;
  co2_kg: number | null;
}

export interface TopConsumer {
  device_id: number;
  name: string;
  energy_kwh: number | null;
  cost: number | null;
}

export interface AlertBrief {
  id: number;
  /** Null once the device has been deleted; the alert stays in the history. */
  device_id: number | null;
  device_name: string | null;
  rule_id: number | null;
  severity: AlertSeverity;
  title: string;
  status: 'open' | 'acknowledged' | 'resolved';
  triggered_at: string;
}

export interface DashboardSummary {
  timezone: string;
  currency: string;
  devices: { total: number; online: number; offline: number; discovered: number; disabled: number };
  alerts: { open_total: number; open_by_severity: Record<AlertSeverity, number> };
  energy: { today: EnergyAmount; month: EnergyAmount };
  current_load_kw: number | null;
  peak_demand_today_kw: number | null;
  load_curve_today: [ts: string, kw: number | null][];
  top_consumers: TopConsumer[];
  latest_alerts: AlertBrief[];
}
