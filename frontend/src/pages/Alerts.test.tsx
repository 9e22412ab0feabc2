import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Alerts from '@/pages/Alerts';
import { useAuthStore } from '@/stores/authStore';
import { deviceList, makeAlert, makeDevice, makeRule, page } from '@/test/domainFixtures';
import { makeSession, makeUser } from '@/test/fixtures';
import { apiError, deferredReply, mockApi, type MockApi } from '@/test/mockApi';
import { renderRoutes } from '@/test/render';

const open1 = makeAlert();
const open2 = makeAlert({ id: 42, title: 'Chiller supply too warm', device_id: 6, device_name: 'Process Chiller', severity: 'warning' });
const acked = makeAlert({
  id: 43,
  title: 'Voltage out of band',
  status: 'acknowledged',
  acknowledged_by: 10,
  acknowledged_by_name: 'Olga Operator',
  acknowledged_at: new Date(Date.now() - 30_000).toISOString(),
});

function platform(alerts = [open1, open2, acked]): MockApi {
  const mock = mockApi();
  mock.on('get', '/alerts', { status: 200, data: page(alerts) });
  mock.on('get', '/alerts/counts', {
    status: 200,
    data: { data: { open_total: 2, by_severity: { info: 0, warning: 1, critical: 1 }, by_status: { open: 2, acknowledged: 1, resolved: 0 } } },
  });
  mock.on('get', '/devices', { status: 200, data: deviceList([makeDevice(), makeDevice({ id: 6, name: 'Process Chiller' })]) });
  mock.on('get', '/rules', { status: 200, data: page([makeRule()]) });
  return mock;
}

function renderAlerts(path = '/alerts') {
  return renderRoutes([{ path: '/alerts', element: <Alerts /> }], path);
}

function lastListParams(mock: MockApi) {
  const calls = mock.callsTo('get', '/alerts');
  return calls[calls.length - 1]?.params;
}

describe('Alerts', () => {
  it('acknowledges the selected open alerts in one request', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['acknowledge_alerts'] })));
    const mock = platform();
    mock.on('post', '/alerts/acknowledge', { status: 200, data: { data: [{ ...open1, status: 'acknowledged' }, { ...open2, status: 'acknowledged' }] } });
    const user = userEvent.setup();
    renderAlerts();

    const table = await screen.findByRole('table', { name: 'Alerts' });
    // Only open alerts can be acknowledged, so only they have a checkbox.
    expect(within(table).queryByRole('checkbox', { name: 'Select Voltage out of band' })).not.toBeInTheDocument();
    await user.click(within(table).getByRole('checkbox', { name: 'Select Chiller supply too warm' }));
    expect(screen.getByText('1 selected')).toBeInTheDocument();
    await user.click(within(table).getByRole('checkbox', { name: 'Select every open alert on this page' }));
    expect(screen.getByText('2 selected')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Acknowledge selected' }));

    await waitFor(() => expect(mock.callsTo('post', '/alerts/acknowledge')).toHaveLength(1));
    expect(mock.callsTo('post', '/alerts/acknowledge')[0]?.body).toEqual({ ids: [42, 41] });
    // The list and the counts are asked again.
    await waitFor(() => expect(mock.callsTo('get', '/alerts/counts').length).toBeGreaterThanOrEqual(2));
    expect(await screen.findByText('Select open alerts to acknowledge several at once.')).toBeInTheDocument();
  });

  it('hides acknowledging and resolving from users without the permission', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['manage_rules'] })));
    platform();
    renderAlerts();

    const table = await screen.findByRole('table', { name: 'Alerts' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Acknowledge|Resolve/ })).not.toBeInTheDocument();
    // Who acknowledged is still shown.
    expect(within(table).getByText('by you')).toBeInTheDocument();
  });

  it('acknowledges and resolves one alert from its row', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ id: 11, permissions: ['acknowledge_alerts'] })));
    const mock = platform();
    mock.on('post', '/alerts/41/acknowledge', { status: 200, data: { data: { ...open1, status: 'acknowledged' } } });
    mock.on('post', '/alerts/43/resolve', { status: 200, data: { data: { ...acked, status: 'resolved' } } });
    const user = userEvent.setup();
    renderAlerts();

    const table = await screen.findByRole('table', { name: 'Alerts' });
    expect(within(table).getByText('by Olga Operator')).toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: 'Acknowledge Voltage out of band' })).not.toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: 'Acknowledge Compressor overload on Air Compressor 1' }));
    await user.click(within(table).getByRole('button', { name: 'Resolve Voltage out of band' }));
    await waitFor(() => expect(mock.callsTo('post', '/alerts/43/resolve')).toHaveLength(1));
    expect(mock.callsTo('post', '/alerts/41/acknowledge')).toHaveLength(1);
  });

  it('turns the filters into the list query and reads them from the address', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const mock = platform([open1]);
    const user = userEvent.setup();
    renderAlerts('/alerts?status=open&severity=critical&device_id=5');

    await screen.findByRole('table', { name: 'Alerts' });
    expect(lastListParams(mock)).toEqual({ status: ['open'], severity: ['critical'], device_id: 5, page: 1, per_page: 25 });

    await user.selectOptions(screen.getByLabelText('Status'), 'active');
    await user.selectOptions(screen.getByLabelText('Rule'), '3');
    await waitFor(() =>
      expect(lastListParams(mock)).toEqual({
        status: ['open', 'acknowledged'],
        severity: ['critical'],
        device_id: 5,
        rule_id: 3,
        page: 1,
        per_page: 25,
      }),
    );
    await user.selectOptions(screen.getByLabelText('Time'), '7d');
    await waitFor(() => expect(lastListParams(mock)).toHaveProperty('since'));
    const since = Date.parse((lastListParams(mock) as { since: string }).since);
    expect(Date.now() - since).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(Date.now() - since).toBeLessThan(7 * 24 * 3600_000 + 60_000);
  });

  it('opens an alert’s details with its values and times in the factory zone', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const mock = platform([open1]);
    mock.on('get', '/alerts/41', {
      status: 200,
      data: { data: { ...open1, triggered_at: '2026-03-04T12:00:00Z', last_triggered_at: '2026-03-04T12:05:00Z', trigger_count: 3 } },
    });
    renderAlerts('/alerts?alert=41');

    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('Compressor overload on Air Compressor 1')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('Times in Europe/Berlin');
    // 12:00 UTC is 13:00 in Berlin in March.
    expect(dialog).toHaveTextContent(/Triggered.*13:00:00/);
    expect(dialog).toHaveTextContent('3 times in all');
    expect(within(within(dialog).getByRole('table', { name: 'Values when triggered' })).getByRole('row', { name: /active_power_kw/ })).toHaveTextContent('131.5');
    expect(mock.callsTo('get', '/alerts/41')).toHaveLength(1);
  });

  it('shows an alert’s details loading, then why they failed, with a retry', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const mock = platform([open1]);
    const first = deferredReply();
    mock.once('get', '/alerts/41', first.responder);
    mock.on('get', '/alerts/41', { status: 200, data: { data: open1 } });
    const user = userEvent.setup();
    renderAlerts('/alerts?alert=41');

    const dialog = await screen.findByRole('dialog', { name: 'Alert' });
    expect(within(dialog).getByRole('status')).toHaveTextContent('Loading alert');
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));

    const failure = await within(dialog).findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the alert');
    expect(failure).toHaveTextContent('The metadata database is unavailable. Try again shortly.');
    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    expect(await within(dialog).findByText('Compressor overload on Air Compressor 1')).toBeInTheDocument();
    expect(within(dialog).queryByText('Could not load the alert')).not.toBeInTheDocument();
  });
});
