import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import ApiKeys from '@/pages/ApiKeys';
import { useAuthStore } from '@/stores/authStore';
import { makeDevice, page } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { mockApi, type MockApi } from '@/test/mockApi';
import { renderRoutes } from '@/test/render';
import type { ApiKey } from '@/types/apiKeys';

function makeKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: 7,
    name: 'MES line 2',
    prefix: 'fo_live_Ab12Cd',
    permissions: ['acknowledge_alerts'],
    ingest_device_ids: [],
    status: 'active',
    expires_at: null,
    revoked_at: null,
    last_used_at: null,
    created_at: '2026-12-01T08:00:00Z',
    created_by: { id: 1, full_name: 'Ada Admin', email: 'admin@demo.factoryops.io' },
    ...overrides,
  };
}

const mes = makeKey();
const gateway = makeKey({ id: 8, name: 'Roof gateway', prefix: 'fo_live_Zz99Yy', permissions: ['ingest'], ingest_device_ids: [5, 6] });
const old = makeKey({ id: 9, name: 'Old ERP', status: 'revoked', revoked_at: '2026-12-02T08:00:00Z' });

function platform(): MockApi {
  const mock = mockApi();
  mock.on('get', '/api-keys', { status: 200, data: page([mes, gateway, old]) });
  mock.on('get', '/devices', { status: 200, data: page([makeDevice({ id: 5, name: 'Press 5', device_key: 'press-5' })]) });
  return mock;
}

function renderKeys() {
  return renderRoutes([{ path: '/settings/api-keys', element: <ApiKeys /> }], '/settings/api-keys');
}

describe('ApiKeys', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeSuperAdmin())));

  it('lists keys by name and prefix with their permissions and status', async () => {
    platform();
    renderKeys();
    const rows = within(await screen.findByRole('table', { name: 'API keys' })).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('MES line 2fo_live_Ab12Cd…Acknowledge alertsActive');
    expect(rows[1]).toHaveTextContent('Send telemetry (2 devices)');
    expect(rows[2]).toHaveTextContent('Revoked');
    expect(within(rows[2]!).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it('creates a key for chosen devices and shows the key once', async () => {
    const mock = platform();
    mock.on('post', '/api-keys', { status: 201, data: { data: { ...gateway, id: 10, key: 'fo_live_secretsecret' } } });
    const user = userEvent.setup({ delay: null });
    renderKeys();

    await user.click(await screen.findByRole('button', { name: 'Create API key' }));
    const dialog = screen.getByRole('dialog', { name: 'Create API key' });
    await user.type(within(dialog).getByLabelText(/^Name/), 'Roof gateway');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Send telemetry' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Choose the devices');
    await user.click(await within(dialog).findByRole('checkbox', { name: /Press 5/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    expect(within(shown).getByLabelText('API key')).toHaveValue('fo_live_secretsecret');
    expect(mock.callsTo('post', '/api-keys')[0]?.body).toEqual({
      name: 'Roof gateway',
      permissions: ['ingest'],
      ingest_device_ids: [5],
      expires_at: null,
    });
  });

  it('revokes a key after confirmation', async () => {
    const mock = platform();
    mock.on('post', '/api-keys/7/revoke', { status: 200, data: { data: { ...mes, status: 'revoked' } } });
    const user = userEvent.setup({ delay: null });
    renderKeys();
    await user.click(await screen.findByRole('button', { name: 'Revoke MES line 2' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Revoke MES line 2?' })).getByRole('button', { name: 'Revoke' }));
    expect(mock.callsTo('post', '/api-keys/7/revoke')).toHaveLength(1);
  });
});
