import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Machines from '@/pages/Machines';
import { useAuthStore } from '@/stores/authStore';
import { deviceList, makeDevice } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin, makeUser } from '@/test/fixtures';
import { apiError, mockApi } from '@/test/mockApi';
import { probeRoute, renderRoutes } from '@/test/render';

function signIn(user = makeSuperAdmin()) {
  useAuthStore.getState().setSession(makeSession(user));
}

function renderMachines(initialPath = '/machines') {
  return renderRoutes([{ path: '/machines', element: <Machines /> }, probeRoute('/machines/:deviceId')], initialPath);
}

const compressor = makeDevice();
const discovered = makeDevice({
  id: 7,
  device_key: 'meter-x17',
  name: 'meter-x17',
  status: 'discovered',
  type: null,
  manufacturer: null,
  model: null,
  online: false,
  last_seen_at: null,
  area: null,
  location: null,
});

function lastListParams(mock: ReturnType<typeof mockApi>) {
  const calls = mock.callsTo('get', '/devices');
  return calls[calls.length - 1]?.params;
}

describe('Machines', () => {
  it('lists devices with status, connection and last seen', async () => {
    signIn();
    const mock = mockApi();
    mock.on('get', '/devices', { status: 200, data: deviceList([compressor, discovered]) });
    renderMachines();

    const table = await screen.findByRole('table', { name: 'Machines' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Air Compressor 1');
    expect(rows[0]).toHaveTextContent('compressor-1');
    expect(rows[0]).toHaveTextContent('Active');
    expect(rows[0]).toHaveTextContent(/Online.*last seen \d+ s ago/);
    expect(rows[1]).toHaveTextContent('Discovered');
    expect(rows[1]).toHaveTextContent(/Offline.*never seen/);
    expect(screen.getByText('Showing 1–2 of 2')).toBeInTheDocument();
    expect(lastListParams(mock)).toEqual({ sort: 'name', page: 1, per_page: 25 });
  });

  it('turns filters, search, sort and paging into the list query', async () => {
    signIn();
    const mock = mockApi();
    mock.on('get', '/devices', (config) => {
      const page = (config.params as { page: number }).page;
      return { status: 200, data: deviceList([compressor], page, 25, 60) };
    });
    // Keystrokes without pauses, as a fast typist: no debounce may fire between them.
    const user = userEvent.setup({ delay: null });
    renderMachines();
    await screen.findByRole('table', { name: 'Machines' });

    await user.selectOptions(screen.getByLabelText('Status'), 'discovered');
    await waitFor(() => expect(lastListParams(mock)).toMatchObject({ status: 'discovered', page: 1 }));

    await user.selectOptions(screen.getByLabelText('Connection'), 'offline');
    await waitFor(() => expect(lastListParams(mock)).toMatchObject({ status: 'discovered', online: false }));

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'hall b');
    await user.type(screen.getByLabelText('Area'), 'Machining');
    await waitFor(() =>
      expect(lastListParams(mock)).toEqual({
        q: 'hall b',
        status: 'discovered',
        area: 'Machining',
        online: false,
        sort: 'name',
        page: 1,
        per_page: 25,
      }),
    );
    // Debounced: the server never saw the half-typed words.
    const searched = mock.callsTo('get', '/devices').map((c) => (c.params as { q?: string }).q);
    expect(searched.filter((q) => q !== undefined && q !== 'hall b')).toEqual([]);

    await user.click(screen.getByRole('button', { name: /Last seen/ }));
    await waitFor(() => expect(lastListParams(mock)).toMatchObject({ sort: 'last_seen_at' }));
    await user.click(screen.getByRole('button', { name: /Last seen/ }));
    await waitFor(() => expect(lastListParams(mock)).toMatchObject({ sort: '-last_seen_at' }));
    expect(screen.getByRole('columnheader', { name: /Last seen/ })).toHaveAttribute('aria-sort', 'descending');

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(lastListParams(mock)).toMatchObject({ page: 2, sort: '-last_seen_at', q: 'hall b' }));
    expect(await screen.findByText('Showing 26–50 of 60')).toBeInTheDocument();
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
  });

  it('reads its filters from the address, so a shared link shows the same list', async () => {
    signIn();
    const mock = mockApi();
    mock.on('get', '/devices', { status: 200, data: deviceList([compressor]) });
    renderMachines('/machines?status=active&online=online&type=compressor&sort=-name&page=2');

    await screen.findByRole('table', { name: 'Machines' });
    expect(lastListParams(mock)).toEqual({
      status: 'active',
      type: 'compressor',
      online: true,
      sort: '-name',
      page: 2,
      per_page: 25,
    });
    expect(screen.getByLabelText('Type')).toHaveValue('compressor');
  });

  it('opens a device when its row is clicked', async () => {
    signIn();
    const mock = mockApi();
    mock.on('get', '/devices', { status: 200, data: deviceList([compressor]) });
    const user = userEvent.setup();
    renderMachines();

    await user.click(await screen.findByText('Hall A, east wall', { exact: false }));
    expect(screen.getByTestId('location')).toHaveTextContent('/machines/5');
  });

  it('approves a discovered device for a user who manages devices', async () => {
    signIn(makeUser({ permissions: ['manage_devices'] }));
    const mock = mockApi();
    mock.on('get', '/devices', { status: 200, data: deviceList([compressor, discovered]) });
    mock.on('patch', '/devices/7', { status: 200, data: { data: { ...discovered, status: 'active' } } });
    const user = userEvent.setup();
    renderMachines();

    await user.click(await screen.findByRole('button', { name: 'Approve meter-x17' }));
    await waitFor(() => expect(mock.callsTo('patch', '/devices/7')[0]?.body).toEqual({ status: 'active' }));
    // The list is asked again so the row shows its new status.
    await waitFor(() => expect(mock.callsTo('get', '/devices').length).toBeGreaterThanOrEqual(2));
    expect(screen.getAllByRole('button', { name: /^Approve/ })).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Add device' })).toBeInTheDocument();
  });

  it('hides adding and approving from users without manage_devices', async () => {
    signIn(makeUser({ permissions: ['acknowledge_alerts'] }));
    const mock = mockApi();
    mock.on('get', '/devices', { status: 200, data: deviceList([compressor, discovered]) });
    renderMachines();

    await screen.findByRole('table', { name: 'Machines' });
    expect(screen.queryByRole('button', { name: 'Add device' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Approve/ })).not.toBeInTheDocument();
  });

  it('tells an empty factory from a search that found nothing', async () => {
    signIn();
    const mock = mockApi();
    mock.on('get', '/devices', { status: 200, data: deviceList([]) });
    const user = userEvent.setup();
    renderMachines();

    expect(await screen.findByText('No machines yet')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Add device' })).toHaveLength(2);

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'nothing');
    expect(await screen.findByText('No machines match these filters')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByText('No machines yet')).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('');
  });

  it('shows a loading state, then the error with a way to retry', async () => {
    signIn();
    const mock = mockApi();
    mock.once('get', '/devices', apiError(500, 'INTERNAL_ERROR', 'Database unavailable.'));
    mock.on('get', '/devices', { status: 200, data: deviceList([compressor]) });
    const user = userEvent.setup();
    renderMachines();

    expect(screen.getByRole('status')).toHaveTextContent('Loading machines');
    expect(await screen.findByText('Database unavailable.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Machines' })).toBeInTheDocument();
  });
});
