import type { Device, DeviceCredentials, DeviceParameter } from '@/types/device';
import type { DashboardSummary, DeviceEnergy } from '@/types/energy';
import type { Factory } from '@/types/factory';
import type { KPIHistory, LiveKPI, LiveKPIs } from '@/types/kpi';
import type { ListResponse } from '@/types/api';
import type { Alert } from '@/types/alerts';
import type { JobRead } from '@/types/jobs';
import type { Rule } from '@/types/rules';
import type { ManagedUser } from '@/types/users';
import type { Baseline } from '@/types/production';

export function makeDevice(overrides: Partial<Device> = {}): Device {
  return {
    id: 5,
    device_key: 'compressor-1',
    name: 'Air Compressor 1',
    type: 'compressor',
    location: 'Hall A, east wall',
    area: 'Utilities',
    manufacturer: 'Janitza',
    model: 'UMG 604-PRO',
    is_active: true,
    status: 'active',
    last_seen_at: new Date(Date.now() - 12_000).toISOString(),
    online: true,
    metadata: {},
    parameter_count: 3,
    created_at: '2026-01-05T08:00:00Z',
    updated_at: '2026-01-05T08:00:00Z',
    ...overrides,
  };
}

export function deviceList(devices: Device[], page = 1, perPage = 25, total = devices.length): ListResponse<Device> {
  return { data: devices, total, page, per_page: perPage };
}

export function makeParameter(overrides: Partial<DeviceParameter> = {}): DeviceParameter {
  return {
    id: 11,
    device_id: 5,
    parameter_key: 'active_power_kw',
    display_name: 'Active power',
    unit: 'kW',
    role: 'active_power',
    is_kpi_selected: true,
    first_seen_at: '2026-01-05T08:00:00Z',
    last_seen_at: '2026-01-05T08:00:00Z',
    latest: { value: 42.5, ts: new Date(Date.now() - 3000).toISOString() },
    ...overrides,
  };
}

export const credentials: DeviceCredentials = {
  mqtt_host: 'mqtt.factory.example',
  mqtt_port: 1883,
  tls: false,
  topic: 'factories/demo/devices/press-7/telemetry',
  client_id: 'demo/press-7',
  username: 'demo/press-7',
  password: 'tok_5ecret-once',
  example:
    "mosquitto_pub -h mqtt.factory.example -p 1883 -i demo/press-7 -u demo/press-7 -P tok_5ecret-once -q 1 -t factories/demo/devices/press-7/telemetry -m '{\"metrics\": {\"power_kw\": 12.5}}'",
};

export function makeKpi(overrides: Partial<LiveKPI> = {}): LiveKPI {
  return {
    parameter_id: 11,
    parameter_key: 'active_power_kw',
    display_name: 'Active power',
    unit: 'kW',
    role: 'active_power',
    value: 42.5,
    ts: new Date(Date.now() - 4000).toISOString(),
    age_seconds: 4,
    stale: false,
    ...overrides,
  };
}

export function makeLive(kpis: LiveKPI[], deviceId = 5): LiveKPIs {
  return { device_id: deviceId, online: true, last_seen_at: new Date().toISOString(), kpis };
}

export function makeHistory(overrides: Partial<KPIHistory> = {}): KPIHistory {
  const end = Date.now();
  const start = end - 3600_000;
  return {
    device_id: 5,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    interval_seconds: 60,
    agg: 'mean',
    series: [
      {
        parameter_key: 'active_power_kw',
        display_name: 'Active power',
        unit: 'kW',
        points: [
          [new Date(start + 60_000).toISOString(), 40],
          [new Date(start + 120_000).toISOString(), 44],
        ],
      },
    ],
    ...overrides,
  };
}

export function makeEnergy(overrides: Partial<DeviceEnergy> = {}): DeviceEnergy {
  const figures = {
    energy_kwh: 120.5,
    cost: 26.51,
    co2_kg: 45.79,
    peak_demand_kw: 31.2,
    load_factor: 0.62,
    avg_power_factor: 0.93,
    idle_kwh: 12,
    running_kwh: 108.5,
  };
  return {
    device_id: 5,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    bucket: 'day',
    source: 'energy_counter',
    buckets: [
      { start: '2026-03-02T23:00:00Z', end: '2026-03-03T23:00:00Z', ...figures, energy_kwh: 60 },
      { start: '2026-03-03T23:00:00Z', end: '2026-03-04T23:00:00Z', ...figures, energy_kwh: 60.5 },
    ],
    totals: figures,
    ...overrides,
  };
}

export function makeSummary(overrides: Partial<DashboardSummary> = {}): DashboardSummary {
  return {
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    devices: { total: 4, online: 3, offline: 1, discovered: 1, disabled: 0 },
    alerts: { open_total: 3, open_by_severity: { info: 0, warning: 2, critical: 1 } },
    energy: {
      today: { energy_kwh: 512.4, cost: 118.2, co2_kg: 194.7 },
      month: { energy_kwh: 10234, cost: 2301.5, co2_kg: 3889 },
    },
    current_load_kw: 86.3,
    peak_demand_today_kw: 121.8,
    load_curve_today: [
      ['2026-03-04T23:00:00Z', 60.1],
      ['2026-03-04T23:15:00Z', 62.4],
    ],
    top_consumers: [
      { device_id: 5, name: 'Air Compressor 1', energy_kwh: 210, cost: 48.3 },
      { device_id: 6, name: 'CNC Line 1', energy_kwh: 150, cost: 34.5 },
    ],
    latest_alerts: [],
    ...overrides,
  };
}

export function makeFactory(overrides: Partial<Factory> = {}): Factory {
  return {
    id: 1,
    name: 'Demo Factory',
    slug: 'demo',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    tariff: { kind: 'flat', price_per_kwh: 0.22 },
    co2_kg_per_kwh: '0.380000',
    settings: { allow_auto_register: true },
    ...overrides,
  };
}

export function makeRule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 3,
    name: 'Compressor overload',
    description: '',
    scope: { kind: 'devices', device_ids: [5] },
    condition: { op: 'and', conditions: [{ parameter: 'active_power_kw', operator: '>', value: 120 }] },
    severity: 'critical',
    cooldown_minutes: 15,
    for_seconds: 0,
    schedule: null,
    channels: [],
    recipients: { user_permissions: [], user_ids: [], emails: [], phones: [] },
    auto_resolve: false,
    escalation: null,
    notify_on_resolve: false,
    allow_unseen_parameters: false,
    is_active: true,
    created_by: 1,
    created_at: '2026-03-01T08:00:00Z',
    updated_at: '2026-03-02T09:30:00Z',
    ...overrides,
  };
}

export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 41,
    rule_id: 3,
    rule_name: 'Compressor overload',
    device_id: 5,
    device_name: 'Air Compressor 1',
    severity: 'critical',
    title: 'Compressor overload on Air Compressor 1',
    message: 'active_power_kw > 120',
    values: { active_power_kw: 131.5 },
    status: 'open',
    trigger_count: 1,
    triggered_at: new Date(Date.now() - 120_000).toISOString(),
    last_triggered_at: new Date(Date.now() - 60_000).toISOString(),
    acknowledged_by: null,
    acknowledged_by_name: null,
    acknowledged_at: null,
    resolved_by: null,
    resolved_by_name: null,
    muted: false,
    snoozed_until: null,
    escalation_step: 0,
    next_escalation_at: null,
    resolved_at: null,
    created_at: new Date(Date.now() - 120_000).toISOString(),
    updated_at: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
}

export function makeManagedUser(overrides: Partial<ManagedUser> = {}): ManagedUser {
  return {
    id: 20,
    email: 'olga@demo.factoryops.io',
    full_name: 'Olga Operator',
    role: 'user',
    permissions: ['acknowledge_alerts'],
    phone: null,
    is_active: true,
    status: 'active',
    invited_at: '2026-02-01T08:00:00Z',
    last_login_at: '2026-03-03T07:00:00Z',
    created_at: '2026-02-01T08:00:00Z',
    updated_at: '2026-02-01T08:00:00Z',
    ...overrides,
  };
}

export function makeJob<T extends JobRead>(overrides: Partial<T> = {}): T {
  return {
    id: 7,
    kind: 'anomaly',
    status: 'complete',
    progress: 100,
    request: {
      kind: 'anomaly',
      device_ids: [5],
      parameters: ['active_power_kw'],
      start: '2026-03-03T00:00:00Z',
      end: '2026-03-04T00:00:00Z',
    },
    result: null,
    error: null,
    attempts: 1,
    created_by: 1,
    created_at: '2026-03-04T08:00:00Z',
    started_at: '2026-03-04T08:00:01Z',
    completed_at: '2026-03-04T08:00:09Z',
    download_url: null,
    files: [],
    ...overrides,
  } as unknown as T;
}

export function page<T>(data: T[], total = data.length, perPage = 25): ListResponse<T> {
  return { data, total, page: 1, per_page: perPage };
}

export function makeBaseline(overrides: Partial<Baseline> = {}): Baseline {
  return {
    id: 4,
    node_id: 1,
    name: 'Winter baseline',
    period_start: '2026-01-01',
    period_end: '2026-01-31',
    granularity: 'day',
    temperature: null,
    model: { intercept: 120, coefficients: { production: 2.5 }, r2: 0.93, points: 31 },
    formula: 'E = 120.0 + 2.5 × production',
    fitted_at: '2026-02-01T00:00:00Z',
    created_at: '2026-02-01T00:00:00Z',
    ...overrides,
  };
}
