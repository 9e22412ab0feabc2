import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ParameterTable } from '@/components/devices/ParameterTable';
import { makeParameter } from '@/test/domainFixtures';
import { apiError, mockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';

const power = makeParameter();
const energy = makeParameter({
  id: 12,
  parameter_key: 'energy_kwh',
  display_name: null,
  unit: null,
  role: null,
  is_kpi_selected: false,
  latest: { value: 123456.7, ts: new Date().toISOString() },
});
const temperature = makeParameter({
  id: 13,
  parameter_key: 'temp.oil',
  display_name: 'Oil temperature',
  unit: '°C',
  role: 'temperature',
  is_kpi_selected: true,
  latest: null,
});

describe('ParameterTable', () => {
  it('saves every edit in one request carrying only what changed', async () => {
    const mock = mockApi();
    mock.on('patch', '/devices/5/parameters', (config) => {
      const { items } = JSON.parse(config.data as string) as { items: { id: number }[] };
      return {
        status: 200,
        data: { data: items.map((item) => ({ ...[power, energy, temperature].find((p) => p.id === item.id), ...item })) },
      };
    });
    const user = userEvent.setup();
    renderAt('/', <ParameterTable deviceId={5} parameters={[power, energy, temperature]} canEdit />);

    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled();

    await user.type(screen.getByLabelText('Display name for energy_kwh'), 'Energy');
    await user.type(screen.getByLabelText('Unit for energy_kwh'), 'kWh');
    await user.selectOptions(screen.getByLabelText('Role for energy_kwh'), 'energy_counter');
    await user.click(screen.getByLabelText('KPI card for energy_kwh'));
    await user.click(screen.getByLabelText('KPI card for temp.oil'));
    await user.clear(screen.getByLabelText('Display name for temp.oil'));
    // Typed and undone: no change left for this row.
    await user.type(screen.getByLabelText('Unit for active_power_kw'), 'x');
    await user.type(screen.getByLabelText('Unit for active_power_kw'), '{Backspace}');

    expect(screen.getByRole('status')).toHaveTextContent('2 unsaved changes');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(mock.callsTo('patch', '/devices/5/parameters')).toHaveLength(1));
    expect(mock.callsTo('patch', '/devices/5/parameters')[0]?.body).toEqual({
      items: [
        { id: 12, display_name: 'Energy', unit: 'kWh', role: 'energy_counter', is_kpi_selected: true },
        { id: 13, display_name: null, is_kpi_selected: false },
      ],
    });
    expect(await screen.findByText('Saved 2 parameters.')).toBeInTheDocument();
  });

  it('clears a role by choosing "No role" and can discard edits', async () => {
    const mock = mockApi();
    mock.on('patch', '/devices/5/parameters', { status: 200, data: { data: [] } });
    const user = userEvent.setup();
    renderAt('/', <ParameterTable deviceId={5} parameters={[power]} canEdit />);

    await user.selectOptions(screen.getByLabelText('Role for active_power_kw'), '');
    expect(screen.getByRole('status')).toHaveTextContent('1 unsaved change');
    await user.click(screen.getByRole('button', { name: 'Discard' }));
    expect(screen.getByLabelText('Role for active_power_kw')).toHaveValue('active_power');

    await user.selectOptions(screen.getByLabelText('Role for active_power_kw'), '');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(mock.callsTo('patch', '/devices/5/parameters')[0]?.body).toEqual({ items: [{ id: 11, role: null }] }),
    );
  });

  it('keeps the edits and shows the refusal when saving fails', async () => {
    const mock = mockApi();
    mock.on('patch', '/devices/5/parameters', apiError(403, 'FORBIDDEN', 'You need the manage_devices permission.'));
    const user = userEvent.setup();
    renderAt('/', <ParameterTable deviceId={5} parameters={[power]} canEdit />);

    await user.click(screen.getByLabelText('KPI card for active_power_kw'));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You need the manage_devices permission.');
    expect(screen.getByLabelText('KPI card for active_power_kw')).not.toBeChecked();
  });

  it('is read-only for users who may not manage devices', () => {
    renderAt('/', <ParameterTable deviceId={5} parameters={[power, energy, temperature]} canEdit={false} />);
    const table = screen.getByRole('table', { name: 'Parameters' });
    expect(within(table).queryByRole('textbox')).not.toBeInTheDocument();
    expect(within(table).queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument();
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/active_power_kw.*Active power.*kW.*Active power.*Yes.*42\.5 kW/);
    expect(rows[2]).toHaveTextContent(/energy_kwh.*123,457/);
    expect(rows[3]).toHaveTextContent('No value yet');
  });

  it('explains an empty list', () => {
    renderAt('/', <ParameterTable deviceId={5} parameters={[]} canEdit />);
    expect(screen.getByText('No parameters yet')).toBeInTheDocument();
  });
});
