import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { DateRangeForm, type DateRangeValue } from '@/components/ui/DateRangeForm';

const PRESETS = [
  { id: '24h', label: 'Last 24 hours' },
  { id: '7d', label: 'Last 7 days' },
] as const;
type Preset = (typeof PRESETS)[number]['id'];

/** The form held as a page holds it; `seen` records every change and every apply. */
function renderRange(props: { apply?: boolean; requireBoth?: boolean; precision?: 'day' | 'minute'; look?: 'select' | 'buttons'; anyLabel?: string; error?: string; initial?: DateRangeValue<Preset> }) {
  const seen: { changes: DateRangeValue<Preset>[]; applied: { from: string; to: string }[] } = { changes: [], applied: [] };
  function Harness() {
    const [value, setValue] = useState<DateRangeValue<Preset>>(props.initial ?? { preset: '24h', from: '', to: '' });
    return (
      <DateRangeForm
        label="Range"
        presets={PRESETS}
        value={value}
        onChange={(next) => {
          seen.changes.push(next);
          setValue(next);
        }}
        onApply={props.apply ? (range) => seen.applied.push(range) : undefined}
        requireBoth={props.requireBoth}
        precision={props.precision ?? 'minute'}
        look={props.look}
        anyLabel={props.anyLabel}
        error={props.error}
        timeZone="Europe/Berlin"
      />
    );
  }
  render(<Harness />);
  return seen;
}

describe('DateRangeForm', () => {
  it('in a job form, reports the preset and every keystroke of a custom range', async () => {
    const user = userEvent.setup({ delay: null });
    const seen = renderRange({ error: 'The end must be after the start.' });
    expect(screen.queryByLabelText('From')).not.toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Range'), 'custom');
    await user.type(screen.getByLabelText('From'), '2026-03-01T06:00');
    await user.type(screen.getByLabelText('To'), '2026-03-02T06:00');
    expect(seen.changes.at(-1)).toEqual({ preset: 'custom', from: '2026-03-01T06:00', to: '2026-03-02T06:00' });
    expect(screen.getByText("On the factory's clock (Europe/Berlin)")).toBeInTheDocument();
    // The form's own check shows under the inputs.
    expect(screen.getByLabelText('To')).toHaveAccessibleDescription('The end must be after the start.');
    expect(screen.queryByRole('button', { name: 'Apply' })).not.toBeInTheDocument();
  });

  it('offers whole days with date inputs', async () => {
    const user = userEvent.setup({ delay: null });
    renderRange({ precision: 'day' });
    await user.selectOptions(screen.getByLabelText('Range'), 'custom');
    expect(screen.getByLabelText('First day')).toHaveAttribute('type', 'date');
    expect(screen.getByLabelText('Last day')).toHaveAttribute('type', 'date');
  });

  it('as a filter, applies a custom range only when asked and only when the end follows the start', async () => {
    const user = userEvent.setup({ delay: null });
    const seen = renderRange({ apply: true, anyLabel: 'Any time', initial: { preset: '', from: '', to: '' } });
    expect(screen.getByLabelText('Range')).toHaveValue('');
    await user.selectOptions(screen.getByLabelText('Range'), 'custom');
    await user.type(screen.getByLabelText('From'), '2026-03-02T06:00');
    await user.type(screen.getByLabelText('To'), '2026-03-01T06:00');
    expect(seen.changes).toEqual([{ preset: 'custom', from: '', to: '' }]);
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByText('The end must be after the start.')).toBeInTheDocument();
    expect(seen.applied).toEqual([]);

    await user.clear(screen.getByLabelText('To'));
    // An open end is a filter too: everything since the start.
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(seen.applied).toEqual([{ from: '2026-03-02T06:00', to: '' }]);
  });

  it('refuses an open end where both are needed, and starts from the range on screen', async () => {
    const user = userEvent.setup({ delay: null });
    const seen = renderRange({ apply: true, requireBoth: true, look: 'buttons', initial: { preset: '24h', from: '2026-03-01T06:00', to: '2026-03-02T06:00' } });
    await user.click(screen.getByRole('radio', { name: 'Custom range' }));
    expect(screen.getByLabelText('From')).toHaveValue('2026-03-01T06:00');
    await user.clear(screen.getByLabelText('To'));
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByText('Enter both a start and an end.')).toBeInTheDocument();
    expect(seen.applied).toEqual([]);
    await user.click(screen.getByRole('radio', { name: 'Last 7 days' }));
    expect(seen.changes.at(-1)?.preset).toBe('7d');
    expect(screen.queryByLabelText('From')).not.toBeInTheDocument();
  });
});
