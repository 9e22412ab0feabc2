import { describe, expect, it } from 'vitest';
import { apiKeyPayload, EMPTY_API_KEY } from '@/lib/apiKeyForm';

const now = new Date(2026, 11, 4, 10, 0);

describe('apiKeyPayload', () => {
  it('needs a name', () => {
    expect(apiKeyPayload({ ...EMPTY_API_KEY, name: '  ' }, now).errors.name).toMatch(/name/);
  });

  it('sends sorted permissions and drops devices without the ingest permission', () => {
    const { body } = apiKeyPayload({ name: ' MES ', permissions: ['manage_rules', 'acknowledge_alerts'], ingestDeviceIds: [3], expiresOn: '' }, now);
    expect(body).toEqual({ name: 'MES', permissions: ['acknowledge_alerts', 'manage_rules'], ingest_device_ids: [], expires_at: null });
  });

  it('asks for devices when the key may ingest', () => {
    expect(apiKeyPayload({ ...EMPTY_API_KEY, name: 'gw', permissions: ['ingest'] }, now).errors.devices).toBeDefined();
    const { body } = apiKeyPayload({ ...EMPTY_API_KEY, name: 'gw', permissions: ['ingest'], ingestDeviceIds: [9, 2] }, now);
    expect(body?.ingest_device_ids).toEqual([2, 9]);
  });

  it('expires at the start of the chosen local day, which must be in the future', () => {
    expect(apiKeyPayload({ ...EMPTY_API_KEY, name: 'k', expiresOn: '2026-12-04' }, now).errors.expiresOn).toMatch(/after today/);
    const { body } = apiKeyPayload({ ...EMPTY_API_KEY, name: 'k', expiresOn: '2027-01-31' }, now);
    expect(body?.expires_at).toBe(new Date(2027, 0, 31).toISOString());
  });
});
