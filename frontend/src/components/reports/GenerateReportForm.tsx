import { useState, type FormEvent } from 'react';
import { getErrorMessage } from '@/api/errors';
import { NodeSelect } from '@/components/assets/NodeSelect';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { Banner, Button, Card, CardBody, CardHeader, Checkbox, DateRangeForm, SegmentedControl, Select } from '@/components/ui';
import { useCreateReport } from '@/hooks/useJobs';
import { DAY_PRESET_LABELS, DAY_PRESETS } from '@/lib/periods';
import {
  buildReport,
  emptyReportDraft,
  REPORT_DEVICES_MAX,
  REPORT_FORMAT_LABELS,
  REPORT_KIND_LABELS,
  type ReportDraft,
  type ReportField,
} from '@/lib/reportForm';
import { REPORT_KINDS, type ReportFormat, type ReportKind } from '@/types/jobs';

const REPORT_FORMATS = (['pdf', 'xlsx'] as ReportFormat[]).map((f) => ({ id: f, label: REPORT_FORMAT_LABELS[f] }));

/** Requests a PDF or Excel report; it is generated in the background and appears in the list. */
export function GenerateReportForm({ timeZone }: { timeZone: string }) {
  const create = useCreateReport();
  const [draft, setDraft] = useState<ReportDraft>(emptyReportDraft);
  const [errors, setErrors] = useState<Partial<Record<ReportField, string>>>({});
  const [queued, setQueued] = useState(false);
  const set = (changes: Partial<ReportDraft>) => {
    setQueued(false);
    setDraft((d) => ({ ...d, ...changes }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: problems } = buildReport(draft, timeZone);
    setErrors(problems);
    if (!body) return;
    create.mutate(body, { onSuccess: () => setQueued(true) });
  };

  return (
    <Card>
      <CardHeader title="Generate a report" description={`Whole days on the factory's clock (${timeZone}).`} />
      <CardBody>
        <form onSubmit={submit} noValidate className="flex flex-col gap-5" aria-label="Generate a report">
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Select label="Report" value={draft.kind} onChange={(e) => set({ kind: e.target.value as ReportKind })}>
              {REPORT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {REPORT_KIND_LABELS[k]}
                </option>
              ))}
            </Select>
            <SegmentedControl label="Format" options={REPORT_FORMATS} value={draft.format} onChange={(format) => set({ format })} />
            <DateRangeForm
              label="Period"
              presets={DAY_PRESETS.map((p) => ({ id: p, label: DAY_PRESET_LABELS[p] }))}
              customLabel="Custom days"
              precision="day"
              value={{ preset: draft.period, from: draft.from, to: draft.to }}
              onChange={({ preset, from, to }) => set({ period: preset || 'last7', from, to })}
              error={errors.period}
              timeZone={timeZone}
              className="sm:col-span-2"
            />
          </div>
          <div className="flex flex-col gap-3">
            <NodeSelect label="Asset node" value={draft.nodeId} onChange={(nodeId) => set({ nodeId })} noneLabel="None: choose devices" className="max-w-md" />
            {draft.nodeId === null && (
              <Checkbox label="All devices" checked={draft.allDevices} onChange={(e) => set({ allDevices: e.target.checked })} />
            )}
            {draft.nodeId === null && !draft.allDevices && (
              <DevicePicker label="Devices" selected={draft.deviceIds} onChange={(deviceIds) => set({ deviceIds })} max={REPORT_DEVICES_MAX} error={errors.devices} className="max-w-2xl" />
            )}
          </div>
          {create.isError && <Banner tone="danger">{getErrorMessage(create.error)}</Banner>}
          {queued && <Banner tone="success">The report is being generated; it appears below, ready to download when complete.</Banner>}
          <div className="flex justify-end">
            <Button type="submit" loading={create.isPending}>
              Generate report
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
