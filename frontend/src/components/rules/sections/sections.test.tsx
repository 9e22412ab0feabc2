import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState, type ComponentType } from 'react';
import { describe, expect, it } from 'vitest';
import { ActiveHoursFields } from '@/components/rules/sections/ActiveHoursFields';
import { BasicsSection } from '@/components/rules/sections/BasicsSection';
import { ConditionSection, type ConditionTest } from '@/components/rules/sections/ConditionSection';
import { NotificationsSection } from '@/components/rules/sections/NotificationsSection';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { emptyRuleDraft, type RuleDraft, type RuleFieldErrors } from '@/lib/ruleForm';
import { page } from '@/test/domainFixtures';
import { apiError, deferredReply, mockApi } from '@/test/mockApi';
import { createTestQueryClient } from '@/test/render';

/** A section with the draft held as the rule form holds it; `seen.draft` is the latest. */
function renderSection(
  Section: ComponentType<RuleSectionProps>,
  { initial = {}, errors = {}, readOnly = false }: { initial?: Partial<RuleDraft>; errors?: RuleFieldErrors; readOnly?: boolean } = {},
) {
  const seen: { draft: RuleDraft } = { draft: { ...emptyRuleDraft(), ...initial } };
  function Harness() {
    const [draft, setDraft] = useState(seen.draft);
    const onChange = (changes: Partial<RuleDraft>) =>
      setDraft((d) => {
        seen.draft = { ...d, ...changes };
        return seen.draft;
      });
    return <Section draft={draft} onChange={onChange} errors={errors} readOnly={readOnly} />;
  }
  render(
    <QueryClientProvider client={createTestQueryClient()}>
      <Harness />
    </QueryClientProvider>,
  );
  return seen;
}

describe('rule editor sections', () => {
  it('basics change only their own fields and show the name error', async () => {
    const user = userEvent.setup({ delay: null });
    const seen = renderSection(BasicsSection, { errors: { name: 'Enter a name.' } });
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Hot bearing');
    await user.selectOptions(screen.getByLabelText('Severity'), 'critical');
    await user.click(screen.getByRole('checkbox', { name: /Active/ }));
    const { condition: _tree, ...rest } = seen.draft;
    const { condition: _fresh, ...untouched } = emptyRuleDraft();
    expect(rest).toEqual({ ...untouched, name: 'Hot bearing', severity: 'critical', isActive: false });
    expect(screen.getByText('Enter a name.')).toBeInTheDocument();
  });

  it('active hours toggle days in order and hide the window when off', async () => {
    const user = userEvent.setup({ delay: null });
    const seen = renderSection(ActiveHoursFields, { errors: { schedule: 'Choose at least one day.' } });
    expect(screen.queryByRole('group', { name: 'Days' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Only during active hours' }));
    const days = screen.getByRole('group', { name: 'Days' });
    await user.click(within(days).getByRole('checkbox', { name: 'Mon' }));
    await user.click(within(days).getByRole('checkbox', { name: 'Sun' }));
    expect(seen.draft.scheduleOn).toBe(true);
    expect(seen.draft.days).toEqual([1, 2, 3, 4, 6]);
    expect(screen.getByRole('alert')).toHaveTextContent('Choose at least one day.');
  });

  it('notifications collect channels, permissions and people, keeping a deactivated person removable', async () => {
    const mock = mockApi();
    mock.on('get', '/users/directory', { status: 200, data: page([{ id: 10, full_name: 'Olga Operator', email: 'olga@demo.factoryops.io' }]) });
    const user = userEvent.setup({ delay: null });
    const seen = renderSection(NotificationsSection, { initial: { recipientUserIds: [99] } });
    await user.click(screen.getByRole('checkbox', { name: 'WhatsApp' }));
    await user.click(await screen.findByRole('checkbox', { name: /Olga Operator/ }));
    await user.click(screen.getByRole('checkbox', { name: 'User #99 (no longer active)' }));
    expect(seen.draft.channels).toEqual(['whatsapp']);
    expect(seen.draft.recipientUserIds).toEqual([10]);
  });

  it('notifications show the people loading, then why they failed, with a retry', async () => {
    const mock = mockApi();
    const first = deferredReply();
    mock.once('get', '/users/directory', first.responder);
    mock.on('get', '/users/directory', { status: 200, data: page([{ id: 10, full_name: 'Olga Operator', email: 'olga@demo.factoryops.io' }]) });
    const user = userEvent.setup({ delay: null });
    renderSection(NotificationsSection);

    expect(screen.getByRole('status')).toHaveTextContent('Loading users');
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));
    const failure = await screen.findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the users');
    expect(failure).toHaveTextContent('The metadata database is unavailable. Try again shortly.');
    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('checkbox', { name: /Olga Operator/ })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('a read-only section offers nothing to change', () => {
    renderSection(NotificationsSection, { readOnly: true });
    expect(screen.getByRole('checkbox', { name: 'Email' })).toBeDisabled();
    expect(screen.getByRole('textbox', { name: /Other email addresses/ })).toBeDisabled();
  });

  it('the condition section reports changes of the tree and runs the test on demand', async () => {
    const user = userEvent.setup({ delay: null });
    let runs = 0;
    const test: ConditionTest = { run: () => (runs += 1), pending: false, error: null, outcome: null };
    const discovered = { parameters: [{ key: 'power_kw', label: null, unit: 'kW', devices: 1 }], loading: false, complete: true };
    const seen = renderSection((props) => <ConditionSection {...props} nodeErrors={{}} discovered={discovered} test={test} />);
    expect(screen.getByText('1 parameter(s) reported by the devices in scope.')).toBeInTheDocument();
    await user.type(within(screen.getByRole('group', { name: 'Condition 1' })).getByRole('combobox', { name: 'Parameter' }), 'power_kw');
    await user.click(screen.getByRole('button', { name: 'Test against live values' }));
    expect(runs).toBe(1);
    expect(seen.draft.condition.children).toMatchObject([{ kind: 'leaf', parameter: 'power_kw' }]);
  });
});
