import { useState } from 'react';
import { Button } from '@/components/ui/Button';
import { Input } from '@/components/ui/Input';
import { SegmentedControl } from '@/components/ui/SegmentedControl';
import { Select } from '@/components/ui/Select';
import { cn } from '@/lib/cn';
import { customRangeProblem } from '@/lib/dateRange';

/** `''` is no range at all (offered with `anyLabel`). */
export type RangeChoiceOf<P extends string> = P | 'custom' | '';

/**
 * A range as the form shows it: a preset, or `custom` with the two input values on the
 * factory's clock (`YYYY-MM-DDTHH:MM`, or `YYYY-MM-DD` for whole days).
 */
export interface DateRangeValue<P extends string> {
  preset: RangeChoiceOf<P>;
  from: string;
  to: string;
}

interface DateRangeFormProps<P extends string> {
  /** Label of the preset choice: "Range", "Period", "Time". */
  label: string;
  presets: readonly { id: P; label: string }[];
  value: DateRangeValue<P>;
  /**
   * Every change of a form's draft; with `onApply`, only the choice of a preset (the
   * custom inputs are then the form's own until Apply).
   */
  onChange: (value: DateRangeValue<P>) => void;
  /**
   * Filters: a custom range takes effect when Apply is pressed, checked here (the end after
   * the start). Without it, a job form checks the range itself when submitted.
   */
  onApply?: (range: { from: string; to: string }) => void;
  /** With `onApply`: whether an open end (no start or no end) is refused. */
  requireBoth?: boolean;
  /** `day`: whole days, the last one included; `minute`: dates with times. */
  precision: 'day' | 'minute';
  /** An option for no range (`''`), e.g. "Any time". */
  anyLabel?: string;
  customLabel?: string;
  /** Joined buttons instead of a dropdown, for a handful of short presets. */
  look?: 'select' | 'buttons';
  /** The form's own check of the range, shown under the custom inputs (or the choice). */
  error?: string | null;
  timeZone: string;
  className?: string;
}

/**
 * The one date-range form of the web app: a preset or a custom range on the factory's
 * clock. Job forms (analytics, reports) hold it in their draft; filters (alerts, device
 * history) apply a custom range with a button.
 */
export function DateRangeForm<P extends string>({
  label,
  presets,
  value,
  onChange,
  onApply,
  requireBoth = false,
  precision,
  anyLabel,
  customLabel = 'Custom range',
  look = 'select',
  error,
  timeZone,
  className,
}: DateRangeFormProps<P>) {
  const custom = value.preset === 'custom';
  const choose = (preset: RangeChoiceOf<P>) => onChange({ ...value, preset });
  const options: { id: RangeChoiceOf<P>; label: string }[] = [
    ...(anyLabel === undefined ? [] : [{ id: '' as const, label: anyLabel }]),
    ...presets,
    { id: 'custom', label: customLabel },
  ];
  return (
    <div className={cn('flex flex-wrap items-end gap-3', className)}>
      {look === 'buttons' ? (
        <SegmentedControl label={label} options={options} value={value.preset} onChange={choose} />
      ) : (
        <Select label={label} value={value.preset} onChange={(e) => choose(e.target.value as RangeChoiceOf<P>)} error={custom ? null : error} className="min-w-40">
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </Select>
      )}
      {custom &&
        (onApply ? (
          <AppliedRange value={value} onApply={onApply} requireBoth={requireBoth} precision={precision} timeZone={timeZone} />
        ) : (
          <RangeInputs
            from={value.from}
            to={value.to}
            onFrom={(from) => onChange({ ...value, from })}
            onTo={(to) => onChange({ ...value, to })}
            precision={precision}
            error={error}
            timeZone={timeZone}
          />
        ))}
    </div>
  );
}

interface RangeInputsProps {
  from: string;
  to: string;
  onFrom: (from: string) => void;
  onTo: (to: string) => void;
  precision: 'day' | 'minute';
  error?: string | null;
  timeZone: string;
}

function RangeInputs({ from, to, onFrom, onTo, precision, error, timeZone }: RangeInputsProps) {
  const days = precision === 'day';
  const type = days ? 'date' : 'datetime-local';
  return (
    <>
      <Input label={days ? 'First day' : 'From'} type={type} value={from} onChange={(e) => onFrom(e.target.value)} hint={`On the factory's clock (${timeZone})`} />
      <Input label={days ? 'Last day' : 'To'} type={type} value={to} onChange={(e) => onTo(e.target.value)} error={error} />
    </>
  );
}

function AppliedRange<P extends string>({
  value,
  onApply,
  requireBoth,
  precision,
  timeZone,
}: {
  value: DateRangeValue<P>;
  onApply: (range: { from: string; to: string }) => void;
  requireBoth: boolean;
  precision: 'day' | 'minute';
  timeZone: string;
}) {
  // Typed values stay here until applied: a filter that refetched on every keystroke would
  // ask for half-typed dates.
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  const [problem, setProblem] = useState<string | null>(null);
  const apply = () => {
    const found = customRangeProblem({ from, to }, { precision, requireBoth, timeZone });
    setProblem(found);
    if (!found) onApply({ from, to });
  };
  return (
    <>
      <RangeInputs from={from} to={to} onFrom={setFrom} onTo={setTo} precision={precision} error={problem} timeZone={timeZone} />
      <Button variant="secondary" onClick={apply} className="mb-0.5">
        Apply
      </Button>
    </>
  );
}
