import { useState, type FormEvent } from 'react';
import { NodeSelect } from '@/components/assets/NodeSelect';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { Checkbox, ErrorDetailsBanner, FormDialog, Input, Select, Textarea } from '@/components/ui';
import { useSaveReportSchedule } from '@/hooks/useJobs';
import {
  buildSchedule,
  CADENCE_LABELS,
  REPORT_DEVICES_MAX,
  REPORT_FORMAT_LABELS,
  REPORT_KIND_LABELS,
  scheduleChanges,
  scheduleDraftOf,
  type ScheduleDraft,
  type ScheduleField,
} from '@/lib/reportForm';
import { CADENCES, REPORT_KINDS, type Cadence, type ReportFormat, type ReportKind, type ReportSchedule } from '@/types/jobs';

interface ScheduleDialogProps {
  schedule: ReportSchedule | null;
  timeZone: string;
  onClose: () => void;
}

/** Creates or edits a report sent by email every day, week or month. */
export function ScheduleDialog({ schedule, timeZone, onClose }: ScheduleDialogProps) {
  const save = useSaveReportSchedule(schedule?.id ?? null);
  const [draft, setDraft] = useState<ScheduleDraft>(() => scheduleDraftOf(schedule));
  const [errors, setErrors] = useState<Partial<Record<ScheduleField, string>>>({});
  const set = (changes: Partial<ScheduleDraft>) => setDraft((d) => ({ ...d, ...changes }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: problems } = buildSchedule(draft);
    setErrors(problems);
    if (!body) return;
    const payload = schedule ? scheduleChanges(schedule, body) : body;
    if (schedule && Object.keys(payload).length === 0) {
      onClose();
      return;
    }
    save.mutate(payload, { onSuccess: onClose });
  };

  return (
    <FormDialog
      formId="schedule-form"
      title={schedule ? `Edit ${schedule.name}` : 'New report schedule'}
      description={`Sent by email at ${schedule?.run_at_local ?? '06:00'} on the factory's clock (${timeZone}).`}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      submitLabel={schedule ? 'Save schedule' : 'Create schedule'}
    >
      <ErrorDetailsBanner error={save.error} className="sm:col-span-2" />
      <Input label="Name" required value={draft.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} error={errors.name} className="sm:col-span-2" />
      <Select label="Report" value={draft.kind} onChange={(e) => set({ kind: e.target.value as ReportKind })}>
        {REPORT_KINDS.map((k) => (
          <option key={k} value={k}>
            {REPORT_KIND_LABELS[k]}
          </option>
        ))}
      </Select>
      <Select label="Format" value={draft.format} onChange={(e) => set({ format: e.target.value as ReportFormat })}>
        {(['pdf', 'xlsx'] as ReportFormat[]).map((f) => (
          <option key={f} value={f}>
            {REPORT_FORMAT_LABELS[f]}
          </option>
        ))}
      </Select>
      <Select label="Cadence" value={draft.cadence} onChange={(e) => set({ cadence: e.target.value as Cadence })} className="sm:col-span-2">
        {CADENCES.map((c) => (
          <option key={c} value={c}>
            {CADENCE_LABELS[c]}
          </option>
        ))}
      </Select>
      <Textarea
        label="Recipients"
        value={draft.recipients}
        onChange={(e) => set({ recipients: e.target.value })}
        error={errors.recipients}
        hint="Email addresses, one per line."
        className="sm:col-span-2"
      />
      <div className="flex flex-col gap-3 sm:col-span-2">
        <NodeSelect label="Asset node" value={draft.nodeId} onChange={(nodeId) => set({ nodeId })} noneLabel="None: choose devices" />
        {draft.nodeId === null && (
          <Checkbox label="All devices" checked={draft.allDevices} onChange={(e) => set({ allDevices: e.target.checked })} />
        )}
        {draft.nodeId === null && !draft.allDevices && (
          <DevicePicker label="Devices" selected={draft.deviceIds} onChange={(deviceIds) => set({ deviceIds })} max={REPORT_DEVICES_MAX} error={errors.devices} />
        )}
        <Checkbox label="Active" hint="An inactive schedule sends nothing; switching it back on starts from the next run." checked={draft.isActive} onChange={(e) => set({ isActive: e.target.checked })} />
      </div>
    </FormDialog>
  );
}
