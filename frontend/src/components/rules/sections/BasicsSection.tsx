import { Card, CardBody, CardHeader, Checkbox, Input, Select, Textarea } from '@/components/ui';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { SEVERITY_LABELS } from '@/lib/ruleForm';
import { SEVERITIES, type Severity } from '@/types/rules';

/** Name, severity, description and whether the rule is active. */
export function BasicsSection({ draft, onChange, errors, readOnly }: RuleSectionProps) {
  return (
    <Card>
      <CardHeader title="Rule" />
      <CardBody className="grid grid-cols-1 gap-4 md:grid-cols-[2fr_1fr]">
        <Input
          label="Name"
          required
          value={draft.name}
          maxLength={200}
          onChange={(e) => onChange({ name: e.target.value })}
          error={errors.name}
          disabled={readOnly}
        />
        <Select
          label="Severity"
          value={draft.severity}
          onChange={(e) => onChange({ severity: e.target.value as Severity })}
          disabled={readOnly}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {SEVERITY_LABELS[s]}
            </option>
          ))}
        </Select>
        <Textarea
          label="Description"
          value={draft.description}
          maxLength={2000}
          rows={2}
          onChange={(e) => onChange({ description: e.target.value })}
          disabled={readOnly}
          hint="What the alert means and what to do about it; it goes into the notification."
          className="md:col-span-2"
        />
        <Checkbox
          label="Active"
          hint="An inactive rule raises no alerts; its open alerts stay open."
          checked={draft.isActive}
          onChange={(e) => onChange({ isActive: e.target.checked })}
          disabled={readOnly}
        />
      </CardBody>
    </Card>
  );
}
