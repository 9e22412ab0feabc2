import { useMemo } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { AXIS_TICK, GRID_STROKE } from '@/components/charts/chartTheme';
import { buildPanels, timeTicks } from '@/components/charts/panels';
import { cn } from '@/lib/cn';
import { formatAxisTime, formatDateTime, formatNumber, formatValue } from '@/lib/format';
import { parameterLabel } from '@/lib/parameters';
import type { HistorySeries } from '@/types/kpi';

export interface TelemetryChartProps {
  series: HistorySeries[];
  start: string | number;
  end: string | number;
  timeZone: string;
  /** Height of each panel in pixels. */
  panelHeight?: number;
  /** The accessible name of the figure, e.g. "Last 15 minutes". */
  title: string;
  /** Two panels side by side on wide screens, for the compact live view. */
  columns?: 1 | 2;
}

function toMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

function ChartTooltip({
  active,
  payload,
  label,
  unit,
  timeZone,
}: Pick<TooltipContentProps, 'active' | 'payload' | 'label'> & { unit: string; timeZone: string }) {
  if (!active || !payload?.length || label === undefined) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="mb-1 font-medium text-slate-700">{formatDateTime(Number(label), timeZone, true)}</p>
      <ul className="flex flex-col gap-0.5">
        {payload.map((entry) => (
          <li key={String(entry.dataKey)} className="flex items-center gap-2">
            <span aria-hidden="true" className="size-2 rounded-full" style={{ background: entry.color }} />
            <span className="text-slate-600">{entry.name}</span>
            <span className="ml-auto pl-3 font-medium text-slate-900">
              {formatValue(typeof entry.value === 'number' ? entry.value : null, unit)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function TelemetryChart({
  series,
  start,
  end,
  timeZone,
  panelHeight = 220,
  title,
  columns = 1,
}: TelemetryChartProps) {
  const panels = useMemo(() => buildPanels(series), [series]);
  const startMs = toMs(start);
  const endMs = toMs(end);
  const domain: [number, number] = [startMs, endMs];
  const span = (endMs - startMs) / 1000;
  const ticks = useMemo(() => timeTicks(startMs, endMs, timeZone), [startMs, endMs, timeZone]);
  const summary = `${title}: ${series.map((s) => parameterLabel(s)).join(', ')}`;

  return (
    <figure
      role="img"
      aria-label={summary}
      className={cn('grid grid-cols-1 gap-x-6 gap-y-4', columns === 2 && panels.length > 1 && 'xl:grid-cols-2')}
    >
      {panels.map((panel) => (
        <div key={panel.unit} data-testid="chart-panel" className="min-w-0">
          <p className="mb-1 flex flex-wrap items-center gap-x-3 gap-y-0.5 text-xs text-slate-600">
            {panel.series.map((s) => (
              <span key={s.key} className="inline-flex items-center gap-1.5">
                <span aria-hidden="true" className="h-0.5 w-3 rounded" style={{ background: s.color }} />
                {s.label}
              </span>
            ))}
            {panel.unit && <span className="text-slate-400">{panel.unit}</span>}
          </p>
          <ResponsiveContainer width="100%" height={panelHeight} initialDimension={{ width: 600, height: panelHeight }}>
            <LineChart data={panel.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={domain}
                allowDataOverflow
                ticks={ticks}
                tick={AXIS_TICK}
                tickFormatter={(v: number) => formatAxisTime(v, timeZone, span)}
                minTickGap={40}
              />
              <YAxis
                tick={AXIS_TICK}
                width={64}
                domain={['auto', 'auto']}
                tickFormatter={(v: number) => formatNumber(v)}
                label={
                  panel.unit
                    ? { value: panel.unit, angle: -90, position: 'insideLeft', style: { fontSize: 11, fill: '#475569' } }
                    : undefined
                }
              />
              <Tooltip content={(props) => <ChartTooltip {...props} unit={panel.unit} timeZone={timeZone} />} />
              {panel.series.map((s) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  strokeWidth={1.75}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls={false}
                  type="monotone"
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ))}
    </figure>
  );
}
