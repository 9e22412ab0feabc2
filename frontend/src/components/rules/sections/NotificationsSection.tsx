import { FieldError } from '@/components/rules/sections/FieldError';
import { RecipientUsers } from '@/components/rules/sections/RecipientUsers';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { Button, Card, CardBody, CardHeader, Checkbox, Input, Textarea } from '@/components/ui';
import { ESCALATION_STEPS_MAX, type EscalationStepDraft } from '@/lib/ruleForm';
import { toggled } from '@/lib/lists';
import { PERMISSION_LABELS } from '@/lib/permissions';
import { PERMISSIONS } from '@/types/auth';
import type { Channel } from '@/types/rules';

const CHANNELS: { id: Channel; label: string }[] = [
  { id: 'email', label: 'Email' },
  { id: 'whatsapp', label: 'WhatsApp' },
];

/** The channels that notify people of an alert, and who they are. */
export function NotificationsSection({ draft, onChange, errors, readOnly }: RuleSectionProps) {
  return (
    <Card>
      <CardHeader title="Notifications" description="Alerts always appear in the app; these channels notify people as well." />
      <CardBody className="grid grid-cols-1 gap-5 md:grid-cols-2">
        <fieldset disabled={readOnly} className="md:col-span-2">
          <legend className="mb-1.5 text-sm font-medium text-slate-700">Channels</legend>
          <div className="flex flex-wrap gap-5">
            {CHANNELS.map((c) => (
              <Checkbox
                key={c.id}
                label={c.label}
                checked={draft.channels.includes(c.id)}
                onChange={(e) => onChange({ channels: toggled(draft.channels, c.id, e.target.checked) })}
              />
            ))}
          </div>
        </fieldset>
        <fieldset disabled={readOnly}>
          <legend className="mb-1.5 text-sm font-medium text-slate-700">Everyone with the permission</legend>
          <div className="flex flex-col gap-1">
            {PERMISSIONS.map((p) => (
              <Checkbox
                key={p}
                label={PERMISSION_LABELS[p].label}
                checked={draft.recipientPermissions.includes(p)}
                onChange={(e) => onChange({ recipientPermissions: toggled(draft.recipientPermissions, p, e.target.checked) })}
              />
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-500">Super admins hold every permission.</p>
        </fieldset>
        <RecipientUsers
          selected={draft.recipientUserIds}
          onChange={(recipientUserIds) => onChange({ recipientUserIds })}
          disabled={readOnly}
        />
        <Textarea
          label="Other email addresses"
          value={draft.emails}
          onChange={(e) => onChange({ emails: e.target.value })}
          error={errors.emails}
          hint="One per line."
          disabled={readOnly}
        />
        <Textarea
          label="WhatsApp numbers"
          value={draft.phones}
          onChange={(e) => onChange({ phones: e.target.value })}
          error={errors.phones}
          hint="International form, one per line, e.g. +4915112345678."
          disabled={readOnly}
        />
        <FieldError message={errors.recipients} className="md:col-span-2" />
        <Checkbox
          label="Tell them when the alert resolves"
          checked={draft.notifyOnResolve}
          onChange={(e) => onChange({ notifyOnResolve: e.target.checked })}
          disabled={readOnly}
          className="md:col-span-2"
        />
        <EscalationFields draft={draft} onChange={onChange} errors={errors} readOnly={readOnly} />
      </CardBody>
    </Card>
  );
}

/** Rounds of notifications while nobody acknowledges the alert. */
function EscalationFields({ draft, onChange, errors, readOnly }: RuleSectionProps) {
  const steps = draft.escalationSteps;
  const setStep = (index: number, changes: Partial<EscalationStepDraft>) =>
    onChange({ escalationSteps: steps.map((s, i) => (i === index ? { ...s, ...changes } : s)) });
  return (
    <fieldset disabled={readOnly} className="flex flex-col gap-3 md:col-span-2" aria-label="Escalation">
      <legend className="mb-1.5 text-sm font-medium text-slate-700">Escalation while unacknowledged</legend>
      <Input
        label="Notify the recipients again every (minutes)"
        inputMode="decimal"
        value={draft.repeatMinutes}
        onChange={(e) => onChange({ repeatMinutes: e.target.value })}
        hint="Empty: no reminders. Acknowledging or snoozing the alert stops them."
        className="max-w-sm"
      />
      {steps.map((step, index) => (
        <div key={index} className="grid grid-cols-1 gap-3 rounded-md border border-slate-200 p-3 md:grid-cols-3">
          <Input
            label={`Step ${index + 1}: after minutes`}
            inputMode="decimal"
            value={step.afterMinutes}
            onChange={(e) => setStep(index, { afterMinutes: e.target.value })}
          />
          <Textarea label="Also email" value={step.emails} onChange={(e) => setStep(index, { emails: e.target.value })} hint="One per line." />
          <Textarea
            label="Also WhatsApp"
            value={step.phones}
            onChange={(e) => setStep(index, { phones: e.target.value })}
            hint="International form."
          />
          {!readOnly && (
            <div className="md:col-span-3">
              <Button size="sm" variant="secondary" onClick={() => onChange({ escalationSteps: steps.filter((_, i) => i !== index) })}>
                Remove step {index + 1}
              </Button>
            </div>
          )}
        </div>
      ))}
      {!readOnly && steps.length < ESCALATION_STEPS_MAX && (
        <div>
          <Button
            size="sm"
            variant="secondary"
            onClick={() => onChange({ escalationSteps: [...steps, { afterMinutes: '30', emails: '', phones: '' }] })}
          >
            Add an escalation step
          </Button>
        </div>
      )}
      <FieldError message={errors.escalation} />
    </fieldset>
  );
}
