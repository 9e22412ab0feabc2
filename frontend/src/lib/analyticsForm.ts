/** The analytics form and its translation into `POST /analytics/jobs` (backend/app/schemas/analytics.py). */
import { relativeRange, type RelativeRangeId } from '@/lib/periods';
import { zonedWallTimeToInstant } from '@/lib/time';
import type { AnalyticsJobCreate, AnalyticsKind, AnomalyResolution, ForecastGranularity } from '@/types/jobs';

export const ANALYTICS_MAX_DEVICES = 20;
export const ANOMALY_MAX_PARAMETERS = 10;
/** Days of history a forecast needs at least (backend/app/services/energy_forecast.py MIN_DAYS). */
export const FORECAST_MIN_DAYS: Record<ForecastGranularity, number> = { hourly: 7, daily: 14 };

export interface AnalyticsDraft {
  kind: AnalyticsKind;
  deviceIds: number[];
  parameters: string[];
  range: RelativeRangeId | 'custom';
  /** datetime-local values on the factory's clock, for a custom range. */
  from: string;
  to: string;
  /** Expected share of anomalous moments, in percent. */
  contaminationPct: string;
  resolution: AnomalyResolution;
  horizonDays: string;
  granularity: ForecastGranularity;
}

export type AnalyticsField = 'devices' | 'parameters' | 'range' | 'contamination' | 'horizon';

export function emptyAnalyticsDraft(kind: AnalyticsKind = 'anomaly'): AnalyticsDraft {
  return {
    kind,
    deviceIds: [],
    parameters: [],
    range: kind === 'anomaly' ? '24h' : '30d',
    from: '',
    to: '',
    contaminationPct: '1',
    resolution: 'auto',
    horizonDays: '7',
    granularity: 'hourly',
  };
}

export function buildAnalyticsJob(
  draft: AnalyticsDraft,
  timeZone: string,
  now: number = Date.now(),
): { body: AnalyticsJobCreate | null; errors: Partial<Record<AnalyticsField, string>> } {
  const errors: Partial<Record<AnalyticsField, string>> = {};
  if (draft.deviceIds.length === 0) errors.devices = 'Choose at least one device.';
  else if (draft.deviceIds.length > ANALYTICS_MAX_DEVICES) errors.devices = `Choose at most ${ANALYTICS_MAX_DEVICES} devices.`;

  let range: { start: string; end: string } | null = null;
  if (draft.range === 'custom') {
    const start = zonedWallTimeToInstant(draft.from, timeZone);
    const end = zonedWallTimeToInstant(draft.to, timeZone);
    if (!start || !end) errors.range = 'Enter a start and an end.';
    else if (end <= start) errors.range = 'The end must be after the start.';
    else if (start.getTime() >= now) errors.range = 'The start must be in the past: analytics read recorded data.';
    else range = { start: start.toISOString(), end: end.toISOString() };
  } else {
    range = relativeRange(draft.range, now);
  }

  if (draft.kind === 'anomaly') {
    if (draft.parameters.length === 0) errors.parameters = 'Choose at least one parameter.';
    else if (draft.parameters.length > ANOMALY_MAX_PARAMETERS) errors.parameters = `Choose at most ${ANOMALY_MAX_PARAMETERS} parameters.`;
    const pct = Number(draft.contaminationPct.replace(',', '.'));
    if (!Number.isFinite(pct) || pct < 0.1 || pct > 20) errors.contamination = 'Enter a share from 0.1 to 20 %.';
    if (Object.keys(errors).length > 0 || !range) return { body: null, errors };
    return {
      body: {
        kind: 'anomaly',
        device_ids: draft.deviceIds,
        start: range.start,
        end: range.end,
        parameters: draft.parameters,
        // The API takes a fraction; people think in percent.
        options: { contamination: Math.round(pct * 1000) / 100000, resolution: draft.resolution },
      },
      errors,
    };
  }

  const horizon = Number(draft.horizonDays);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 30) errors.horizon = 'Enter whole days from 1 to 30.';
  if (range && (Date.parse(range.end) - Date.parse(range.start)) / 86_400_000 < FORECAST_MIN_DAYS[draft.granularity]) {
    errors.range = `A${draft.granularity === 'hourly' ? 'n hourly' : ' daily'} forecast needs at least ${FORECAST_MIN_DAYS[draft.granularity]} days of history.`;
  }
  if (Object.keys(errors).length > 0 || !range) return { body: null, errors };
  return {
    body: {
      kind: 'forecast',
      device_ids: draft.deviceIds,
      start: range.start,
      end: range.end,
      parameters: [],
      options: { horizon_days: horizon, granularity: draft.granularity },
    },
    errors,
  };
}
