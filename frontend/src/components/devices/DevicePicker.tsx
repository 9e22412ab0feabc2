import { useId, useMemo, useState } from 'react';
import { CloseIcon, SearchIcon } from '@/components/icons';
import { QueryState } from '@/components/ui';
import { useDeviceDirectory } from '@/hooks/useDevices';
import { cn } from '@/lib/cn';

interface DevicePickerProps {
  /** The fieldset's legend, e.g. "Devices". */
  label: string;
  selected: number[];
  onChange: (ids: number[]) => void;
  /** Most devices that may be chosen (the API's limit for the request). */
  max?: number;
  hint?: string;
  error?: string | null;
  disabled?: boolean;
  className?: string;
}

/** Chooses devices from the factory's directory: a filter box, checkboxes and the chosen ones as chips. */
export function DevicePicker({ label, selected, onChange, max, hint, error, disabled = false, className }: DevicePickerProps) {
  const directory = useDeviceDirectory();
  const [filter, setFilter] = useState('');
  const hintId = useId();
  const errorId = useId();
  const devices = useMemo(() => directory.data?.devices ?? [], [directory.data]);
  const byId = useMemo(() => new Map(devices.map((d) => [d.id, d])), [devices]);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? devices.filter((d) =>
        [d.name, d.device_key, d.type, d.area].some((v) => v?.toLowerCase().includes(needle)),
      )
    : devices;
  const full = max !== undefined && selected.length >= max;

  const toggle = (id: number, checked: boolean) => {
    if (checked) {
      if (!selected.includes(id) && !full) onChange([...selected, id]);
    } else onChange(selected.filter((s) => s !== id));
  };

  return (
    <fieldset
      className={cn('flex min-w-0 flex-col gap-2', className)}
      aria-describedby={[hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined}
      disabled={disabled}
    >
      <legend className="mb-1.5 text-sm font-medium text-slate-700">
        {label}
        <span className="ml-1.5 font-normal text-slate-500">
          ({selected.length}
          {max !== undefined ? ` of at most ${max}` : ''} chosen)
        </span>
      </legend>
      {selected.length > 0 && (
        <ul aria-label={`Chosen ${label.toLowerCase()}`} className="flex flex-wrap gap-1.5">
          {selected.map((id) => {
            const name = byId.get(id)?.name ?? `Device #${id}`;
            return (
              <li key={id} className="inline-flex items-center gap-1 rounded-full bg-sky-50 py-0.5 pr-1 pl-2.5 text-xs font-medium text-sky-900 ring-1 ring-sky-200 ring-inset">
                {name}
                <button
                  type="button"
                  onClick={() => toggle(id, false)}
                  aria-label={`Remove ${name}`}
                  className="rounded-full p-0.5 hover:bg-sky-100 focus-visible:outline-2 focus-visible:outline-sky-600"
                >
                  <CloseIcon className="size-3" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="rounded-md border border-slate-300 bg-white shadow-sm">
        <div className="relative border-b border-slate-200">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400" />
          <input
            type="search"
            aria-label={`Filter ${label.toLowerCase()}`}
            placeholder="Filter by name, key, type or area"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            className="h-9 w-full rounded-t-md bg-transparent pr-3 pl-8 text-sm focus:ring-2 focus:ring-sky-600 focus:outline-none"
          />
        </div>
        <QueryState
          query={directory}
          loadingLabel="Loading devices"
          errorTitle="Could not load the devices"
          isEmpty={() => shown.length === 0}
          empty={<p className="text-sm text-slate-500">{devices.length === 0 ? 'No devices yet.' : 'No device matches.'}</p>}
          inset
          loadingClassName="py-4"
        >
          {() => (
            <ul className="max-h-48 divide-y divide-slate-100 overflow-y-auto">
              {shown.map((d) => {
                const checked = selected.includes(d.id);
                return (
                  <li key={d.id}>
                    <label className={cn('flex cursor-pointer items-center gap-2 px-3 py-1.5 text-sm hover:bg-slate-50', !checked && full && 'cursor-not-allowed opacity-60')}>
                      <input
                        type="checkbox"
                        className="size-4 accent-sky-700"
                        checked={checked}
                        disabled={!checked && full}
                        onChange={(e) => toggle(d.id, e.target.checked)}
                      />
                      <span className="truncate font-medium text-slate-800">{d.name}</span>
                      <span className="truncate font-mono text-xs text-slate-500">{d.device_key}</span>
                      {(d.type || d.area) && (
                        <span className="ml-auto truncate text-xs text-slate-500">{[d.type, d.area].filter(Boolean).join(' · ')}</span>
                      )}
                    </label>
                  </li>
                );
              })}
            </ul>
          )}
        </QueryState>
      </div>
      {hint && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {directory.data && !directory.data.complete && (
        <p className="text-xs text-amber-800">Showing the first {devices.length} of {directory.data.total} devices by name.</p>
      )}
      {error && (
        <p id={errorId} role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}
