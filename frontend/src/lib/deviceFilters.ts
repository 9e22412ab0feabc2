import { DEVICE_SORTS, DEVICE_STATUSES, type DeviceListParams, type DeviceSort, type DeviceStatus } from '@/types/device';

export const DEVICES_PER_PAGE = 25;

/** The machine list's filters as they live in the address bar, so back and reload keep them. */
export interface DeviceFilters {
  q: string;
  status: DeviceStatus | '';
  type: string;
  area: string;
  online: '' | 'online' | 'offline';
  sort: DeviceSort;
  page: number;
}

export const DEFAULT_FILTERS: DeviceFilters = {
  q: '',
  status: '',
  type: '',
  area: '',
  online: '',
  sort: 'name',
  page: 1,
};

function oneOf<T extends string, F extends string>(value: string | null, allowed: readonly T[], fallback: F): T | F {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function readFilters(search: URLSearchParams): DeviceFilters {
  const page = Number.parseInt(search.get('page') ?? '1', 10);
  return {
    q: search.get('q') ?? '',
    status: oneOf(search.get('status'), DEVICE_STATUSES, ''),
    type: search.get('type') ?? '',
    area: search.get('area') ?? '',
    online: oneOf(search.get('online'), ['online', 'offline'] as const, ''),
    sort: oneOf(search.get('sort'), DEVICE_SORTS, 'name'),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  };
}

/** Only what differs from the defaults, to keep shared links short. */
export function writeFilters(filters: DeviceFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_FILTERS) as (keyof DeviceFilters)[]) {
    const value = filters[key];
    if (value !== DEFAULT_FILTERS[key] && value !== '') search.set(key, String(value));
  }
  return search;
}

/** The `GET /devices` query for these filters. */
export function listParams(filters: DeviceFilters): DeviceListParams {
  return {
    q: filters.q.trim() || undefined,
    status: filters.status || undefined,
    type: filters.type.trim() || undefined,
    area: filters.area.trim() || undefined,
    online: filters.online === '' ? undefined : filters.online === 'online',
    sort: filters.sort,
    page: filters.page,
    per_page: DEVICES_PER_PAGE,
  };
}

export function hasActiveFilters(filters: DeviceFilters): boolean {
  return Boolean(filters.q || filters.status || filters.type || filters.area || filters.online);
}
