import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Analytics from '@/pages/Analytics';
import { useAuthStore } from '@/stores/authStore';
import { deviceList, makeDevice, makeJob, makeParameter, page } from '@/test/domainFixtures';
import { makeSession, makeUser } from '@/test/fixtures';
import { apiError, deferredReply, mockApi, type MockApi } from '@/test/mockApi';
import { renderRoutes } from '@/test/render';
import type { AnalyticsJob } from '@/types/jobs';

const CSV = [
  'time_utc,local_time,active_power_kw,score,anomalous,window',
  '2026-03-03T10:00:00Z,2026-03-03 11:00:00,40.5,-0.1,0,',
  '2026-03-03T10:01:00Z,2026-03-03 11:01:00,41,-0.1,0,',
  '2026-03-03T10:02:00Z,2026-03-03 11:02:00,190.2,0.3,1,1',
  '2026-03-03T10:03:00Z,2026-03-03 11:03:00,185,0.28,1,1',
  '2026-03-03T10:04:00Z,2026-03-03 11:04:00,40,-0.1,0,',
].join('\n');

const complete = makeJob<AnalyticsJob>({
  result: {
    resolution_seconds: 60,
    timezone: 'Europe/Berlin',
    points: 5,
    series: [{ device_id: 5, parameter: 'active_power_kw', label: 'active_power_kw', points: 5 }],
    anomalous_points: 2,
    window_count: 1,
    windows: [{ start: '2026-03-03T10:02:00Z', end: '2026-03-03T10:03:00Z', peak_at: '2026-03-03T10:02:00Z', score: 0.3 }],
    contamination: 0.01,
  },
  download_url: 'http://127.0.0.1:8000/api/v1/files/factories/1/analytics/7/anomalies.csv?token=sig',
  files: [
    { key: 'factories/1/analytics/7/anomalies.csv', name: 'anomalies-7.csv', content_type: 'text/csv', size: 2048, url: 'http://127.0.0.1:8000/api/v1/files/factories/1/analytics/7/anomalies.csv?token=sig' },
    { key: 'factories/1/analytics/7/anomalies.png', name: 'anomalies-7.png', content_type: 'image/png', size: 40960, url: 'http://127.0.0.1:8000/api/v1/files/factories/1/analytics/7/anomalies.png?token=sig' },
  ],
});

/** `before` answers first, e.g. with a single reply that fails. */
function platform(jobs: AnalyticsJob[] = [complete], before: (mock: MockApi) => void = () => undefined): MockApi {
  const mock = mockApi();
  before(mock);
  mock.on('get', '/analytics/jobs', { status: 200, data: page(jobs) });
  mock.on('get', '/devices', { status: 200, data: deviceList([makeDevice(), makeDevice({ id: 6, name: 'CNC Line 1' })]) });
  mock.on('get', '/devices/5/parameters', {
    status: 200,
    data: page([makeParameter(), makeParameter({ id: 12, parameter_key: 'voltage_l1', display_name: 'Voltage L1', unit: 'V' })], 2, 100),
  });
  return mock;
}

function renderAnalytics(path = '/analytics') {
  return renderRoutes([{ path: '/analytics', element: <Analytics /> }], path);
}

describe('Analytics', () => {
  it('starts an anomaly detection with devices, parameters, range and options', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['run_analytics'] })));
    const mock = platform();
    mock.on('post', '/analytics/jobs', { status: 202, data: { data: makeJob<AnalyticsJob>({ id: 8, status: 'pending', progress: 0 }) } });
    const user = userEvent.setup({ delay: null });
    renderAnalytics();

    const form = await screen.findByRole('form', { name: 'Start an analysis' });
    await user.click(await within(form).findByRole('checkbox', { name: /Air Compressor 1/ }));
    await user.click(await within(form).findByRole('checkbox', { name: /voltage_l1/ }));
    await user.selectOptions(within(form).getByLabelText('Range'), '7d');
    await user.clear(within(form).getByLabelText('Expected anomalies (%)'));
    await user.type(within(form).getByLabelText('Expected anomalies (%)'), '2.5');
    await user.selectOptions(within(form).getByLabelText('Resolution'), '5m');
    await user.click(within(form).getByRole('button', { name: 'Start analysis' }));

    await waitFor(() => expect(mock.callsTo('post', '/analytics/jobs')).toHaveLength(1));
    const body = mock.callsTo('post', '/analytics/jobs')[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      kind: 'anomaly',
      device_ids: [5],
      parameters: ['voltage_l1'],
      options: { contamination: 0.025, resolution: '5m' },
    });
    const span = Date.parse(String(body.end)) - Date.parse(String(body.start));
    expect(span).toBe(7 * 24 * 3600_000);
  });

  it('shows the chosen devices’ parameters loading, then why they failed, with a retry', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['run_analytics'] })));
    const first = deferredReply();
    platform(undefined, (mock) => mock.once('get', '/devices/5/parameters', first.responder));
    const user = userEvent.setup({ delay: null });
    renderAnalytics();

    const form = await screen.findByRole('form', { name: 'Start an analysis' });
    const parameters = within(form).getByRole('group', { name: /^Parameters/ });
    expect(parameters).toHaveTextContent('Choose devices first.');
    await user.click(await within(form).findByRole('checkbox', { name: /Air Compressor 1/ }));
    expect(within(parameters).getByRole('status')).toHaveTextContent('Loading parameters');
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));

    const failure = await within(parameters).findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the parameters');
    expect(failure).toHaveTextContent('The metadata database is unavailable. Try again shortly.');
    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    expect(await within(parameters).findByRole('checkbox', { name: /voltage_l1/ })).toBeInTheDocument();
    expect(within(parameters).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('hides starting, cancelling and deleting from users without run_analytics', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    platform([makeJob<AnalyticsJob>({ status: 'running', progress: 30 })]);
    renderAnalytics();
    const table = await screen.findByRole('table', { name: 'Analyses' });
    expect(within(table).getByRole('progressbar', { name: 'Progress of Anomaly detection #7' })).toHaveAttribute('aria-valuenow', '30');
    expect(screen.queryByRole('form', { name: 'Start an analysis' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Cancel|Delete/ })).not.toBeInTheDocument();
  });

  it('charts a complete anomaly job from its CSV, fetched through the API with the user’s token', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const mock = platform();
    mock.on('get', '/files/factories/1/analytics/7/anomalies.csv', { status: 200, data: new Blob([CSV], { type: 'text/csv' }) });
    renderAnalytics('/analytics?job=7');

    expect(await screen.findByRole('heading', { name: 'Result: Anomaly detection #7' })).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: 'active_power_kw: 2 anomalous points' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText('Anomalous moments').nextSibling).toHaveTextContent('2');
    expect(mock.callsTo('get', '/files/factories/1/analytics/7/anomalies.csv')[0]?.authorization).toBe('Bearer access-1');
    expect(screen.getByRole('button', { name: 'Download anomalies-7.png' })).toBeInTheDocument();
  });

  it('draws a forecast with its uncertainty band from the forecast CSV', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const forecast = makeJob<AnalyticsJob>({
      id: 11,
      kind: 'forecast',
      request: { kind: 'forecast', device_ids: [5], parameters: [], start: '2026-02-01T00:00:00Z', end: '2026-03-04T00:00:00Z' },
      result: {
        granularity: 'daily',
        horizon_days: 2,
        timezone: 'Europe/Berlin',
        devices: [{ device_id: 5, name: 'Air Compressor 1', source: 'energy_counter' }],
        history: { start: '2026-02-01T00:00:00', end: '2026-03-03T00:00:00', points: 31, days_with_data: 31, total_kwh: 3100 },
        holdout: { points: 7, mape_pct: 4.25 },
        forecast: { total_kwh: 205.5, daily: [{ date: '2026-03-04', kwh: 101 }, { date: '2026-03-05', kwh: 104.5 }] },
      },
      // No signed link (the store could not make one): the file is still read by its key.
      files: [{ key: 'factories/1/analytics/11/forecast.csv', name: 'forecast-11.csv', content_type: 'text/csv', size: 900, url: null }],
    });
    const mock = platform([forecast]);
    mock.on('get', '/files/factories/1/analytics/11/forecast.csv', {
      status: 200,
      data: new Blob(
        [
          [
            'local_time,actual_kwh,backtest_kwh,forecast_kwh,forecast_lower_kwh,forecast_upper_kwh',
            '2026-03-02 00:00,99.5,,,,',
            '2026-03-03 00:00,100.2,98.1,,,',
            '2026-03-04 00:00,,,101,92.5,110.2',
            '2026-03-05 00:00,,,104.5,93,116',
          ].join('\n'),
        ],
        { type: 'text/csv' },
      ),
    });
    renderAnalytics('/analytics?job=11');

    expect(await screen.findByRole('img', { name: 'Energy forecast for 2 days with its uncertainty band' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText('Forecast, next 2 days').nextSibling).toHaveTextContent('205.5 kWh');
    expect(screen.getByText('Back-test error (MAPE)').nextSibling).toHaveTextContent('4.3 %');
    await waitFor(() => expect(document.querySelector('.recharts-area')).not.toBeNull());
  });
});

