import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { InternalAxiosRequestConfig } from 'axios';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/api/client';
import DeviceDetail from '@/pages/DeviceDetail';
import { useAuthStore } from '@/stores/authStore';
import {
  credentials,
  deviceList,
  makeAlert,
  makeDevice,
  makeEnergy,
  makeHistory,
  makeKpi,
  makeLive,
  makeParameter,
} from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin, makeUser } from '@/test/fixtures';
import { apiError, deferredReply, mockApi, type MockApi } from '@/test/mockApi';
import { probeRoute, renderAt } from '@/test/render';

const device = makeDevice();
const parameters = [
  makeParameter(),
  makeParameter({ id: 12, parameter_key: 'voltage_l1', display_name: 'Voltage L1', unit: 'V', role: 'voltage', latest: null }),
  makeParameter({ id: 13, parameter_key: 'thd_pct', display_name: null, unit: '%', role: 'thd', is_kpi_selected: false }),
];

function platform(overrides: (mock: MockApi) => void = () => undefined) {
  const mock = mockApi();
  overrides(mock);
  mock.on('get', '/devices/5', { status: 200, data: { data: device } });
  mock.on('get', '/devices/5/kpis/live', {
    status: 200,
    data: {
      data: makeLive([
        makeKpi(),
        makeKpi({ parameter_id: 12, parameter_key: 'voltage_l1', display_name: 'Voltage L1', unit: 'V', value: 231.27, age_seconds: 400, stale: true }),
      ]),
    },
  });
  mock.on('get', '/devices/5/kpis/history', { status: 200, data: { data: makeHistory() } });
  mock.on('get', '/devices/5/energy', { status: 200, data: { data: makeEnergy() } });
  mock.on('get', '/devices/5/parameters', { status: 200, data: { data: parameters, total: 3, page: 1, per_page: 100 } });
  mock.on('get', '/alerts', { status: 200, data: { data: [], total: 0, page: 1, per_page: 10 } });
  return mock;
}

function renderDetail(path = '/machines/5') {
  return renderAt('/machines/:deviceId', <DeviceDetail />, [probeRoute('/machines')], undefined, path);
}

function historyCalls(mock: MockApi) {
  return mock
    .callsTo('get', '/devices/5/kpis/history')
    .map((c) => c.params as Record<string, unknown>)
    .filter((p) => p.interval === 'auto');
}

const hours = (p: Record<string, unknown>) => (Date.parse(String(p.end)) - Date.parse(String(p.start))) / 3600_000;

describe('DeviceDetail', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeSuperAdmin())));

  it('shows the device, its live KPI cards, energy and parameters', async () => {
    platform();
    renderDetail();

    expect(await screen.findByRole('heading', { level: 1, name: 'Air Compressor 1' })).toBeInTheDocument();
    expect(screen.getByText('compressor-1')).toBeInTheDocument();
    expect(screen.getByText('Hall A, east wall · Utilities')).toBeInTheDocument();

    const power = await screen.findByRole('article', { name: 'Active power' });
    expect(power).toHaveTextContent('42.5kW');
    const voltage = screen.getByRole('article', { name: 'Voltage L1' });
    expect(voltage).toHaveTextContent('231.3V');
    expect(within(voltage).getByText('Stale')).toBeInTheDocument();

    const totals = (await screen.findByText('Peak demand', { selector: 'dt' })).closest('dl');
    expect(totals).toHaveTextContent('Energy120.5 kWh');
    expect(totals).toHaveTextContent('Cost€26.51');
    expect(totals).toHaveTextContent('Peak demand31.2 kW');
    expect(screen.getByRole('table', { name: 'Energy per day' })).toHaveTextContent('60.5 kWh');
    expect(await screen.findByLabelText('Role for thd_pct')).toHaveValue('thd');

    for (const name of ['Edit', 'Deactivate', 'Rotate token', 'Delete']) {
      expect(screen.getByRole('button', { name })).toBeInTheDocument();
    }
  });

  it('overlays other devices’ parameters of the same keys on the history chart', async () => {
    const mock = platform((m) => {
      m.on('get', '/devices', { status: 200, data: deviceList([device, makeDevice({ id: 6, name: 'CNC Line 1', device_key: 'cnc-line-1' })]) });
      m.on('get', '/devices/6/kpis/history', { status: 200, data: { data: makeHistory({ device_id: 6 }) } });
    });
    renderDetail();
    const user = userEvent.setup();

    await user.click(await screen.findByText('Compare with other devices'));
    await user.click(await screen.findByRole('checkbox', { name: /^CNC Line 1/ }));

    expect(await screen.findByRole('img', { name: 'History: Air Compressor 1 · Active power, CNC Line 1 · Active power' })).toBeInTheDocument();
    const compared = mock.callsTo('get', '/devices/6/kpis/history').map((c) => c.params as Record<string, unknown>);
    expect(compared.at(-1)).toMatchObject({ agg: 'mean', interval: 'auto', parameters: ['active_power_kw', 'voltage_l1'] });
    expect(hours(compared.at(-1)!)).toBe(24);
  });

  it('hides every change from a user without manage_devices', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['acknowledge_alerts'] })));
    platform();
    renderDetail();

    await screen.findByRole('article', { name: 'Active power' });
    const table = await screen.findByRole('table', { name: 'Parameters' });
    expect(within(table).queryByRole('checkbox')).not.toBeInTheDocument();
    for (const name of ['Edit', 'Deactivate', 'Rotate token', 'Delete', 'Save changes']) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeInTheDocument();
  });

  it('lists the device’s alerts, with acknowledging for those allowed to', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['acknowledge_alerts'] })));
    const mock = platform((m) => {
      m.on('get', '/alerts', { status: 200, data: { data: [makeAlert(), makeAlert({ id: 40, status: 'resolved', title: 'Old overload' })], total: 7, page: 1, per_page: 10 } });
    });
    mock.on('post', '/alerts/41/acknowledge', { status: 200, data: { data: makeAlert({ status: 'acknowledged' }) } });
    const user = userEvent.setup();
    renderDetail();

    const table = await screen.findByRole('table', { name: 'Alerts of this device' });
    expect(mock.callsTo('get', '/alerts')[0]?.params).toEqual({ device_id: 5, page: 1, per_page: 10 });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByRole('link', { name: 'All alerts of this device' })).toHaveAttribute('href', '/alerts?device_id=5&status=any');
    await user.click(within(table).getByRole('button', { name: 'Acknowledge Compressor overload on Air Compressor 1' }));
    await waitFor(() => expect(mock.callsTo('post', '/alerts/41/acknowledge')).toHaveLength(1));
    expect(within(table).queryByRole('button', { name: 'Resolve Old overload' })).not.toBeInTheDocument();
  });

  it('explains how to get energy figures when no parameter has an energy role', async () => {
    platform((mock) =>
      mock.on('get', '/devices/5/energy', { status: 200, data: { data: makeEnergy({ source: null, buckets: [] }) } }),
    );
    renderDetail();
    expect(
      await screen.findByText('Assign the energy counter or active power role to a parameter to see energy.'),
    ).toBeInTheDocument();
  });

  it('asks for the chosen range and aggregation, and shows the API’s reason for a refusal', async () => {
    const mock = platform((m) =>
      m.on('get', '/devices/5/kpis/history', (config) =>
        String((config.params as { start?: string }).start).startsWith('2026-03-01')
          ? apiError(422, 'INVALID_RANGE', 'The range must not start before the device was added.')
          : { status: 200, data: { data: makeHistory() } },
      ),
    );
    const user = userEvent.setup();
    renderDetail();

    await waitFor(() => expect(historyCalls(mock)).toHaveLength(1));
    expect(historyCalls(mock)[0]).toMatchObject({ agg: 'mean' });
    expect(hours(historyCalls(mock)[0]!)).toBe(24);
    // Unset parameters: the server charts the KPI selection.
    expect(historyCalls(mock)[0]?.parameters).toBeUndefined();

    await user.click(screen.getByRole('radio', { name: '7d' }));
    await waitFor(() => expect(hours(historyCalls(mock).at(-1)!)).toBe(24 * 7));

    await user.selectOptions(screen.getByLabelText('Aggregation'), 'max');
    await waitFor(() => expect(historyCalls(mock).at(-1)).toMatchObject({ agg: 'max' }));

    await user.click(screen.getByText(/^Parameters/, { selector: 'summary' }));
    await user.click(screen.getByRole('checkbox', { name: /^thd_pct/ }));
    await waitFor(() =>
      expect(historyCalls(mock).at(-1)?.parameters).toEqual(['active_power_kw', 'voltage_l1', 'thd_pct']),
    );

    await user.click(screen.getByRole('radio', { name: 'Custom' }));
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2026-03-01T06:00');
    await user.clear(to);
    await user.type(to, '2026-03-02T06:00');
    await user.click(screen.getByRole('button', { name: 'Apply' }));

    await waitFor(() =>
      expect(historyCalls(mock).at(-1)).toMatchObject({
        // Read on the factory's clock (Europe/Berlin, UTC+1 in March).
        start: '2026-03-01T05:00:00.000Z',
        end: '2026-03-02T05:00:00.000Z',
      }),
    );
    expect(await screen.findByText('The range must not start before the device was added.')).toBeInTheDocument();
  });

  describe('CSV export', () => {
    let created: Blob[];
    let downloads: string[];

    beforeEach(() => {
      created = [];
      downloads = [];
      URL.createObjectURL = vi.fn((blob: Blob) => {
        created.push(blob);
        return 'blob:export';
      });
      URL.revokeObjectURL = vi.fn();
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        downloads.push(this.download);
      });
    });

    afterEach(() => {
      // @ts-expect-error jsdom has none: the test put them there.
      delete URL.createObjectURL;
      // @ts-expect-error as above
      delete URL.revokeObjectURL;
    });

    it('downloads the range and parameters on screen with the session token', async () => {
      let url = '';
      const mock = platform((m) =>
        m.on('get', '/devices/5/telemetry/export', (config: InternalAxiosRequestConfig) => {
          url = api.getUri(config);
          return {
            status: 200,
            data: new Blob(['timestamp,parameter,value\n'], { type: 'text/csv' }),
            headers: { 'content-disposition': 'attachment; filename="compressor-1_2026-03-03_2026-03-04.csv"' },
          };
        }),
      );
      const user = userEvent.setup();
      renderDetail();

      await user.click(await screen.findByRole('radio', { name: '1h' }));
      await user.click(screen.getByRole('button', { name: 'Export CSV' }));

      await waitFor(() => expect(downloads).toEqual(['compressor-1_2026-03-03_2026-03-04.csv']));
      const call = mock.callsTo('get', '/devices/5/telemetry/export')[0]!;
      expect(call.authorization).toBe('Bearer access-1');
      // Lists go out as repeated keys, the way the API reads them.
      expect(url).toMatch(/[?&]parameters=active_power_kw&parameters=voltage_l1(&|$)/);
      expect(url).toContain('format=csv');
      const params = call.params as Record<string, string>;
      expect(hours(params)).toBe(1);
      expect(await created[0]!.text()).toBe('timestamp,parameter,value\n');
    });

    it('shows the API’s message when the export is refused', async () => {
      platform((m) =>
        m.on('get', '/devices/5/telemetry/export', {
          status: 422,
          data: new Blob([JSON.stringify({ error: { code: 'INVALID_RANGE', message: 'The range is longer than 400 days.' } })]),
        }),
      );
      const user = userEvent.setup();
      renderDetail();

      await user.click(await screen.findByRole('button', { name: 'Export CSV' }));
      expect(await screen.findByText('The range is longer than 400 days.')).toBeInTheDocument();
      expect(downloads).toEqual([]);
    });
  });

  it('rotates the token behind a confirmation and shows the new one once', async () => {
    const mock = platform((m) => m.on('post', '/devices/5/rotate-token', { status: 200, data: { data: { device, credentials } } }));
    const user = userEvent.setup();
    renderDetail();

    await user.click(await screen.findByRole('button', { name: 'Rotate token' }));
    const confirm = screen.getByRole('dialog', { name: 'Rotate the device token?' });
    expect(confirm).toHaveTextContent('stops working at once');
    await user.click(within(confirm).getByRole('button', { name: 'Rotate token' }));

    const shown = await screen.findByRole('dialog', { name: 'New device token' });
    expect(mock.callsTo('post', '/devices/5/rotate-token')).toHaveLength(1);
    expect(within(shown).getByLabelText('Password (device token)')).toHaveValue('tok_5ecret-once');
    await user.click(within(shown).getByRole('button', { name: 'Done, I saved the token' }));
    expect(document.body.innerHTML).not.toContain('tok_5ecret-once');
  });

  it('deletes after confirmation and returns to the machine list', async () => {
    const mock = platform((m) => m.on('delete', '/devices/5', { status: 204 }));
    const user = userEvent.setup();
    renderDetail();

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete Air Compressor 1?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(mock.callsTo('delete', '/devices/5')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete device' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/machines'));
    expect(mock.callsTo('delete', '/devices/5')).toHaveLength(1);
  });

  it('deactivates behind a confirmation', async () => {
    const mock = platform((m) =>
      m.on('post', '/devices/5/deactivate', { status: 200, data: { data: { ...device, status: 'disabled' } } }),
    );
    const user = userEvent.setup();
    renderDetail();

    await user.click(await screen.findByRole('button', { name: 'Deactivate' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => expect(mock.callsTo('post', '/devices/5/deactivate')).toHaveLength(1));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('says when a device does not exist (or belongs to another factory)', async () => {
    platform((m) => m.on('get', '/devices/5', apiError(404, 'DEVICE_NOT_FOUND', 'Device not found.')));
    renderDetail();
    expect(await screen.findByText('Device not found')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the machines' })).toHaveAttribute('href', '/machines');
  });

  it('shows the device loading, then why it failed, with a retry', async () => {
    const first = deferredReply();
    platform((m) => m.once('get', '/devices/5', first.responder));
    const user = userEvent.setup();
    renderDetail();

    expect(screen.getByRole('status')).toHaveTextContent('Loading device');
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));
    const failure = await screen.findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the device');
    expect(failure).toHaveTextContent('The metadata database is unavailable. Try again shortly.');
    expect(screen.queryByText('Device not found')).not.toBeInTheDocument();

    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Air Compressor 1' })).toBeInTheDocument();
    expect(screen.queryByText('Could not load the device')).not.toBeInTheDocument();
  });

  it('explains an empty KPI selection', async () => {
    platform((m) => m.on('get', '/devices/5/kpis/live', { status: 200, data: { data: makeLive([]) } }));
    renderDetail();
    expect(await screen.findByText('No KPIs selected')).toBeInTheDocument();
    expect(screen.getByText(/Tick “KPI” for the parameters/)).toBeInTheDocument();
  });
});
