/** Shapes of backend/app/schemas/device.py. */

export const DEVICE_STATUSES = ['discovered', 'active', 'disabled'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

// Kept in the order of backend/app/models/device_parameter.py (PARAMETER_ROLES).
export const PARAMETER_ROLES = [
  'active_power',
  'reactive_power',
  'apparent_power',
  'energy_counter',
  'power_factor',
  'voltage',
  'current',
  'frequency',
  'thd',
  'temperature',
  'other',
] as const;
export type ParameterRole = (typeof PARAMETER_ROLES)[number];

export const DEVICE_SORTS = [
  'name',
  '-name',
  'device_key',
  '-device_key',
  'last_seen_at',
  '-last_seen_at',
  'created_at',
  '-created_at',
] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

export interface Device {
  id: number;
  device_key: string;
  name: string;
  type: string | null;
  location: string | null;
  area: string | null;
  manufacturer: string | null;
  model: string | null;
  is_active: boolean;
  status: DeviceStatus;
  last_seen_at: string | null;
  online: boolean;
  metadata: Record<string, unknown>;
  parameter_count: number;
  created_at: string;
  updated_at: string;
}

export interface DeviceCredentials {
  mqtt_host: string;
  mqtt_port: number;
  topic: string;
  client_id: string;
  username: string;
  password: string;
  example: string;
}

export interface DeviceWithCredentials {
  device: Device;
  credentials: DeviceCredentials;
}

export interface DeviceListParams {
  q?: string;
  status?: DeviceStatus;
  type?: string;
  area?: string;
  online?: boolean;
  sort?: DeviceSort;
  page?: number;
  per_page?: number;
}

export interface DeviceCreate {
  device_key: string;
  name: string;
  type?: string | null;
  location?: string | null;
  area?: string | null;
  manufacturer?: string | null;
  model?: string | null;
}

export interface DeviceUpdate {
  name?: string;
  type?: string | null;
  location?: string | null;
  area?: string | null;
  manufacturer?: string | null;
  model?: string | null;
  status?: 'active' | 'disabled';
}

export interface LatestValue {
  value: number;
  ts: string;
}

export interface DeviceParameter {
  id: number;
  device_id: number;
  parameter_key: string;
  display_name: string | null;
  unit: string | null;
  role: ParameterRole | null;
  is_kpi_selected: boolean;
  first_seen_at: string;
  last_seen_at: string;
  latest: LatestValue | null;
}

export interface ParameterChanges {
  display_name?: string | null;
  unit?: string | null;
  role?: ParameterRole | null;
  is_kpi_selected?: boolean;
}

export interface ParameterBulkItem extends ParameterChanges {
  id: number;
}
