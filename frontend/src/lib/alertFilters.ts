import { relativeRange, RELATIVE_RANGES, type RelativeRangeId } from '@/lib/periods';
import type { AlertListParams, AlertStatus } from '@/types/alerts';
import { SEVERITIES, type Severity } from '@/types/rules';

export const ALERTS_PER_PAGE = 25;

/** `active` is open or acknowledged: everything not resolved yet. */
export type AlertStatusFilter = AlertStatus | 'active' | 'any';

const STATUS_FILTERS: AlertStatusFilter[] = ['active', 'open', 'acknowledged', 'resolved', 'any'];

export const STATUS_FILTER_LABELS: Record<AlertStatusFilter, string> = {
  active: 'Open or acknowledged',
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  any: 'Any status',
};

export type AlertRange = '' | RelativeRangeId | 'custom';

/** The alert list's filters as they live in the address bar, so a link shows the same list. */
export interface AlertFilters {
  status: AlertStatusFilter;
  severity: Severity | '';
  device: string;
  rule: string;
  range: AlertRange;
  /** ISO instants of a custom range. */
  since: string;
  until: string;
  page: number;
}

export const DEFAULT_ALERT_FILTERS: AlertFilters = {
  status: 'active',
  severity: '',
  device: '',
  rule: '',
  range: '',
  since: '',
  until: '',
  page: 1,
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

const RANGES: AlertRange[] = ['', ...RELATIVE_RANGES.map((r) => r.id), 'custom'];

function positiveId(value: string | null): string {
  return value && /^[1-9]\d{0,17}$/.test(value) ? value : '';
}

function isoOrEmpty(value: string | null): string {
  return value && !Number.isNaN(Date.parse(value)) ? value : '';
}

export function readAlertFilters(search: URLSearchParams): AlertFilters {
  const page = Number.parseInt(search.get('page') ?? '1', 10);
  return {
    status: oneOf(search.get('status'), STATUS_FILTERS, 'active'),
    severity: oneOf<Severity | ''>(search.get('severity'), SEVERITIES, ''),
    device: positiveId(search.get('device_id')),
    rule: positiveId(search.get('rule_id')),
    range: oneOf(search.get('range'), RANGES, ''),
    since: isoOrEmpty(search.get('since')),
    until: isoOrEmpty(search.get('until')),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  };
}

const URL_NAMES: Record<keyof AlertFilters, string> = {
  status: 'status',
  severity: 'severity',
  device: 'device_id',
  rule: 'rule_id',
  range: 'range',
  since: 'since',
  until: 'until',
  page: 'page',
};

/** Only what differs from the defaults, to keep shared links short. */
export function writeAlertFilters(filters: AlertFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_ALERT_FILTERS) as (keyof AlertFilters)[]) {
    if (filters.range !== 'custom' && (key === 'since' || key === 'until')) continue;
    const value = filters[key];
    if (value !== DEFAULT_ALERT_FILTERS[key] && value !== '') search.set(URL_NAMES[key], String(value));
  }
  return search;
}

/** The `GET /alerts` query for these filters; relative ranges are resolved now. */
export function alertListParams(filters: AlertFilters, now: number = Date.now()): AlertListParams {
  const status: AlertStatus[] | undefined =
    filters.status === 'any' ? undefined : filters.status === 'active' ? ['open', 'acknowledged'] : [filters.status];
  let since: string | undefined;
  let until: string | undefined;
  if (filters.range === 'custom') {
    since = filters.since || undefined;
    until = filters.until || undefined;
  } else if (filters.range) {
    since = relativeRange(filters.range, now).start;
  }
  return {
    status,
    severity: filters.severity ? [filters.severity] : undefined,
    device_id: filters.device ? Number(filters.device) : undefined,
    rule_id: filters.rule ? Number(filters.rule) : undefined,
    since,
    until,
    page: filters.page,
    per_page: ALERTS_PER_PAGE,
  };
}

export function hasActiveAlertFilters(filters: AlertFilters): boolean {
  return Boolean(filters.status !== 'active' || filters.severity || filters.device || filters.rule || filters.range);
}

/** Only open alerts can be acknowledged, so only they can be selected for it. */
export function selectableAlertIds(alerts: { id: number; status: AlertStatus }[]): number[] {
  return alerts.filter((a) => a.status === 'open').map((a) => a.id);
}
