import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import Dashboard from '@/pages/Dashboard';
import { useAuthStore } from '@/stores/authStore';
import { makeSummary } from '@/test/domainFixtures';
import { makeSession, makeUser } from '@/test/fixtures';
import { apiError, deferredReply, mockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';

function renderDashboard() {
  return renderAt('/dashboard', <Dashboard />);
}

describe('Dashboard', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeUser())));

  it('summarises devices, alerts, energy and load from the summary', async () => {
    const mock = mockApi();
    mock.on('get', '/dashboard/summary', { status: 200, data: { data: makeSummary() } });
    renderDashboard();

    const devices = await screen.findByRole('region', { name: 'Devices' });
    expect(devices).toHaveTextContent('3 of 4 online');
    expect(devices).toHaveTextContent('1 offline');
    expect(devices).toHaveTextContent('1 discovered');

    const alerts = screen.getByRole('region', { name: 'Open alerts' });
    expect(alerts).toHaveTextContent('3');
    expect(alerts).toHaveTextContent('1 critical');
    expect(alerts).toHaveTextContent('2 warning');
    expect(alerts).toHaveTextContent('0 info');

    expect(screen.getByRole('region', { name: 'Energy today' })).toHaveTextContent('512.4 kWh€118.20 · 194.7 kg CO₂');
    expect(screen.getByRole('region', { name: 'Energy this month' })).toHaveTextContent('10,234 kWh€2,301.50 · 3,889 kg CO₂');
    expect(screen.getByRole('region', { name: 'Current load' })).toHaveTextContent('86.3 kW');
    expect(screen.getByRole('region', { name: 'Peak demand today' })).toHaveTextContent('121.8 kW');

    expect(screen.getByRole('img', { name: /Load curve today, 2 quarter-hours, peak 121.8 kW/ })).toBeInTheDocument();

    const top = screen.getByRole('list', { name: 'Top consumers today' });
    const items = within(top).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'Air Compressor 1210 kWh · €48.30',
      'CNC Line 1150 kWh · €34.50',
    ]);
    expect(within(items[0]!).getByRole('link', { name: 'Air Compressor 1' })).toHaveAttribute('href', '/machines/5');

    expect(screen.getByText('No alerts')).toBeInTheDocument();
    // The alert figures lead to the alert list, filtered the same way.
    expect(within(alerts).getByRole('link', { name: '3' })).toHaveAttribute('href', '/alerts?status=open');
    expect(within(alerts).getByRole('link', { name: '1 open critical alerts' })).toHaveAttribute('href', '/alerts?status=open&severity=critical');
  });

  it('lists the newest alerts with their severity and machine', async () => {
    const mock = mockApi();
    mock.on('get', '/dashboard/summary', {
      status: 200,
      data: {
        data: makeSummary({
          latest_alerts: [
            {
              id: 1,
              device_id: 6,
              device_name: 'CNC Line 1',
              rule_id: 3,
              severity: 'critical',
              title: 'Power above 120 kW',
              status: 'open',
              triggered_at: new Date(Date.now() - 5 * 60_000).toISOString(),
            },
          ],
        }),
      },
    });
    renderDashboard();

    const list = await screen.findByRole('list', { name: 'Recent alerts' });
    expect(list).toHaveTextContent('Critical');
    expect(list).toHaveTextContent('Power above 120 kW');
    expect(list).toHaveTextContent('CNC Line 1 · 5 min ago · open');
    expect(within(list).getByRole('link', { name: 'Power above 120 kW' })).toHaveAttribute('href', '/alerts?status=any&alert=1');
    expect(screen.queryByText('No alerts')).not.toBeInTheDocument();
  });

  it('shows an empty load curve and no consumers for a factory without data', async () => {
    const mock = mockApi();
    mock.on('get', '/dashboard/summary', {
      status: 200,
      data: {
        data: makeSummary({
          devices: { total: 0, online: 0, offline: 0, discovered: 0, disabled: 0 },
          energy: { today: { energy_kwh: null, cost: null, co2_kg: null }, month: { energy_kwh: null, cost: null, co2_kg: null } },
          current_load_kw: null,
          peak_demand_today_kw: null,
          load_curve_today: [],
          top_consumers: [],
        }),
      },
    });
    renderDashboard();

    expect(await screen.findByText('No load data yet today')).toBeInTheDocument();
    expect(screen.getByText('No consumption yet today')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Current load' })).toHaveTextContent('—');
    expect(screen.getByRole('region', { name: 'Energy today' })).toHaveTextContent('—');
  });

  it('shows a loading state, then an error with a retry', async () => {
    const mock = mockApi();
    const first = deferredReply();
    mock.once('get', '/dashboard/summary', first.responder);
    mock.on('get', '/dashboard/summary', { status: 200, data: { data: makeSummary() } });
    const user = userEvent.setup();
    renderDashboard();

    expect(screen.getByRole('status')).toHaveTextContent('Loading dashboard');
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));

    expect(await screen.findByRole('alert')).toHaveTextContent('The metadata database is unavailable. Try again shortly.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('region', { name: 'Devices' })).toHaveTextContent('3 of 4 online');
  });
});
