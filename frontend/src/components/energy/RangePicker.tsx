import { Button, DateRangeForm } from '@/components/ui';
import { RANGE_KIND_LABELS, rangeAround, rangeTitle, shiftRange, type EnergyRange, type RangeKind } from '@/lib/energyRange';

type PeriodKind = Exclude<RangeKind, 'custom'>;
const PERIODS = (['day', 'week', 'month', 'year'] as const).map((id) => ({ id, label: RANGE_KIND_LABELS[id] }));

interface RangePickerProps {
  value: EnergyRange;
  onChange: (range: EnergyRange) => void;
  /** The range to show when a kind is chosen: the current day, week, ... */
  current: (kind: RangeKind) => EnergyRange;
  timeZone: string;
}

/** A day, week, month or year with steps back and forth, or custom days (the shared date-range form). */
export function RangePicker({ value, onChange, current, timeZone }: RangePickerProps) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <DateRangeForm<PeriodKind>
        label="Range"
        presets={PERIODS}
        look="buttons"
        precision="day"
        customLabel={RANGE_KIND_LABELS.custom}
        value={{ preset: value.kind, from: value.from, to: value.to }}
        onChange={(next) => next.preset && onChange(current(next.preset))}
        onApply={({ from, to }) => onChange(rangeAround('custom', from, to))}
        requireBoth
        timeZone={timeZone}
      />
      {value.kind !== 'custom' && (
        <div className="mb-0.5 flex items-center gap-1">
          <Button variant="secondary" size="sm" aria-label="Previous period" onClick={() => onChange(shiftRange(value, -1))}>
            ‹
          </Button>
          <span className="min-w-36 text-center text-sm font-medium text-slate-800" aria-live="polite">
            {rangeTitle(value)}
          </span>
          <Button variant="secondary" size="sm" aria-label="Next period" onClick={() => onChange(shiftRange(value, 1))}>
            ›
          </Button>
        </div>
      )}
    </div>
  );
}
