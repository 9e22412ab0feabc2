import { useState, type FormEvent } from 'react';
import { getErrorMessage } from '@/api/errors';
import { exportTelemetryCsv } from '@/api/kpis';
import { AggregationSelector } from '@/components/charts/AggregationSelector';
import { TelemetryChart } from '@/components/charts/LazyCharts';
import { Banner, Button, Card, CardBody, CardHeader, EmptyState, ErrorState, Spinner } from '@/components/ui';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { useDeviceNames } from '@/hooks/useDevices';
import { useKPIHistories, useKPIHistory } from '@/hooks/useKPIHistory';
import { overlaySeries } from '@/lib/comparison';
import { cn } from '@/lib/cn';
import { saveBlob } from '@/lib/download';
import { formatDuration } from '@/lib/format';
import { parameterLabel } from '@/lib/parameters';
import { presetWindow, RANGE_PRESETS, resolveWindow, type RangeChoice, type TimeWindow } from '@/lib/ranges';
import { instantToZonedWallTime, zonedWallTimeToInstant } from '@/lib/time';
import type { DeviceParameter } from '@/types/device';
import type { Aggregation } from '@/types/kpi';

interface HistoryPanelProps {
  deviceId: number;
  parameters: DeviceParameter[];
  timeZone: string;
}

const RANGE_OPTIONS: { id: RangeChoice; label: string }[] = [
  ...RANGE_PRESETS.map((p) => ({ id: p.id, label: p.label })),
  { id: 'custom', label: 'Custom' },
];

/** Devices whose history may be overlaid on this one's, besides the device itself. */
const COMPARE_MAX = 5;

const AGG_WORDS: Record<Aggregation, string> = { mean: 'average', min: 'minimum', max: 'maximum', last: 'last value' };

function CustomRangeForm({
  timeZone,
  initial,
  onApply,
}: {
  timeZone: string;
  initial: { start: string; end: string };
  onApply: (window: TimeWindow) => void;
}) {
  const [from, setFrom] = useState(() => instantToZonedWallTime(new Date(initial.start), timeZone));
  const [to, setTo] = useState(() => instantToZonedWallTime(new Date(initial.end), timeZone));
  const [error, setError] = useState<string | null>(null);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const start = zonedWallTimeToInstant(from, timeZone);
    const end = zonedWallTimeToInstant(to, timeZone);
    if (!start || !end) {
      setError('Enter both a start and an end.');
      return;
    }
    if (end <= start) {
      setError('The end must be after the start.');
      return;
    }
    setError(null);
    onApply({ kind: 'absolute', start: start.toISOString(), end: end.toISOString() });
  };

  return (
    <form onSubmit={apply} noValidate className="flex flex-wrap items-end gap-3">
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        From
        <input
          type="datetime-local"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          className="h-9 rounded-md border border-slate-300 px-2 text-sm"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        To
        <input
          type="datetime-local"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          className="h-9 rounded-md border border-slate-300 px-2 text-sm"
        />
      </label>
      <Button type="submit" variant="secondary" size="sm" className="mb-0.5">
        Apply
      </Button>
      <p className="mb-2 text-xs text-slate-500">Times in {timeZone}</p>
      {error && (
        <p role="alert" className="w-full text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}

function ParameterPicker({
  parameters,
  selected,
  onChange,
}: {
  parameters: DeviceParameter[];
  selected: string[];
  onChange: (keys: string[]) => void;
}) {
  return (
    <details className="group rounded-md border border-slate-200 bg-slate-50/60 px-3 py-2 text-sm">
      <summary className="cursor-pointer font-medium text-slate-700 select-none">
        Parameters <span className="font-normal text-slate-500">({selected.length} shown)</span>
      </summary>
      <fieldset className="mt-2">
        <legend className="sr-only">Parameters shown in the chart</legend>
        <div className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-3">
          {parameters.map((p) => (
            <label key={p.id} className="flex items-center gap-2 text-slate-700">
              <input
                type="checkbox"
                className="size-4 accent-sky-700"
                checked={selected.includes(p.parameter_key)}
                onChange={(e) =>
                  onChange(
                    e.target.checked
                      ? [...selected, p.parameter_key]
                      : selected.filter((key) => key !== p.parameter_key),
                  )
                }
              />
              <span className="truncate">{parameterLabel(p)}</span>
              {p.unit && <span className="text-xs text-slate-400">{p.unit}</span>}
            </label>
          ))}
        </div>
      </fieldset>
    </details>
  );
}

/** Telemetry over a chosen range and aggregation, with a CSV export of the same data. */
export function HistoryPanel({ deviceId, parameters, timeZone }: HistoryPanelProps) {
  const [range, setRange] = useState<RangeChoice>('24h');
  const [timeWindow, setTimeWindow] = useState<TimeWindow>(presetWindow('24h'));
  const [agg, setAgg] = useState<Aggregation>('mean');
  // Null until the user picks: the chart then follows the device's KPI selection.
  const [picked, setPicked] = useState<string[] | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);

  const kpiKeys = parameters.filter((p) => p.is_kpi_selected).map((p) => p.parameter_key);
  const shownKeys = picked ?? kpiKeys;
  const history = useKPIHistory(
    deviceId,
    { window: timeWindow, agg, parameters: picked ?? undefined },
    { enabled: picked === null || picked.length > 0 },
  );
  const nothingPicked = picked !== null && picked.length === 0;
  // Other devices overlaid on the chart: the same parameter keys over the same window.
  const [compared, setCompared] = useState<number[]>([]);
  const others = compared.filter((id) => id !== deviceId);
  const deviceName = useDeviceNames();
  const comparedHistories = useKPIHistories(others, { window: timeWindow, agg, parameters: shownKeys });

  const chooseRange = (choice: RangeChoice) => {
    setRange(choice);
    if (choice !== 'custom') setTimeWindow(presetWindow(choice));
  };

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const { start, end } = resolveWindow(timeWindow);
      const file = await exportTelemetryCsv(deviceId, {
        start,
        end,
        parameters: shownKeys.length > 0 ? shownKeys : undefined,
      });
      saveBlob(file.blob, file.filename);
    } catch (err) {
      setExportError(getErrorMessage(err, 'The export failed.'));
    } finally {
      setExporting(false);
    }
  };

  const data = history.data;
  const series =
    data && others.length > 0
      ? overlaySeries([
          { deviceName: deviceName(deviceId), series: data.series },
          ...others.map((id, i) => ({ deviceName: deviceName(id), series: comparedHistories[i]?.data?.series ?? [] })),
        ])
      : (data?.series ?? []);
  const comparisonError = comparedHistories.find((q) => q.isError)?.error;
  const hasPoints = series.some((s) => s.points.some(([, v]) => v !== null));

  return (
    <Card>
      <CardHeader
        title="History"
        description="Aggregated telemetry in the factory's time zone."
        actions={
          <Button variant="secondary" size="sm" onClick={() => void exportCsv()} loading={exporting}>
            Export CSV
          </Button>
        }
      />
      <CardBody className="flex flex-col gap-4">
        <div className="flex flex-wrap items-end gap-4">
          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-slate-700">Range</legend>
            <div className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white shadow-sm">
              {RANGE_OPTIONS.map(
                (option) => (
                  <label
                    key={option.id}
                    className={cn(
                      'cursor-pointer border-l border-slate-300 px-3 py-1.5 text-sm first:border-l-0 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-sky-600',
                      range === option.id ? 'bg-sky-700 font-medium text-white' : 'text-slate-700 hover:bg-slate-50',
                    )}
                  >
                    <input
                      type="radio"
                      name={`history-range-${deviceId}`}
                      value={option.id}
                      checked={range === option.id}
                      onChange={() => chooseRange(option.id)}
                      className="sr-only"
                    />
                    {option.label}
                  </label>
                ),
              )}
            </div>
          </fieldset>
          <AggregationSelector value={agg} onChange={setAgg} className="w-40" />
        </div>
        {range === 'custom' && (
          <CustomRangeForm timeZone={timeZone} initial={resolveWindow(timeWindow)} onApply={setTimeWindow} />
        )}
        {parameters.length > 0 && <ParameterPicker parameters={parameters} selected={shownKeys} onChange={setPicked} />}
        <details className="rounded-md border border-slate-200 bg-slate-50/60 px-3 py-2 text-sm">
          <summary className="cursor-pointer font-medium text-slate-700 select-none">
            Compare with other devices <span className="font-normal text-slate-500">({others.length} chosen)</span>
          </summary>
          <DevicePicker
            label="Devices to compare"
            selected={others}
            onChange={setCompared}
            max={COMPARE_MAX}
            hint="Their parameters with the same keys are drawn on the same chart, one axis per unit."
            className="mt-2"
          />
        </details>
        {exportError && <Banner tone="danger">{exportError}</Banner>}
        {comparisonError != null && <Banner tone="warning">{`A compared device's history could not be loaded: ${getErrorMessage(comparisonError)}`}</Banner>}

        {nothingPicked ? (
          <EmptyState title="No parameters selected" description="Pick at least one parameter to chart." />
        ) : history.isPending ? (
          <div className="flex h-56 items-center justify-center">
            <Spinner label="Loading history" showLabel />
          </div>
        ) : history.isError ? (
          <ErrorState
            title="Could not load the history"
            message={getErrorMessage(history.error)}
            onRetry={() => void history.refetch()}
            retrying={history.isFetching}
          />
        ) : !data || series.length === 0 ? (
          <EmptyState
            title="No parameters to show"
            description="Select KPI parameters in the table below, or pick parameters above."
          />
        ) : !hasPoints ? (
          <EmptyState title="No data in this range" description="The device sent nothing for these parameters in this period." />
        ) : (
          <>
            <TelemetryChart series={series} start={data.start} end={data.end} timeZone={timeZone} title="History" columns={2} />
            <p className="text-xs text-slate-500">
              Each point is the {AGG_WORDS[data.agg]} over {formatDuration(data.interval_seconds)}.
            </p>
          </>
        )}
      </CardBody>
    </Card>
  );
}
