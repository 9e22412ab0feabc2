import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import Assets from '@/pages/Assets';
import { useAuthStore } from '@/stores/authStore';
import { deviceList, makeBaseline, makeDevice } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { apiError, mockApi, type MockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';
import type { AssetNode, VirtualMeter } from '@/types/assets';

function node(overrides: Partial<AssetNode>): AssetNode {
  return { id: 1, parent_id: null, name: 'Plant', kind: 'site', depth: 1, production_unit: null, device_ids: [], virtual_meter_ids: [], children: [], ...overrides };
}

const line = node({ id: 2, parent_id: 1, name: 'Line 1', kind: 'line', depth: 2, device_ids: [6], production_unit: 'parts' });
const site = node({ children: [line], device_ids: [5] });

const meter: VirtualMeter = { id: 9, name: 'Unmetered', description: '', node_id: 1, terms: [], formula: 'Main incomer − CNC Line 1' };

const baseline = makeBaseline({ node_id: 2 });

/** The demo tree; `before` answers first, e.g. with a single reply that fails. */
function platform(before: (mock: MockApi) => void = () => undefined) {
  const mock = mockApi();
  before(mock);
  mock.on('get', '/assets/tree', { status: 200, data: { data: { roots: [site], max_depth: 6, unattached_device_ids: [7] } } });
  mock.on('get', '/devices', {
    status: 200,
    data: deviceList([makeDevice({ id: 5, name: 'Main incomer' }), makeDevice({ id: 6, name: 'CNC Line 1' }), makeDevice({ id: 7, name: 'Chiller' })]),
  });
  mock.on('get', '/virtual-meters', { status: 200, data: { data: [] } });
  mock.on('get', '/baselines', { status: 200, data: { data: [] } });
  mock.on('get', '/production', (config) => {
    const params = config.params as { node_id: number; start: string; end: string };
    return {
      status: 200,
      data: {
        data: {
          node_id: params.node_id,
          name: 'Line 1',
          unit: 'parts',
          timezone: 'Europe/Berlin',
          days: [
            { day: params.start, counted: 810, entered: null, total: 810, entry_id: null },
            { day: params.end, counted: 400, entered: 420, total: 420, entry_id: 31 },
          ],
        },
      },
    };
  });
  return mock;
}

describe('Assets page', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeSuperAdmin())));

  it('shows the tree, and adds a machine under the chosen line', async () => {
    const mock = platform();
    mock.on('post', '/assets/nodes', { status: 201, data: { data: node({ id: 3, parent_id: 2, name: 'Press', kind: 'machine', depth: 3 }) } });
    renderAt('/assets', <Assets />);
    const user = userEvent.setup();

    const tree = await screen.findByRole('list', { name: 'Asset tree' });
    expect(within(tree).getByRole('list', { name: 'Below Plant' })).toHaveTextContent('Line 1');
    expect(await screen.findByText('On no node: Chiller')).toBeInTheDocument();

    await user.click(within(tree).getByRole('button', { name: /Line 1/ }));
    expect(await screen.findByRole('list', { name: 'Devices of Line 1' })).toHaveTextContent('CNC Line 1');
    await user.click(screen.getByRole('button', { name: 'Add child' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a node under Line 1' });
    expect(within(dialog).getByLabelText('Kind')).toHaveValue('machine');
    await user.type(within(dialog).getByLabelText(/Name/), 'Press');
    await user.click(within(dialog).getByRole('button', { name: 'Add node' }));

    await waitFor(() => expect(mock.callsTo('post', '/assets/nodes')).toHaveLength(1));
    expect(mock.callsTo('post', '/assets/nodes')[0]?.body).toEqual({ name: 'Press', kind: 'machine', production_unit: null, parent_id: 2 });
  });

  it('defines a virtual meter as a main meter minus a sub-meter', async () => {
    const mock = platform();
    mock.on('post', '/virtual-meters', {
      status: 201,
      data: { data: { id: 9, name: 'Unmetered', description: '', node_id: 1, terms: [], formula: 'Main incomer − CNC Line 1' } },
    });
    renderAt('/assets', <Assets />, [], undefined, '/assets?node=1');
    const user = userEvent.setup();

    await screen.findByRole('heading', { name: 'Plant' });
    await user.click(screen.getByRole('button', { name: 'New virtual meter' }));
    const dialog = await screen.findByRole('dialog', { name: 'New virtual meter' });
    await user.type(within(dialog).getByLabelText(/Name/), 'Unmetered');
    await waitFor(() => expect(within(dialog).getByRole('option', { name: 'Main incomer' })).toBeInTheDocument());
    await user.selectOptions(within(dialog).getByLabelText('Term 1 device'), 'Main incomer');
    await user.click(within(dialog).getByRole('button', { name: 'Add term' }));
    expect(within(dialog).getByLabelText('Term 2 sign')).toHaveValue('-1');
    await user.selectOptions(within(dialog).getByLabelText('Term 2 device'), 'CNC Line 1');
    await user.click(within(dialog).getByRole('button', { name: 'Create meter' }));

    await waitFor(() => expect(mock.callsTo('post', '/virtual-meters')).toHaveLength(1));
    expect(mock.callsTo('post', '/virtual-meters')[0]?.body).toEqual({
      name: 'Unmetered',
      description: '',
      node_id: 1,
      terms: [
        { device_id: 5, sign: 1 },
        { device_id: 6, sign: -1 },
      ],
    });
  });

  it('deletes a node after a confirmation and shows its parent', async () => {
    const mock = platform((m) => m.once('delete', '/assets/nodes/2', apiError(409, 'NODE_HAS_CHILDREN', 'Delete the node’s children first.')));
    mock.on('delete', '/assets/nodes/2', { status: 204 });
    renderAt('/assets', <Assets />, [], undefined, '/assets?node=2');
    const user = userEvent.setup();

    await screen.findByRole('heading', { name: 'Line 1' });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    let dialog = screen.getByRole('dialog', { name: 'Delete Line 1?' });
    expect(dialog).toHaveTextContent('Its devices stay, attached to no node.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(mock.callsTo('delete', '/assets/nodes/2')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    dialog = screen.getByRole('dialog', { name: 'Delete Line 1?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete node' }));
    expect(await within(dialog).findByText('Delete the node’s children first.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Delete node' }));
    expect(await screen.findByRole('heading', { name: 'Plant' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: 'Delete Line 1?' })).not.toBeInTheDocument();
    expect(mock.callsTo('delete', '/assets/nodes/2')).toHaveLength(2);
  });

  it('deletes a virtual meter after a confirmation', async () => {
    const mock = platform((m) => m.on('get', '/virtual-meters', { status: 200, data: { data: [meter] } }));
    mock.on('delete', '/virtual-meters/9', { status: 204 });
    renderAt('/assets', <Assets />, [], undefined, '/assets?node=1');
    const user = userEvent.setup();

    // Until the tree is in, the page lists every meter without a node chosen.
    await screen.findByRole('heading', { name: 'Plant' });
    const meters = await screen.findByRole('table', { name: 'Virtual meters' });
    await user.click(within(meters).getByRole('button', { name: 'Delete Unmetered' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Unmetered?' });
    expect(dialog).toHaveTextContent('Its energy no longer counts toward its node.');
    expect(mock.callsTo('delete', '/virtual-meters/9')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete meter' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete Unmetered?' })).not.toBeInTheDocument());
    expect(mock.callsTo('delete', '/virtual-meters/9')).toHaveLength(1);
  });

  it('deletes a baseline after a confirmation', async () => {
    const mock = platform((m) => m.on('get', '/baselines', { status: 200, data: { data: [baseline] } }));
    mock.on('delete', '/baselines/4', { status: 204 });
    renderAt('/assets', <Assets />, [], undefined, '/assets?node=2');
    const user = userEvent.setup();

    const baselines = await screen.findByRole('table', { name: 'Baselines of Line 1' });
    await user.click(within(baselines).getByRole('button', { name: 'Delete Winter baseline' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Winter baseline?' });
    expect(dialog).toHaveTextContent('Savings can no longer be read against it.');
    expect(mock.callsTo('delete', '/baselines/4')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete baseline' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete Winter baseline?' })).not.toBeInTheDocument());
    expect(mock.callsTo('delete', '/baselines/4')).toHaveLength(1);
  });

  it('shows a line’s production per day and enters a figure for a day', async () => {
    const mock = platform();
    mock.on('put', '/production/entries', { status: 200, data: { data: [] } });
    renderAt('/assets', <Assets />, [], undefined, '/assets?node=2');
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Production of Line 1' });
    const rows = within(table).getAllByRole('row').map((r) => r.textContent);
    expect(rows[1]).toMatch(/400420420Remove$/);
    expect(rows[2]).toMatch(/810—810$/);

    const form = screen.getByRole('form', { name: 'Enter production of Line 1' });
    await user.clear(within(form).getByLabelText('Day'));
    await user.type(within(form).getByLabelText('Day'), '2026-03-02');
    await user.type(within(form).getByLabelText('Quantity (parts)'), '515');
    await user.click(within(form).getByRole('button', { name: 'Save figure' }));
    await waitFor(() => expect(mock.callsTo('put', '/production/entries')).toHaveLength(1));
    expect(mock.callsTo('put', '/production/entries')[0]?.body).toEqual({ entries: [{ node_id: 2, day: '2026-03-02', quantity: 515 }] });
  });
});
