import { useState, type FormEvent } from 'react';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { Button, Card, CardBody, CardHeader, Checkbox, combineQueries, DateRangeForm, ErrorDetailsBanner, Input, QueryState, Select } from '@/components/ui';
import { useParametersOfDevices } from '@/hooks/useDevices';
import { useCreateAnalyticsJob } from '@/hooks/useJobs';
import {
  ANALYTICS_MAX_DEVICES,
  ANOMALY_MAX_PARAMETERS,
  buildAnalyticsJob,
  emptyAnalyticsDraft,
  type AnalyticsDraft,
  type AnalyticsField,
} from '@/lib/analyticsForm';
import { cn } from '@/lib/cn';
import { toggled } from '@/lib/lists';
import { RELATIVE_RANGES } from '@/lib/periods';
import { ANOMALY_RESOLUTIONS, type AnalyticsJob, type AnalyticsKind, type AnomalyResolution, type ForecastGranularity } from '@/types/jobs';
import type { DeviceParameter } from '@/types/device';

const KINDS: { kind: AnalyticsKind; label: string; hint: string }[] = [
  { kind: 'anomaly', label: 'Anomaly detection', hint: 'Moments where parameters behave unlike the rest of the range (isolation forest).' },
  { kind: 'forecast', label: 'Energy forecast', hint: 'Energy of the coming days from the history, with an uncertainty band.' },
];

const RESOLUTION_LABELS: Record<AnomalyResolution, string> = {
  auto: 'Automatic',
  '1m': '1 minute',
  '5m': '5 minutes',
  '15m': '15 minutes',
  '1h': '1 hour',
};

/** Each parameter key the devices report, once, in key order. */
function distinctByKey(lists: DeviceParameter[][]): DeviceParameter[] {
  const keys = new Map<string, DeviceParameter>();
  lists.forEach((list) => list.forEach((p) => keys.has(p.parameter_key) || keys.set(p.parameter_key, p)));
  return [...keys.values()].sort((a, b) => a.parameter_key.localeCompare(b.parameter_key));
}

function ParameterChoice({
  deviceIds,
  selected,
  onChange,
  error,
}: {
  deviceIds: number[];
  selected: string[];
  onChange: (keys: string[]) => void;
  error?: string;
}) {
  const parameters = combineQueries(useParametersOfDevices(deviceIds));
  const full = selected.length >= ANOMALY_MAX_PARAMETERS;
  return (
    <fieldset className="flex flex-col gap-1.5">
      <legend className="mb-1.5 text-sm font-medium text-slate-700">
        Parameters <span className="font-normal text-slate-500">({selected.length} of at most {ANOMALY_MAX_PARAMETERS})</span>
      </legend>
      {deviceIds.length === 0 ? (
        <p className="text-sm text-slate-500">Choose devices first.</p>
      ) : (
        <QueryState
          query={parameters}
          loadingLabel="Loading parameters"
          errorTitle="Could not load the parameters"
          isEmpty={(lists) => lists.every((list) => list.length === 0)}
          empty={<p className="text-sm text-slate-500">These devices have reported no parameters yet.</p>}
          loadingClassName="py-4"
        >
          {(lists) => (
            <div className="grid max-h-48 grid-cols-1 gap-1 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 sm:grid-cols-2">
              {distinctByKey(lists).map((p) => (
                <Checkbox
                  key={p.parameter_key}
                  label={
                    <span>
                      <span className="font-mono text-xs">{p.parameter_key}</span>
                      {p.display_name && <span className="text-slate-500"> · {p.display_name}</span>}
                    </span>
                  }
                  checked={selected.includes(p.parameter_key)}
                  disabled={!selected.includes(p.parameter_key) && full}
                  onChange={(e) => onChange(toggled(selected, p.parameter_key, e.target.checked))}
                />
              ))}
            </div>
          )}
        </QueryState>
      )}
      {error && (
        <p role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Starts an anomaly detection or an energy forecast; the job then runs in the background. */
export function StartJobForm({ timeZone, onStarted }: { timeZone: string; onStarted: (job: AnalyticsJob) => void }) {
  const create = useCreateAnalyticsJob();
  const [draft, setDraft] = useState<AnalyticsDraft>(() => emptyAnalyticsDraft());
  const [errors, setErrors] = useState<Partial<Record<AnalyticsField, string>>>({});
  const set = (changes: Partial<AnalyticsDraft>) => setDraft((d) => ({ ...d, ...changes }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: problems } = buildAnalyticsJob(draft, timeZone);
    setErrors(problems);
    if (!body) return;
    create.mutate(body, { onSuccess: onStarted });
  };

  return (
    <Card>
      <CardHeader title="Start an analysis" description="Runs in the background; the list below shows its progress." />
      <CardBody>
        <form onSubmit={submit} noValidate className="flex flex-col gap-5" aria-label="Start an analysis">
          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-slate-700">Analysis</legend>
            <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
              {KINDS.map((k) => (
                <label
                  key={k.kind}
                  className={cn(
                    'flex cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-sky-600',
                    draft.kind === k.kind ? 'border-sky-600 bg-sky-50' : 'border-slate-300 bg-white hover:bg-slate-50',
                  )}
                >
                  <input
                    type="radio"
                    name="analytics-kind"
                    checked={draft.kind === k.kind}
                    onChange={() => setDraft((d) => ({ ...emptyAnalyticsDraft(k.kind), deviceIds: d.deviceIds }))}
                    className="mt-0.5 accent-sky-700"
                  />
                  <span>
                    <span className="block font-medium text-slate-900">{k.label}</span>
                    <span className="block text-xs text-slate-500">{k.hint}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
            <DevicePicker
              label="Devices"
              selected={draft.deviceIds}
              onChange={(deviceIds) => set({ deviceIds, parameters: draft.parameters })}
              max={ANALYTICS_MAX_DEVICES}
              error={errors.devices}
            />
            {draft.kind === 'anomaly' ? (
              <ParameterChoice deviceIds={draft.deviceIds} selected={draft.parameters} onChange={(parameters) => set({ parameters })} error={errors.parameters} />
            ) : (
              <p className="text-sm text-slate-600">
                Energy is read from each device’s parameter with the <em>energy counter</em> role, else its <em>active power</em> role,
                and summed over the devices.
              </p>
            )}
          </div>
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <DateRangeForm
              label="Range"
              presets={RELATIVE_RANGES}
              precision="minute"
              value={{ preset: draft.range, from: draft.from, to: draft.to }}
              onChange={({ preset, from, to }) => set({ range: preset || '24h', from, to })}
              error={errors.range}
              timeZone={timeZone}
              className="sm:col-span-2 lg:col-span-4"
            />
            {draft.kind === 'anomaly' ? (
              <>
                <Input
                  label="Expected anomalies (%)"
                  inputMode="decimal"
                  value={draft.contaminationPct}
                  onChange={(e) => set({ contaminationPct: e.target.value })}
                  error={errors.contamination}
                  hint="Share of moments expected to be unusual."
                />
                <Select label="Resolution" value={draft.resolution} onChange={(e) => set({ resolution: e.target.value as AnomalyResolution })}>
                  {ANOMALY_RESOLUTIONS.map((r) => (
                    <option key={r} value={r}>
                      {RESOLUTION_LABELS[r]}
                    </option>
                  ))}
                </Select>
              </>
            ) : (
              <>
                <Input
                  label="Forecast days"
                  inputMode="numeric"
                  value={draft.horizonDays}
                  onChange={(e) => set({ horizonDays: e.target.value })}
                  error={errors.horizon}
                />
                <Select label="Granularity" value={draft.granularity} onChange={(e) => set({ granularity: e.target.value as ForecastGranularity })}>
                  <option value="hourly">Hourly</option>
                  <option value="daily">Daily</option>
                </Select>
              </>
            )}
          </div>
          <ErrorDetailsBanner error={create.error} />
          <div className="flex justify-end">
            <Button type="submit" loading={create.isPending}>
              Start analysis
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
