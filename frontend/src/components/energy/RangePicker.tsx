import { Button, Input } from '@/components/ui';
import { cn } from '@/lib/cn';
import { RANGE_KIND_LABELS, RANGE_KINDS, rangeAround, rangeTitle, shiftRange, type EnergyRange, type RangeKind } from '@/lib/energyRange';

interface RangePickerProps {
  value: EnergyRange;
  onChange: (range: EnergyRange) => void;
  /** The range to show when a kind is chosen: the current day, week, ... */
  current: (kind: RangeKind) => EnergyRange;
}

/** A day, week, month or year with steps back and forth, or custom days. */
export function RangePicker({ value, onChange, current }: RangePickerProps) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div role="group" aria-label="Range" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300 ring-inset">
        {RANGE_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            aria-pressed={value.kind === kind}
            onClick={() => onChange(current(kind))}
            className={cn(
              'h-9 px-3 text-sm first:rounded-l-md last:rounded-r-md',
              value.kind === kind ? 'bg-sky-700 text-white' : 'bg-white text-slate-700 hover:bg-slate-50',
            )}
          >
            {RANGE_KIND_LABELS[kind]}
          </button>
        ))}
      </div>
      {value.kind === 'custom' ? (
        <>
          <Input
            label="From"
            type="date"
            value={value.from}
            max={value.to}
            onChange={(e) => e.target.value && onChange(rangeAround('custom', e.target.value, value.to))}
          />
          <Input
            label="To"
            type="date"
            value={value.to}
            min={value.from}
            onChange={(e) => e.target.value && onChange(rangeAround('custom', value.from, e.target.value))}
          />
        </>
      ) : (
        <div className="flex items-center gap-1">
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
