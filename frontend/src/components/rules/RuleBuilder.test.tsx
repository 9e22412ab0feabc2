import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { RuleBuilder } from '@/components/rules/RuleBuilder';
import type { ScopeParameter } from '@/hooks/useRules';
import { draftFromCondition, toCondition, type GroupDraft, type NodeErrors } from '@/lib/conditionTree';
import type { ConditionNode } from '@/types/rules';

const parameters: ScopeParameter[] = [
  { key: 'power_kw', label: 'Active power', unit: 'kW', devices: 2 },
  { key: 'voltage_l1', label: 'Voltage L1', unit: 'V', devices: 2 },
];

/** The builder with its state; every change is reported to `seen` as the page would keep it. */
function Harness({ initial = null, errors, seen }: { initial?: ConditionNode | null; errors?: (tree: GroupDraft) => NodeErrors; seen: { tree?: GroupDraft } }) {
  const [tree, setTree] = useState(() => {
    const first = draftFromCondition(initial);
    record(seen, first);
    return first;
  });
  const change = (next: GroupDraft) => {
    record(seen, next);
    setTree(next);
  };
  return <RuleBuilder value={tree} onChange={change} parameters={parameters} errors={errors?.(tree)} />;
}

function record(seen: { tree?: GroupDraft }, tree: GroupDraft) {
  seen.tree = tree;
}

function json(seen: { tree?: GroupDraft }) {
  return toCondition(seen.tree!).condition;
}

describe('RuleBuilder', () => {
  it('produces the exact nested condition JSON as groups and comparisons are added', async () => {
    const user = userEvent.setup();
    const seen: { tree?: GroupDraft } = {};
    render(<Harness seen={seen} />);

    const first = screen.getByRole('group', { name: 'Condition 1' });
    await user.type(within(first).getByRole('combobox', { name: 'Parameter' }), 'power_kw');
    await user.type(within(first).getByLabelText('Value (kW)'), '100');
    expect(json(seen)).toEqual({ op: 'and', conditions: [{ parameter: 'power_kw', operator: '>', value: 100 }] });

    await user.click(screen.getByRole('button', { name: 'Add group to group 1' }));
    const nested = screen.getByRole('group', { name: 'Group 2' });
    expect(within(nested).getByLabelText('Match in group 2')).toHaveValue('or');
    const second = within(nested).getByRole('group', { name: 'Condition 2' });
    await user.type(within(second).getByRole('combobox', { name: 'Parameter' }), 'voltage_l1');
    await user.selectOptions(within(second).getByLabelText('Operator'), 'outside');
    await user.type(within(second).getByLabelText('Low (V)'), '207');
    await user.type(within(second).getByLabelText('High (V)'), '253');

    await user.click(screen.getByRole('button', { name: 'Add condition to group 2' }));
    const third = screen.getByRole('group', { name: 'Condition 3' });
    await user.type(within(third).getByRole('combobox', { name: 'Parameter' }), 'pf');
    await user.selectOptions(within(third).getByLabelText('Operator'), '<');
    await user.type(within(third).getByLabelText('Value'), '0.85');

    expect(json(seen)).toEqual({
      op: 'and',
      conditions: [
        { parameter: 'power_kw', operator: '>', value: 100 },
        {
          op: 'or',
          conditions: [
            { parameter: 'voltage_l1', operator: 'outside', value: [207, 253] },
            { parameter: 'pf', operator: '<', value: 0.85 },
          ],
        },
      ],
    });

    await user.selectOptions(screen.getByLabelText('Match in group 1'), 'or');
    await user.selectOptions(screen.getByLabelText('Match in group 2'), 'and');
    await user.click(screen.getByRole('button', { name: 'Remove condition 1' }));

    expect(json(seen)).toEqual({
      op: 'or',
      conditions: [
        {
          op: 'and',
          conditions: [
            { parameter: 'voltage_l1', operator: 'outside', value: [207, 253] },
            { parameter: 'pf', operator: '<', value: 0.85 },
          ],
        },
      ],
    });

    await user.click(screen.getByRole('button', { name: 'Remove group 2' }));
    expect(screen.queryByRole('group', { name: 'Group 2' })).not.toBeInTheDocument();
    expect(toCondition(seen.tree!).errors).toEqual({ [seen.tree!.id]: { conditions: 'Add at least one condition.' } });
  });

  it('turns between and outside into [low, high] and back to one number for other operators', async () => {
    const user = userEvent.setup();
    const seen: { tree?: GroupDraft } = {};
    render(<Harness seen={seen} initial={{ op: 'and', conditions: [{ parameter: 'voltage_l1', operator: '>', value: 250 }] }} />);
    const leaf = screen.getByRole('group', { name: 'Condition 1' });

    await user.selectOptions(within(leaf).getByLabelText('Operator'), 'between');
    expect(within(leaf).getByLabelText('Low (V)')).toHaveValue('250');
    await user.type(within(leaf).getByLabelText('High (V)'), '260');
    expect(json(seen)).toEqual({ op: 'and', conditions: [{ parameter: 'voltage_l1', operator: 'between', value: [250, 260] }] });

    await user.selectOptions(within(leaf).getByLabelText('Operator'), 'outside');
    expect(json(seen)).toEqual({ op: 'and', conditions: [{ parameter: 'voltage_l1', operator: 'outside', value: [250, 260] }] });

    await user.selectOptions(within(leaf).getByLabelText('Operator'), '!=');
    expect(within(leaf).queryByLabelText('High (V)')).not.toBeInTheDocument();
    expect(json(seen)).toEqual({ op: 'and', conditions: [{ parameter: 'voltage_l1', operator: '!=', value: 250 }] });
  });

  it('shows a message at the comparison it concerns and flags parameters not reported in scope', () => {
    const seen: { tree?: GroupDraft } = {};
    render(
      <Harness
        seen={seen}
        initial={{
          op: 'and',
          conditions: [
            { parameter: 'power_kw', operator: '>', value: 1 },
            { parameter: 'flux', operator: 'between', value: [1, 2] },
          ],
        }}
        errors={(tree) => ({ [tree.children[1]!.id]: { high: 'low must not be greater than high' } })}
      />,
    );
    const second = screen.getByRole('group', { name: 'Condition 2' });
    expect(within(second).getByLabelText('High')).toHaveAccessibleDescription('low must not be greater than high');
    expect(within(second).getByRole('combobox', { name: 'Parameter' })).toHaveAccessibleDescription('Not reported by the devices in scope yet.');
    expect(within(screen.getByRole('group', { name: 'Condition 1' })).getByRole('combobox', { name: 'Parameter' })).toHaveAccessibleDescription('Active power');
  });

  it('offers no editing in read-only mode', () => {
    render(<RuleBuilder value={draftFromCondition(null)} onChange={() => undefined} parameters={parameters} readOnly />);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Parameter' })).toBeDisabled();
  });
});
