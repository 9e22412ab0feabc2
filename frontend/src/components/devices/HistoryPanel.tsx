import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { exportTelemetryCsv } from '@/api/kpis';
import { AggregationSelector } from '@/components/charts/AggregationSelector';
import { TelemetryChart } from '@/components/charts/LazyCharts';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { Banner, Button, Card, CardBody, CardHeader, DateRangeForm, EmptyState, QueryState } from '@/components/ui';
import { useDeviceNames } from '@/hooks/useDevices';
import { useKPIHistories, useKPIHistory } from '@/hooks/useKPIHistory';
import { overlaySeries } from '@/lib/comparison';
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

/** Devices whose history may be overlaid on this one's, besides the device itself. */
const COMPARE_MAX = 5;

const AGG_WORDS: Record<Aggregation, string> = { mean: 'average', min: 'minimum', max: 'maximum', last: 'last value' };

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

  const chooseRange = (choice: RangeChoice | '') => {
    if (!choice) return;
    setRange(choice);
    if (choice !== 'custom') setTimeWindow(presetWindow(choice));
  };
  // The custom inputs start from the range on screen.
  const shown = resolveWindow(timeWindow);
  const rangeValue = {
    preset: range,
    from: instantToZonedWallTime(new Date(shown.start), timeZone),
    to: instantToZonedWallTime(new Date(shown.end), timeZone),
  };
  const applyRange = ({ from, to }: { from: string; to: string }) => {
    const start = zonedWallTimeToInstant(from, timeZone);
    const end = zonedWallTimeToInstant(to, timeZone);
    if (start && end) setTimeWindow({ kind: 'absolute', start: start.toISOString(), end: end.toISOString() });
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
          <DateRangeForm
            label="Range"
            look="buttons"
            presets={RANGE_PRESETS}
            customLabel="Custom"
            precision="minute"
            requireBoth
            value={rangeValue}
            onChange={({ preset }) => chooseRange(preset)}
            onApply={applyRange}
            timeZone={timeZone}
          />
          <AggregationSelector value={agg} onChange={setAgg} className="w-40" />
        </div>
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
        ) : (
          <QueryState
            query={history}
            loadingLabel="Loading history"
            errorTitle="Could not load the history"
            isEmpty={() => series.length === 0}
            empty={<EmptyState title="No parameters to show" description="Select KPI parameters in the table below, or pick parameters above." />}
            loadingClassName="h-56 items-center"
          >
            {(loaded) =>
              !hasPoints ? (
                <EmptyState title="No data in this range" description="The device sent nothing for these parameters in this period." />
              ) : (
                <>
                  <TelemetryChart series={series} start={loaded.start} end={loaded.end} timeZone={timeZone} title="History" columns={2} />
                  <p className="text-xs text-slate-500">
                    Each point is the {AGG_WORDS[loaded.agg]} over {formatDuration(loaded.interval_seconds)}.
                  </p>
                </>
              )
            }
          </QueryState>
        )}
      </CardBody>
    </Card>
  );
}
