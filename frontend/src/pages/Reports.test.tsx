import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Reports from '@/pages/Reports';
import { useAuthStore } from '@/stores/authStore';
import { deviceList, makeDevice, makeJob, page } from '@/test/domainFixtures';
import { makeSession, makeUser } from '@/test/fixtures';
import { mockApi, type MockApi } from '@/test/mockApi';
import { renderRoutes } from '@/test/render';
import type { Report, ReportSchedule } from '@/types/jobs';

const report = makeJob<Report>({
  id: 9,
  kind: 'energy_summary',
  format: 'pdf',
  schedule_id: null,
  request: { kind: 'energy_summary', format: 'pdf', start: '2026-03-01T23:00:00Z', end: '2026-03-03T23:00:00Z', device_ids: null },
  download_url: 'http://127.0.0.1:8000/api/v1/files/factories/1/reports/9/report-9.pdf?token=sig',
  files: [{ key: 'factories/1/reports/9/report-9.pdf', name: 'energy-summary-9.pdf', content_type: 'application/pdf', size: 30720, url: 'http://127.0.0.1:8000/api/v1/files/factories/1/reports/9/report-9.pdf?token=sig' }],
});

const weekly: ReportSchedule = {
  id: 4,
  name: 'Weekly energy',
  kind: 'energy_summary',
  format: 'xlsx',
  device_ids: null,
  node_id: null,
  cadence: 'weekly',
  recipients: ['plant@demo.example'],
  is_active: true,
  timezone: 'Europe/Berlin',
  run_at_local: '06:00',
  next_run_at: '2026-03-09T05:00:00Z',
  next_period: { start: '2026-03-01T23:00:00Z', end: '2026-03-08T23:00:00Z' },
  last_run_at: null,
  last_report_id: null,
  created_by: 1,
  created_at: '2026-03-01T08:00:00Z',
  updated_at: '2026-03-01T08:00:00Z',
};

function platform(treeRoots: unknown[] = []): MockApi {
  const mock = mockApi();
  mock.on('get', '/reports', { status: 200, data: page([report]) });
  mock.on('get', '/reports/schedules', { status: 200, data: page([weekly], 1, 100) });
  mock.on('get', '/devices', { status: 200, data: deviceList([makeDevice(), makeDevice({ id: 6, name: 'CNC Line 1' })]) });
  mock.on('get', '/assets/tree', { status: 200, data: { data: { roots: treeRoots, max_depth: 6, unattached_device_ids: [] } } });
  return mock;
}

function renderReports() {
  return renderRoutes([{ path: '/reports', element: <Reports /> }], '/reports');
}

describe('Reports', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['generate_reports'] }))));

  it('lists reports with their period on the factory clock and schedules with their next run', async () => {
    platform();
    renderReports();
    const rows = within(await screen.findByRole('table', { name: 'Reports' })).getAllByRole('row').slice(1);
    // [Mar 2 00:00, Mar 4 00:00) in Berlin: two whole days.
    expect(rows[0]).toHaveTextContent('Energy summary #9');
    expect(rows[0]).toHaveTextContent(/Mar 2, 2026 – Mar 3, 2026/);
    expect(rows[0]).toHaveTextContent('All devices');
    const schedules = within(await screen.findByRole('table', { name: 'Report schedules' })).getAllByRole('row').slice(1);
    expect(schedules[0]).toHaveTextContent('Weekly energy');
    expect(schedules[0]).toHaveTextContent(/Mar 9, 2026, 06:00/);
  });

  it('generates a report of chosen devices over custom whole days', async () => {
    const mock = platform();
    mock.on('post', '/reports', { status: 202, data: { data: { ...report, id: 10, status: 'pending' } } });
    const user = userEvent.setup({ delay: null });
    renderReports();

    const form = await screen.findByRole('form', { name: 'Generate a report' });
    await user.selectOptions(within(form).getByLabelText('Report'), 'device_detail');
    await user.click(within(form).getByRole('radio', { name: 'Excel' }));
    await user.selectOptions(within(form).getByLabelText('Period'), 'custom');
    await user.type(within(form).getByLabelText('First day'), '2026-03-01');
    await user.type(within(form).getByLabelText('Last day'), '2026-03-02');
    await user.click(within(form).getByRole('checkbox', { name: 'All devices' }));
    await user.click(await within(form).findByRole('checkbox', { name: /CNC Line 1/ }));
    await user.click(within(form).getByRole('button', { name: 'Generate report' }));

    await waitFor(() => expect(mock.callsTo('post', '/reports')).toHaveLength(1));
    expect(mock.callsTo('post', '/reports')[0]?.body).toEqual({
      kind: 'device_detail',
      format: 'xlsx',
      start: '2026-02-28T23:00:00.000Z',
      end: '2026-03-02T23:00:00.000Z',
      device_ids: [6],
    });
    expect(await screen.findByText(/The report is being generated/)).toBeInTheDocument();
  });

  it('creates a schedule with its cadence, devices and recipients', async () => {
    const mock = platform();
    mock.on('post', '/reports/schedules', { status: 201, data: { data: { ...weekly, id: 5 } } });
    const user = userEvent.setup({ delay: null });
    renderReports();

    await user.click(await screen.findByRole('button', { name: 'New schedule' }));
    const dialog = screen.getByRole('dialog', { name: 'New report schedule' });
    await user.type(within(dialog).getByLabelText(/^Name/), 'Monthly alerts');
    await user.selectOptions(within(dialog).getByLabelText('Report'), 'alerts');
    await user.selectOptions(within(dialog).getByLabelText('Format'), 'pdf');
    await user.selectOptions(within(dialog).getByLabelText('Cadence'), 'monthly');
    await user.type(within(dialog).getByLabelText('Recipients'), 'Lead@Plant.example{enter}shift@plant.example, lead@plant.example');
    await user.click(within(dialog).getByRole('checkbox', { name: 'All devices' }));
    await user.click(await within(dialog).findByRole('checkbox', { name: /Air Compressor 1/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create schedule' }));

    await waitFor(() => expect(mock.callsTo('post', '/reports/schedules')).toHaveLength(1));
    expect(mock.callsTo('post', '/reports/schedules')[0]?.body).toEqual({
      name: 'Monthly alerts',
      kind: 'alerts',
      format: 'pdf',
      cadence: 'monthly',
      device_ids: [5],
      node_id: null,
      recipients: ['lead@plant.example', 'shift@plant.example'],
      is_active: true,
    });
  });

  it('schedules a daily shift report of an asset node', async () => {
    const line = { id: 2, parent_id: null, name: 'Line 1', kind: 'line', depth: 1, production_unit: 'parts', device_ids: [6], virtual_meter_ids: [], children: [] };
    const mock = platform([line]);
    mock.on('post', '/reports/schedules', { status: 201, data: { data: { ...weekly, id: 6, kind: 'shift_report', cadence: 'daily', node_id: 2 } } });
    const user = userEvent.setup({ delay: null });
    renderReports();

    await user.click(await screen.findByRole('button', { name: 'New schedule' }));
    const dialog = screen.getByRole('dialog', { name: 'New report schedule' });
    await user.type(within(dialog).getByLabelText(/^Name/), 'Shifts of Line 1');
    await user.selectOptions(within(dialog).getByLabelText('Report'), 'Shift report');
    await user.selectOptions(within(dialog).getByLabelText('Cadence'), 'daily');
    await user.type(within(dialog).getByLabelText('Recipients'), 'lead@plant.example');
    await waitFor(() => expect(within(dialog).getByLabelText('Asset node')).toBeEnabled());
    await user.selectOptions(within(dialog).getByLabelText('Asset node'), 'Line 1');
    // A node is the scope: no device choice is left to make.
    expect(within(dialog).queryByRole('checkbox', { name: 'All devices' })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create schedule' }));

    await waitFor(() => expect(mock.callsTo('post', '/reports/schedules')).toHaveLength(1));
    expect(mock.callsTo('post', '/reports/schedules')[0]?.body).toMatchObject({
      name: 'Shifts of Line 1',
      kind: 'shift_report',
      cadence: 'daily',
      node_id: 2,
      device_ids: null,
      recipients: ['lead@plant.example'],
    });
  });

  it('edits a schedule, sending only what changed', async () => {
    const mock = platform();
    mock.on('patch', '/reports/schedules/4', { status: 200, data: { data: weekly } });
    const user = userEvent.setup({ delay: null });
    renderReports();
    await user.click(await screen.findByRole('button', { name: 'Edit schedule Weekly energy' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Weekly energy' });
    await user.type(within(dialog).getByLabelText('Recipients'), '{enter}boss@plant.example');
    await user.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
    await waitFor(() => expect(mock.callsTo('patch', '/reports/schedules/4')).toHaveLength(1));
    // Cadence and is_active stay out: sending them would restart the schedule's clock.
    expect(mock.callsTo('patch', '/reports/schedules/4')[0]?.body).toEqual({ recipients: ['plant@demo.example', 'boss@plant.example'] });
  });

  it('downloads a complete report through the API with the user’s token', async () => {
    const mock = platform();
    mock.on('get', '/files/factories/1/reports/9/report-9.pdf', {
      status: 200,
      data: new Blob(['%PDF-1.4'], { type: 'application/pdf' }),
      headers: { 'content-disposition': 'attachment; filename="energy-summary-9.pdf"' },
    });
    const created: string[] = [];
    URL.createObjectURL = vi.fn(() => {
      created.push('blob:report');
      return 'blob:report';
    });
    URL.revokeObjectURL = vi.fn();
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const user = userEvent.setup({ delay: null });
    renderReports();

    await user.click(await screen.findByRole('button', { name: 'Download energy-summary-9.pdf' }));
    await waitFor(() => expect(clicked).toHaveBeenCalled());
    expect(mock.callsTo('get', '/files/factories/1/reports/9/report-9.pdf')[0]?.authorization).toBe('Bearer access-1');
    expect((clicked.mock.contexts[0] as HTMLAnchorElement).download).toBe('energy-summary-9.pdf');
    expect(created).toHaveLength(1);
  });

  it('shows reports but no way to create or delete them without generate_reports', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    platform();
    renderReports();
    await screen.findByRole('table', { name: 'Reports' });
    expect(screen.queryByRole('form', { name: 'Generate a report' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /New schedule|Delete|Edit schedule/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download energy-summary-9.pdf' })).toBeInTheDocument();
  });
});
