import {
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { AXIS_TICK, GRID_STROKE, SERIES_COLORS } from '@/components/charts/chartTheme';
import { timeTicks } from '@/components/charts/panels';
import { formatAxisTime, formatDateTime, formatNumber } from '@/lib/format';
import type { AnomalyChartData } from '@/lib/jobResults';
import type { AnomalyWindow } from '@/types/jobs';

export interface AnomalyChartProps {
  data: AnomalyChartData;
  windows: AnomalyWindow[];
  timeZone: string;
  panelHeight?: number;
  /** Panels drawn; further series are only in the CSV. */
  maxPanels?: number;
}

const ANOMALY_COLOR = '#dc2626';

function AnomalyTooltip({ active, payload, label, timeZone }: Pick<TooltipContentProps, 'active' | 'payload' | 'label'> & { timeZone: string }) {
  if (!active || !payload?.length || label === undefined) return null;
  const row = payload[0]?.payload as { anomalous?: boolean } | undefined;
  const value = payload.find((p) => typeof p.value === 'number')?.value;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-slate-700">{formatDateTime(Number(label), timeZone, true)}</p>
      <p className="mt-0.5 text-slate-900">{formatNumber(typeof value === 'number' ? value : null)}</p>
      {row?.anomalous && <p className="mt-0.5 font-semibold text-red-700">Anomalous</p>}
    </div>
  );
}

/** One panel per series: its values, the anomalous moments as red dots, the anomaly windows shaded. */
export default function AnomalyChart({ data, windows, timeZone, panelHeight = 200, maxPanels = 6 }: AnomalyChartProps) {
  const first = data.rows[0]?.t ?? 0;
  const last = data.rows[data.rows.length - 1]?.t ?? 0;
  const ticks = timeTicks(first, last, timeZone);
  const span = (last - first) / 1000;
  const anomalous = data.rows.filter((r) => r.anomalous);
  return (
    <div className="flex flex-col gap-4">
      {data.labels.slice(0, maxPanels).map((label, i) => {
        const key = `s${i}` as const;
        const color = SERIES_COLORS[i % SERIES_COLORS.length];
        const points = anomalous.filter((r) => r[key] !== null && r[key] !== undefined).map((r) => ({ t: r.t, [key]: r[key], anomalous: true }));
        return (
          <figure key={label} role="img" aria-label={`${label}: ${points.length} anomalous points`} className="flex flex-col gap-1">
            <figcaption className="text-sm font-medium text-slate-700">{label}</figcaption>
            <ResponsiveContainer width="100%" height={panelHeight} initialDimension={{ width: 600, height: panelHeight }}>
              <ComposedChart data={data.rows} margin={{ top: 6, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={[first, last]}
                  ticks={ticks}
                  tick={AXIS_TICK}
                  tickFormatter={(v: number) => formatAxisTime(v, timeZone, span)}
                  minTickGap={40}
                />
                <YAxis tick={AXIS_TICK} width={56} tickFormatter={(v: number) => formatNumber(v)} domain={['auto', 'auto']} />
                {windows.map((w) => (
                  <ReferenceArea key={w.start} x1={Date.parse(w.start)} x2={Date.parse(w.end)} fill={ANOMALY_COLOR} fillOpacity={0.08} ifOverflow="hidden" />
                ))}
                <Tooltip content={(props) => <AnomalyTooltip {...props} timeZone={timeZone} />} />
                <Line dataKey={key} name={label} type="monotone" stroke={color} strokeWidth={1.5} dot={false} connectNulls={false} isAnimationActive={false} />
                <Scatter data={points} dataKey={key} name="Anomalous" fill={ANOMALY_COLOR} isAnimationActive={false} />
              </ComposedChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
      {data.labels.length > maxPanels && (
        <p className="text-xs text-slate-500">
          {data.labels.length - maxPanels} more series are in the CSV download.
        </p>
      )}
    </div>
  );
}
