import { ActiveHoursFields } from '@/components/rules/sections/ActiveHoursFields';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { Card, CardBody, CardHeader, Checkbox, Input } from '@/components/ui';

interface TimingSectionProps extends RuleSectionProps {
  /** The factory's IANA time zone, in which the active hours are read. */
  timeZone: string;
}

/** How long the condition must hold, how often the rule may alert, when it resolves, active hours. */
export function TimingSection({ timeZone, ...section }: TimingSectionProps) {
  const { draft, onChange, errors, readOnly } = section;
  return (
    <Card>
      <CardHeader title="Timing" description={`Times are on the factory's clock (${timeZone}).`} />
      <CardBody className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <Input
          label="Sustained for at least (seconds)"
          inputMode="numeric"
          value={draft.forSeconds}
          onChange={(e) => onChange({ forSeconds: e.target.value })}
          error={errors.forSeconds}
          hint="0 alerts on the first reading that matches."
          disabled={readOnly}
        />
        <Input
          label="Cooldown (minutes)"
          inputMode="numeric"
          value={draft.cooldown}
          onChange={(e) => onChange({ cooldown: e.target.value })}
          error={errors.cooldown}
          hint="Least time between two alerts of one device."
          disabled={readOnly}
        />
        <Checkbox
          label="Resolve automatically"
          hint="Resolve the alert when the condition stops holding."
          checked={draft.autoResolve}
          onChange={(e) => onChange({ autoResolve: e.target.checked })}
          disabled={readOnly}
          className="md:mt-7"
        />
        <div className="md:col-span-3">
          <ActiveHoursFields {...section} />
        </div>
      </CardBody>
    </Card>
  );
}
