import type { ApiKeyCreate, ApiKeyPermission } from '@/types/apiKeys';

export interface ApiKeyValues {
  name: string;
  permissions: ApiKeyPermission[];
  ingestDeviceIds: number[];
  /** A local date (YYYY-MM-DD) the key stops working at the start of, or empty: never. */
  expiresOn: string;
}

export type ApiKeyErrors = Partial<Record<'name' | 'devices' | 'expiresOn', string>>;

export const EMPTY_API_KEY: ApiKeyValues = { name: '', permissions: [], ingestDeviceIds: [], expiresOn: '' };

/** The request for a new key, or what to fix first. `now` is injectable for tests. */
export function apiKeyPayload(values: ApiKeyValues, now: Date = new Date()): { body: ApiKeyCreate | null; errors: ApiKeyErrors } {
  const errors: ApiKeyErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Give the key a name that says which program uses it.';
  const ingest = values.permissions.includes('ingest');
  if (ingest && values.ingestDeviceIds.length === 0) errors.devices = 'Choose the devices the key may send telemetry for.';
  let expiresAt: string | null = null;
  if (values.expiresOn) {
    const [y, m, d] = values.expiresOn.split('-').map(Number);
    const end = new Date(y ?? NaN, (m ?? NaN) - 1, d ?? NaN);
    if (Number.isNaN(end.getTime())) errors.expiresOn = 'Enter a date.';
    else if (end.getTime() <= now.getTime()) errors.expiresOn = 'Choose a day after today.';
    else expiresAt = end.toISOString();
  }
  if (Object.keys(errors).length > 0) return { body: null, errors };
  return {
    body: {
      name,
      permissions: [...values.permissions].sort(),
      ingest_device_ids: ingest ? [...values.ingestDeviceIds].sort((a, b) => a - b) : [],
      expires_at: expiresAt,
    },
    errors,
  };
}
