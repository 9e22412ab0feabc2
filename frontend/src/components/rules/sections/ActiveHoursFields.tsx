import { FieldError } from '@/components/rules/sections/FieldError';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { Checkbox, Input } from '@/components/ui';
import { toggled } from '@/lib/lists';
import { WEEKDAYS } from '@/lib/ruleForm';

/** The weekly window in which the rule may alert: days, and a clock range that may span midnight. */
export function ActiveHoursFields({ draft, onChange, errors, readOnly }: RuleSectionProps) {
  return (
    <div className="flex flex-col gap-3">
      <Checkbox
        label="Only during active hours"
        checked={draft.scheduleOn}
        onChange={(e) => onChange({ scheduleOn: e.target.checked })}
        disabled={readOnly}
      />
      {draft.scheduleOn && (
        <div className="flex flex-wrap items-end gap-4 rounded-md border border-slate-200 bg-slate-50/60 p-3">
          <fieldset disabled={readOnly}>
            <legend className="mb-1.5 text-sm font-medium text-slate-700">Days</legend>
            <div className="flex flex-wrap gap-3">
              {WEEKDAYS.map((day, i) => (
                <Checkbox
                  key={day}
                  label={day}
                  checked={draft.days.includes(i)}
                  onChange={(e) => onChange({ days: toggled(draft.days, i, e.target.checked) })}
                />
              ))}
            </div>
          </fieldset>
          <Input
            label="From"
            type="time"
            value={draft.start}
            onChange={(e) => onChange({ start: e.target.value })}
            disabled={readOnly}
            className="w-32"
          />
          <Input
            label="Until"
            type="time"
            value={draft.end}
            onChange={(e) => onChange({ end: e.target.value })}
            disabled={readOnly}
            className="w-32"
            hint="00:00 is the end of the day"
          />
          <p className="text-xs text-slate-500">A start later than the end spans midnight.</p>
          <FieldError message={errors.schedule} className="w-full" />
        </div>
      )}
    </div>
  );
}
