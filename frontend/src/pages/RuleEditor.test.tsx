import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import RuleEditor from '@/pages/RuleEditor';
import { useAuthStore } from '@/stores/authStore';
import { deviceList, makeDevice, makeRule, page } from '@/test/domainFixtures';
import { makeSession, makeUser } from '@/test/fixtures';
import { apiError, deferredReply, mockApi, type MockApi } from '@/test/mockApi';
import { probeRoute, renderRoutes } from '@/test/render';
import type { RuleScope, ScopeParameterSummary } from '@/types/rules';

const compressor = makeDevice();
const chiller = makeDevice({ id: 6, device_key: 'chiller-1', name: 'Process Chiller', type: 'chiller' });

const REPORTED: Record<string, ScopeParameterSummary[]> = {
  all: [
    { parameter_key: 'active_power_kw', display_name: 'Active power', unit: 'kW', device_count: 1 },
    { parameter_key: 'supply_temp_c', display_name: null, unit: '°C', device_count: 1 },
    { parameter_key: 'voltage_l1', display_name: 'Voltage L1', unit: 'V', device_count: 1 },
  ],
  devices: [{ parameter_key: 'active_power_kw', display_name: 'Active power', unit: 'kW', device_count: 1 }],
};

function platform(): MockApi {
  const mock = mockApi();
  mock.on('get', '/devices', { status: 200, data: deviceList([compressor, chiller]) });
  mock.on('post', '/rules/parameters', (config) => {
    const { scope } = JSON.parse(String(config.data)) as { scope: RuleScope };
    return { status: 200, data: { data: REPORTED[scope.kind] ?? [] } };
  });
  mock.on('get', '/users/directory', {
    status: 200,
    data: page([
      { id: 10, full_name: 'Test User', email: 'test@demo.factoryops.io' },
      { id: 20, full_name: 'Olga Operator', email: 'olga@demo.factoryops.io' },
    ]),
  });
  return mock;
}

function renderEditor(path: string) {
  return renderRoutes([{ path: '/rules/new', element: <RuleEditor /> }, { path: '/rules/:ruleId', element: <RuleEditor /> }, probeRoute('/rules')], path);
}

async function fillFirstCondition(user: ReturnType<typeof userEvent.setup>, parameter: string, value: string) {
  const leaf = screen.getByRole('group', { name: 'Condition 1' });
  await user.type(within(leaf).getByRole('combobox', { name: 'Parameter' }), parameter);
  await user.type(within(leaf).getByRole('textbox', { name: /^Value/ }), value);
}

describe('RuleEditor', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['manage_rules'] }))));

  it('offers the parameters reported across the scope, asked for in one request', async () => {
    const mock = platform();
    renderEditor('/rules/new');
    await screen.findByRole('heading', { level: 1, name: 'New rule' });

    await waitFor(() => {
      const options = [...document.querySelectorAll('datalist option')].map((o) => o.getAttribute('value'));
      expect(options).toEqual(['active_power_kw', 'supply_temp_c', 'voltage_l1']);
    });
    expect(screen.getByText('3 parameter(s) reported by the devices in scope.')).toBeInTheDocument();
    expect(mock.callsTo('post', '/rules/parameters').map((c) => c.body)).toEqual([{ scope: { kind: 'all' } }]);
    expect(mock.calls.filter((c) => c.path.endsWith('/parameters') && c.path.startsWith('/devices'))).toEqual([]);
  });

  it('creates a rule with the whole payload and returns to the list', async () => {
    const mock = platform();
    mock.on('post', '/rules', { status: 201, data: { data: makeRule() } });
    const user = userEvent.setup({ delay: null });
    renderEditor('/rules/new');
    await screen.findByRole('heading', { level: 1, name: 'New rule' });

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Press overload');
    await user.selectOptions(screen.getByLabelText('Severity'), 'critical');
    await user.click(screen.getByRole('radio', { name: /Chosen devices/ }));
    await user.click(await screen.findByRole('checkbox', { name: /Air Compressor 1/ }));
    await fillFirstCondition(user, 'active_power_kw', '100');
    await user.clear(screen.getByLabelText('Cooldown (minutes)'));
    await user.type(screen.getByLabelText('Cooldown (minutes)'), '0');
    await user.clear(screen.getByLabelText('Sustained for at least (seconds)'));
    await user.type(screen.getByLabelText('Sustained for at least (seconds)'), '30');
    await user.click(screen.getByRole('checkbox', { name: 'Only during active hours' }));
    await user.click(screen.getByRole('checkbox', { name: 'Sat' }));
    await user.clear(screen.getByLabelText('Until'));
    await user.type(screen.getByLabelText('Until'), '00:00');
    await user.click(screen.getByRole('checkbox', { name: 'Email' }));
    await user.click(screen.getByRole('checkbox', { name: 'Acknowledge alerts' }));
    // A rule editor who is not a super admin picks people from the directory.
    await user.click(await screen.findByRole('checkbox', { name: 'Olga Operator (olga@demo.factoryops.io)' }));
    await user.type(screen.getByLabelText('Other email addresses'), 'shift@plant.example{enter}Night@Plant.example');
    await user.type(screen.getByLabelText('WhatsApp numbers'), '+49 151 1234 5678');
    await user.click(screen.getByRole('checkbox', { name: 'Resolve automatically' }));
    await user.click(screen.getByRole('button', { name: 'Create rule' }));

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/rules'));
    expect(mock.callsTo('post', '/rules')[0]?.body).toEqual({
      name: 'Press overload',
      description: '',
      scope: { kind: 'devices', device_ids: [5] },
      condition: { op: 'and', conditions: [{ parameter: 'active_power_kw', operator: '>', value: 100 }] },
      severity: 'critical',
      cooldown_minutes: 0,
      for_seconds: 30,
      schedule: { days: [0, 1, 2, 3, 4, 5], start: '06:00', end: '24:00' },
      channels: ['email'],
      recipients: {
        user_permissions: ['acknowledge_alerts'],
        user_ids: [20],
        emails: ['shift@plant.example', 'Night@Plant.example'],
        phones: ['+4915112345678'],
      },
      auto_resolve: true,
      escalation: null,
      notify_on_resolve: false,
      allow_unseen_parameters: false,
      is_active: true,
    });
  }, 20_000);

  it('tests the condition against live values and shows each device’s result', async () => {
    const mock = platform();
    mock.on('post', '/rules/dry-run', {
      status: 200,
      data: {
        data: [
          { device_id: 5, device_name: 'Air Compressor 1', matched: true, values: { active_power_kw: 131.25 }, missing: [] },
          { device_id: 6, device_name: 'Process Chiller', matched: false, values: {}, missing: ['active_power_kw'] },
        ],
      },
    });
    const user = userEvent.setup({ delay: null });
    renderEditor('/rules/new');
    await screen.findByRole('heading', { level: 1, name: 'New rule' });
    await fillFirstCondition(user, 'active_power_kw', '120');
    await user.click(screen.getByRole('button', { name: 'Test against live values' }));

    const results = await screen.findByRole('table', { name: 'Test against live values' });
    expect(mock.callsTo('post', '/rules/dry-run')[0]?.body).toEqual({
      condition: { op: 'and', conditions: [{ parameter: 'active_power_kw', operator: '>', value: 120 }] },
      scope: { kind: 'all' },
    });
    const rows = within(results).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Air Compressor 1Matchedactive_power_kw = 131.25—');
    expect(rows[1]).toHaveTextContent('Process ChillerNot matched—active_power_kw');
    expect(screen.getByText(/1 of 2/)).toBeInTheDocument();
  });

  it('shows an invalid condition at the node the API names, and an unknown parameter at its comparison', async () => {
    const mock = platform();
    mock.once('post', '/rules', {
      status: 422,
      data: {
        error: {
          code: 'INVALID_CONDITION',
          message: 'Invalid condition at /conditions/1/value: low must not be greater than high',
          details: { path: '/conditions/1/value/1', reason: 'low must not be greater than high' },
        },
      },
    });
    mock.once('post', '/rules', {
      status: 422,
      data: {
        error: {
          code: 'UNKNOWN_PARAMETER',
          message: "No device in the rule's scope has reported 'flux'.",
          details: { parameters: ['flux'] },
        },
      },
    });
    const user = userEvent.setup({ delay: null });
    renderEditor('/rules/new');
    await screen.findByRole('heading', { level: 1, name: 'New rule' });
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Two checks');
    await fillFirstCondition(user, 'flux', '1');
    await user.click(screen.getByRole('button', { name: 'Add condition to group 1' }));
    const second = screen.getByRole('group', { name: 'Condition 2' });
    await user.type(within(second).getByRole('combobox', { name: 'Parameter' }), 'voltage_l1');
    await user.selectOptions(within(second).getByLabelText('Operator'), 'between');
    await user.type(within(second).getByLabelText('Low (V)'), '200');
    await user.type(within(second).getByLabelText('High (V)'), '250');

    await user.click(screen.getByRole('button', { name: 'Create rule' }));
    expect(await within(second).findByText('low must not be greater than high')).toBeInTheDocument();
    expect(within(second).getByLabelText('High (V)')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('The problem is marked in the condition above.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create rule' }));
    const first = screen.getByRole('group', { name: 'Condition 1' });
    expect(await within(first).findByText('No device in the rule’s scope has reported this parameter.')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Condition 2' })).queryByText(/reported this parameter/)).not.toBeInTheDocument();
  }, 15_000);

  it('shows a saved rule read-only to a user without manage_rules', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['acknowledge_alerts'] })));
    const mock = platform();
    mock.on('get', '/rules/3', { status: 200, data: { data: makeRule() } });
    renderEditor('/rules/3');

    expect(await screen.findByRole('heading', { level: 1, name: 'Compressor overload' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Name' })).toBeDisabled();
    expect(screen.getByRole('combobox', { name: 'Parameter' })).toHaveValue('active_power_kw');
    expect(screen.queryByRole('button', { name: /Save rule|Delete rule|Test against live values|Add condition/ })).not.toBeInTheDocument();
    expect(screen.getByText(/Changing rules needs the “manage rules” permission/)).toBeInTheDocument();
    // Suggesting parameters needs manage_rules: a reader does not ask.
    expect(mock.callsTo('post', '/rules/parameters')).toHaveLength(0);
  });

  it('shows a saved rule loading, then why it failed, with a retry', async () => {
    const mock = platform();
    const first = deferredReply();
    mock.once('get', '/rules/3', first.responder);
    mock.on('get', '/rules/3', { status: 200, data: { data: makeRule() } });
    const user = userEvent.setup({ delay: null });
    renderEditor('/rules/3');

    expect(await screen.findByRole('status')).toHaveTextContent('Loading rule');
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));
    const failure = await screen.findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the rule');
    expect(failure).toHaveTextContent('The metadata database is unavailable. Try again shortly.');
    expect(screen.queryByText('Rule not found')).not.toBeInTheDocument();

    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Compressor overload' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('Compressor overload');
  });

  it('edits and deletes a rule with confirmation', async () => {
    const mock = platform();
    mock.on('get', '/rules/3', { status: 200, data: { data: makeRule() } });
    mock.on('delete', '/rules/3', { status: 204 });
    const user = userEvent.setup({ delay: null });
    renderEditor('/rules/3');

    await user.click(await screen.findByRole('button', { name: 'Delete rule' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Compressor overload?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete rule' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/rules'));
    expect(mock.callsTo('delete', '/rules/3')).toHaveLength(1);
  });
});
