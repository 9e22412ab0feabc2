import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import Energy from '@/pages/Energy';
import { useAuthStore } from '@/stores/authStore';
import { makeBaseline } from '@/test/domainFixtures';
import { makeSession, makeUser } from '@/test/fixtures';
import { apiError, deferredReply, mockApi, type MockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';
import type { EnergyAnalysis, EnergyFigures } from '@/types/energy';
import type { BaselinePerformance, ShiftReport } from '@/types/production';

function figures(energy: number, overrides: Partial<EnergyFigures> = {}): EnergyFigures {
  return {
    energy_kwh: energy,
    cost: energy * 0.2,
    co2_kg: energy * 0.4,
    peak_demand_kw: 50,
    load_factor: 0.5,
    avg_power_factor: 0.9,
    idle_kwh: 10,
    running_kwh: energy - 10,
    ...overrides,
  };
}

const bucket = (start: string, end: string, energy: number) => ({ start, end, ...figures(energy) });

function analysis(): EnergyAnalysis {
  return {
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    bucket: 'day',
    start: '2026-02-28T23:00:00Z',
    end: '2026-03-02T23:00:00Z',
    scope: { kind: 'factory', node_id: null, name: 'Demo Factory' },
    buckets: [bucket('2026-02-28T23:00:00Z', '2026-03-01T23:00:00Z', 600), bucket('2026-03-01T23:00:00Z', '2026-03-02T23:00:00Z', 400)],
    totals: figures(1000),
    comparisons: [
      { kind: 'previous_period', start: '2026-01-31T23:00:00Z', end: '2026-02-02T23:00:00Z', totals: figures(800), buckets: [] },
      { kind: 'last_year', start: '2025-02-28T23:00:00Z', end: '2025-03-02T23:00:00Z', totals: figures(1250), buckets: [] },
    ],
    by_node: [
      { key: '1', name: 'Line 1', energy_kwh: 700, cost: 140, co2_kg: 280, share: 0.7 },
      { key: 'unaccounted', name: 'Unaccounted', energy_kwh: 300, cost: 60, co2_kg: 120, share: 0.3 },
    ],
    by_area: [{ key: 'Utilities', name: 'Utilities', energy_kwh: 1000, cost: 200, co2_kg: 400, share: 1 }],
    by_type: [],
    meters: [
      { key: 'virtual-3', kind: 'virtual', id: 3, name: 'Unmetered', supply: false, energy_kwh: 120, cost: 24, co2_kg: 48, share: 0.12, peak_demand_kw: 9 },
    ],
    tariff_periods: [
      { name: 'peak', energy_kwh: 600, cost: 174, share: 0.6 },
      { name: 'default', energy_kwh: 400, cost: 72, share: 0.4 },
    ],
    peaks: [
      {
        start: '2026-03-01T09:00:00Z',
        end: '2026-03-01T09:15:00Z',
        demand_kw: 88,
        contributors: [
          { kind: 'device', id: 5, name: 'Air Compressor 1', demand_kw: 60 },
          { kind: 'device', id: 6, name: 'CNC Line 1', demand_kw: 28 },
        ],
      },
    ],
  };
}

const baseline = makeBaseline({ node_id: 1 });

const performance: BaselinePerformance = {
  baseline,
  timezone: 'Europe/Berlin',
  start: '2026-03-01',
  end: '2026-03-02',
  rows: [
    { start: '2026-02-28T23:00:00Z', end: '2026-03-01T23:00:00Z', actual_kwh: 600, production: 200, temperature: null, expected_kwh: 620, savings_kwh: 20, cusum_kwh: -20, enpi: 3, expected_enpi: 3.1 },
    { start: '2026-03-01T23:00:00Z', end: '2026-03-02T23:00:00Z', actual_kwh: 400, production: 120, temperature: null, expected_kwh: 420, savings_kwh: 20, cusum_kwh: -40, enpi: 3.333, expected_enpi: 3.5 },
  ],
  totals: { actual_kwh: 1000, expected_kwh: 1040, savings_kwh: 40, savings_pct: 40 / 1040, production: 320, enpi: 3.125, expected_enpi: 3.25 },
  skipped: 0,
};

const shifts: ShiftReport = {
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  scope: { kind: 'factory', node_id: null, name: 'Demo Factory' },
  start: '2026-03-01',
  end: '2026-03-02',
  shifts: [
    { shift_id: 1, name: 'Night', occurrences: 2, energy_kwh: 300, cost: 54, co2_kg: 120, peak_demand_kw: 40, production: 100, enpi: 3 },
    { shift_id: null, name: 'Outside shifts', occurrences: 0, energy_kwh: 50, cost: 9, co2_kg: 20, peak_demand_kw: 5, production: null, enpi: null },
  ],
  occurrences: [],
};

describe('Energy page', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeUser())));

  it('shows the range compared, broken down, by tariff, its peaks, savings against the baseline and shifts', async () => {
    const mock = mockApi();
    mock.on('get', '/energy/analysis', { status: 200, data: { data: analysis() } });
    mock.on('get', '/assets/tree', { status: 200, data: { data: { roots: [], max_depth: 6, unattached_device_ids: [] } } });
    mock.on('get', '/baselines', { status: 200, data: { data: [baseline] } });
    mock.on('get', '/baselines/4/performance', { status: 200, data: { data: performance } });
    mock.on('get', '/energy/shifts', { status: 200, data: { data: shifts } });
    renderAt('/energy', <Energy />, [], undefined, '/energy?range=month&from=2026-03-01');

    const totals = await screen.findByText('Energy', { selector: 'dt' });
    const energy = totals.parentElement!;
    expect(energy).toHaveTextContent('1,000 kWh');
    expect(energy).toHaveTextContent('+25% vs previous period');
    expect(energy).toHaveTextContent('-20% vs last year');

    const analysisCall = mock.calls.find((c) => c.path === '/energy/analysis');
    expect(analysisCall?.params).toEqual({ start: '2026-02-28T23:00:00.000Z', end: '2026-03-31T22:00:00.000Z', bucket: 'day' });

    const byNode = screen.getByRole('table', { name: 'Energy by asset node' });
    expect(within(byNode).getAllByRole('row').map((r) => r.textContent)).toEqual([
      'NameShare barShareEnergyCostCO₂',
      'Line 170%700 kWh€140.00280 kg',
      'Unaccounted30%300 kWh€60.00120 kg',
    ]);

    expect(screen.getByRole('table', { name: 'Cost by tariff period' })).toHaveTextContent('peak600 kWh60%€174.00');
    const peaks = screen.getByRole('table', { name: 'Peak demand events' });
    expect(peaks).toHaveTextContent('88 kW');
    expect(peaks).toHaveTextContent('Air Compressor 1 60 kW · CNC Line 1 28 kW');

    expect(await screen.findByText('E = 120.0 + 2.5 × production')).toBeInTheDocument();
    expect(screen.getByText(/R² 0.93/)).toHaveTextContent('2.5 kWh per unit');
    const savings = (await screen.findByText('Savings', { selector: 'dt' })).parentElement!;
    expect(savings).toHaveTextContent('40 kWh');
    expect(savings).toHaveTextContent('4% of expected');
    const performanceCall = mock.calls.find((c) => c.path === '/baselines/4/performance');
    expect(performanceCall?.params).toMatchObject({ start: '2026-03-01' });

    const shiftTable = await screen.findByRole('table', { name: 'Figures per shift' });
    expect(shiftTable).toHaveTextContent('Night2300 kWh');
    expect(shiftTable).toHaveTextContent('3 kWh/unit');
  });

  /** The page with two lines to compare; `before` may answer a node's energy first. */
  function comparing(before: (mock: MockApi) => void = () => undefined) {
    const mock = mockApi();
    const node = (id: number, name: string) => ({ id, parent_id: null, name, kind: 'line', depth: 1, production_unit: null, device_ids: [], virtual_meter_ids: [], children: [] });
    const meterEnergy = (id: number, name: string, energies: number[]) => ({
      id,
      name,
      timezone: 'Europe/Berlin',
      currency: 'EUR',
      bucket: 'day',
      source: 'virtual',
      buckets: energies.map((e, i) => bucket(`2026-03-0${i + 1}T00:00:00Z`, `2026-03-0${i + 2}T00:00:00Z`, e)),
      totals: figures(energies.reduce((a, b) => a + b, 0)),
    });
    before(mock);
    mock.on('get', '/energy/analysis', { status: 200, data: { data: analysis() } });
    mock.on('get', '/assets/tree', { status: 200, data: { data: { roots: [node(1, 'Line 1'), node(2, 'Line 2')], max_depth: 6, unattached_device_ids: [] } } });
    mock.on('get', '/assets/nodes/1/energy', { status: 200, data: { data: meterEnergy(1, 'Line 1', [300, 320]) } });
    mock.on('get', '/assets/nodes/2/energy', { status: 200, data: { data: meterEnergy(2, 'Line 2', [200, 180]) } });
    mock.on('get', '/baselines', { status: 200, data: { data: [] } });
    mock.on('get', '/energy/shifts', { status: 200, data: { data: shifts } });
    renderAt('/energy', <Energy />, [], undefined, '/energy?range=month&from=2026-03-01');
    return mock;
  }

  it('compares the chosen nodes’ energy over the page’s range', async () => {
    const mock = comparing();
    const user = userEvent.setup();

    const compare = await screen.findByRole('group', { name: 'Nodes to compare' });
    await user.click(within(compare).getByRole('checkbox', { name: 'Line 1' }));
    await user.click(within(compare).getByRole('checkbox', { name: 'Line 2' }));
    expect(await screen.findByRole('img', { name: 'Energy per bucket: Line 1, Line 2' })).toBeInTheDocument();
    await waitFor(() => expect(mock.callsTo('get', '/assets/nodes/2/energy')).toHaveLength(1));
    expect(mock.callsTo('get', '/assets/nodes/2/energy')[0]?.params).toEqual({ start: '2026-02-28T23:00:00.000Z', end: '2026-03-31T22:00:00.000Z', bucket: 'day' });
  });

  it('shows a compared node’s energy loading, then why it failed, with a retry', async () => {
    const first = deferredReply();
    comparing((mock) => mock.once('get', '/assets/nodes/2/energy', first.responder));
    const user = userEvent.setup();

    const compare = await screen.findByRole('group', { name: 'Nodes to compare' });
    expect(screen.getByText('Choose nodes to compare')).toBeInTheDocument();
    await user.click(within(compare).getByRole('checkbox', { name: 'Line 1' }));
    await user.click(within(compare).getByRole('checkbox', { name: 'Line 2' }));
    expect(await screen.findByText('Loading node energy')).toBeInTheDocument();
    first.release(apiError(503, 'INFLUX_UNAVAILABLE', 'The time-series store is unavailable. Try again shortly.'));

    const failure = await screen.findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the energy of the nodes');
    expect(failure).toHaveTextContent('The time-series store is unavailable. Try again shortly.');
    expect(screen.queryByRole('img', { name: /^Energy per bucket/ })).not.toBeInTheDocument();
    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('img', { name: 'Energy per bucket: Line 1, Line 2' })).toBeInTheDocument();
  });

  it('moves between periods and applies custom days with the shared range form', async () => {
    const mock = mockApi();
    mock.on('get', '/energy/analysis', { status: 200, data: { data: analysis() } });
    mock.on('get', '/assets/tree', { status: 200, data: { data: { roots: [], max_depth: 6, unattached_device_ids: [] } } });
    mock.on('get', '/baselines', { status: 200, data: { data: [] } });
    mock.on('get', '/energy/shifts', { status: 200, data: { data: shifts } });
    renderAt('/energy', <Energy />, [], undefined, '/energy?range=month&from=2026-03-01');
    const user = userEvent.setup();
    const lastAnalysis = () => mock.callsTo('get', '/energy/analysis').at(-1)?.params;

    await screen.findByRole('table', { name: 'Cost by tariff period' });
    await user.click(screen.getByRole('button', { name: 'Previous period' }));
    await waitFor(() => expect(lastAnalysis()).toEqual({ start: '2026-01-31T23:00:00.000Z', end: '2026-02-28T23:00:00.000Z', bucket: 'day' }));

    await user.click(screen.getByRole('radio', { name: 'Custom' }));
    await user.clear(screen.getByLabelText('First day'));
    await user.type(screen.getByLabelText('First day'), '2026-01-01');
    await user.clear(screen.getByLabelText('Last day'));
    await user.type(screen.getByLabelText('Last day'), '2026-06-30');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(lastAnalysis()).toEqual({ start: '2025-12-31T23:00:00.000Z', end: '2026-06-30T22:00:00.000Z', bucket: 'month' }));
  });
});
