import { useId } from 'react';
import { cn } from '@/lib/cn';

interface SegmentedControlProps<T extends string> {
  /** The group's visible legend. */
  label: string;
  options: readonly { id: T; label: string }[];
  value: T;
  onChange: (id: T) => void;
  className?: string;
}

/** One choice of a few, as joined buttons: radio inputs underneath, so arrows and forms work. */
export function SegmentedControl<T extends string>({ label, options, value, onChange, className }: SegmentedControlProps<T>) {
  const name = useId();
  return (
    <fieldset className={className}>
      <legend className="mb-1.5 text-sm font-medium text-slate-700">{label}</legend>
      <div className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white shadow-sm">
        {options.map((option) => (
          <label
            key={option.id}
            className={cn(
              'cursor-pointer border-l border-slate-300 px-3 py-1.5 text-sm first:border-l-0 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-sky-600',
              value === option.id ? 'bg-sky-700 font-medium text-white' : 'text-slate-700 hover:bg-slate-50',
            )}
          >
            <input
              type="radio"
              name={name}
              value={option.id}
              checked={value === option.id}
              onChange={() => onChange(option.id)}
              className="sr-only"
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
