import { Button, Input } from '@/components/ui';
import { cn } from '@/lib/cn';
import { emptyPeriod, WEEKDAYS, type PeriodDraft, type TariffDraft, type TariffErrors } from '@/lib/tariff';

interface TariffEditorProps {
  value: TariffDraft;
  onChange: (value: TariffDraft) => void;
  currency: string;
  errors?: TariffErrors | null;
  disabled?: boolean;
}

const timeInput =
  'h-10 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 focus:outline-none focus:ring-2 focus:ring-sky-600';

function PeriodRow({
  period,
  index,
  currency,
  problems,
  disabled,
  onChange,
  onRemove,
}: {
  period: PeriodDraft;
  index: number;
  currency: string;
  problems?: string[];
  disabled?: boolean;
  onChange: (p: PeriodDraft) => void;
  onRemove: () => void;
}) {
  const label = `Period ${index + 1}`;
  return (
    <fieldset
      aria-label={label}
      className={cn('rounded-md border bg-white p-3', problems?.length ? 'border-red-300' : 'border-slate-200')}
    >
      <legend className="px-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{label}</legend>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-[1.2fr_auto_auto_1fr_auto] md:items-end">
        <Input
          label="Name"
          value={period.name}
          maxLength={64}
          placeholder="e.g. peak"
          disabled={disabled}
          onChange={(e) => onChange({ ...period, name: e.target.value })}
        />
        <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-700">
          Start
          <input
            type="time"
            className={timeInput}
            value={period.start}
            disabled={disabled}
            onChange={(e) => onChange({ ...period, start: e.target.value })}
          />
        </label>
        <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-700">
          End
          <input
            type="time"
            className={timeInput}
            value={period.end}
            disabled={disabled}
            onChange={(e) => onChange({ ...period, end: e.target.value })}
          />
        </label>
        <Input
          label={`Price per kWh (${currency})`}
          inputMode="decimal"
          value={period.price}
          disabled={disabled}
          onChange={(e) => onChange({ ...period, price: e.target.value })}
        />
        <Button variant="ghost" size="sm" onClick={onRemove} disabled={disabled} aria-label={`Remove ${label.toLowerCase()}`} className="md:mb-1">
          Remove
        </Button>
      </div>
      <fieldset className="mt-3">
        <legend className="text-sm font-medium text-slate-700">Days</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {WEEKDAYS.map((day, i) => (
            <label key={day} className="flex items-center gap-1.5 text-sm text-slate-700">
              <input
                type="checkbox"
                className="size-4 accent-sky-700"
                checked={period.days.includes(i)}
                disabled={disabled}
                onChange={(e) =>
                  onChange({
                    ...period,
                    days: e.target.checked ? [...period.days, i].sort((a, b) => a - b) : period.days.filter((d) => d !== i),
                  })
                }
              />
              {day}
            </label>
          ))}
        </div>
      </fieldset>
      {problems && problems.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-xs font-medium text-red-700">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** A flat price, or time-of-use periods over a default price. */
export function TariffEditor({ value, onChange, currency, errors, disabled }: TariffEditorProps) {
  const setPeriod = (key: string, next: PeriodDraft) =>
    onChange({ ...value, periods: value.periods.map((p) => (p.key === key ? next : p)) });

  return (
    <fieldset className="flex flex-col gap-4">
      <legend className="text-sm font-semibold text-slate-900">Tariff</legend>
      <div role="radiogroup" aria-label="Tariff kind" className="flex flex-wrap gap-4 text-sm text-slate-800">
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name="tariff-kind"
            className="accent-sky-700"
            checked={value.kind === 'flat'}
            disabled={disabled}
            onChange={() => onChange({ ...value, kind: 'flat', flatPrice: value.flatPrice || value.defaultPrice })}
          />
          Flat price
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name="tariff-kind"
            className="accent-sky-700"
            checked={value.kind === 'tou'}
            disabled={disabled}
            onChange={() => onChange({ ...value, kind: 'tou', defaultPrice: value.defaultPrice || value.flatPrice })}
          />
          Time of use
        </label>
      </div>

      {value.kind === 'flat' ? (
        <Input
          label={`Price per kWh (${currency})`}
          inputMode="decimal"
          value={value.flatPrice}
          error={errors?.flatPrice}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, flatPrice: e.target.value })}
          className="max-w-xs"
        />
      ) : (
        <>
          <Input
            label={`Default price per kWh (${currency})`}
            hint="Applies at every time no period covers."
            inputMode="decimal"
            value={value.defaultPrice}
            error={errors?.defaultPrice}
            disabled={disabled}
            onChange={(e) => onChange({ ...value, defaultPrice: e.target.value })}
            className="max-w-xs"
          />
          <div className="flex flex-col gap-3">
            {value.periods.length === 0 && (
              <p className="text-sm text-slate-500">No periods: every hour is charged at the default price.</p>
            )}
            {value.periods.map((p, i) => (
              <PeriodRow
                key={p.key}
                period={p}
                index={i}
                currency={currency}
                problems={errors?.periods[p.key]}
                disabled={disabled}
                onChange={(next) => setPeriod(p.key, next)}
                onRemove={() => onChange({ ...value, periods: value.periods.filter((x) => x.key !== p.key) })}
              />
            ))}
            <p className="text-xs text-slate-500">Times are the factory's local time. An end at midnight (00:00) means the end of the day.</p>
            <div>
              <Button
                variant="secondary"
                size="sm"
                disabled={disabled}
                onClick={() => onChange({ ...value, periods: [...value.periods, emptyPeriod()] })}
              >
                Add period
              </Button>
            </div>
          </div>
        </>
      )}
    </fieldset>
  );
}
