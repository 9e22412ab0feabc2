import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { AXIS_TICK, GRID_STROKE } from '@/components/charts/chartTheme';
import { timeTicks } from '@/components/charts/panels';
import { formatAxisTime, formatDateTime, formatValue } from '@/lib/format';
import type { ForecastRow } from '@/lib/jobResults';

export interface ForecastChartProps {
  rows: ForecastRow[];
  timeZone: string;
  unit: string;
  height?: number;
}

function ForecastTooltip({
  active,
  payload,
  label,
  timeZone,
  unit,
}: Pick<TooltipContentProps, 'active' | 'payload' | 'label'> & { timeZone: string; unit: string }) {
  if (!active || !payload?.length || label === undefined) return null;
  const row = payload[0]?.payload as ForecastRow | undefined;
  if (!row) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="mb-1 font-medium text-slate-700">{formatDateTime(Number(label), timeZone)}</p>
      {row.actual !== null && <p>Actual {formatValue(row.actual, unit)}</p>}
      {row.backtest !== null && <p>Back-test {formatValue(row.backtest, unit)}</p>}
      {row.forecast !== null && <p className="font-medium">Forecast {formatValue(row.forecast, unit)}</p>}
      {row.band && (
        <p className="text-slate-500">
          Likely between {formatValue(row.band[0], unit)} and {formatValue(row.band[1], unit)}
        </p>
      )}
    </div>
  );
}

/** Measured energy, the model's back-test over the last days, and the forecast with its uncertainty band. */
export default function ForecastChart({ rows, timeZone, unit, height = 300 }: ForecastChartProps) {
  const first = rows[0]?.t ?? 0;
  const last = rows[rows.length - 1]?.t ?? 0;
  const span = (last - first) / 1000;
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 700, height }}>
      <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[first, last]}
          ticks={timeTicks(first, last, timeZone)}
          tick={AXIS_TICK}
          tickFormatter={(v: number) => formatAxisTime(v, timeZone, span)}
          minTickGap={40}
        />
        <YAxis
          tick={AXIS_TICK}
          width={64}
          label={{ value: unit, angle: -90, position: 'insideLeft', style: { fontSize: 11, fill: '#475569' } }}
        />
        <Tooltip content={(props) => <ForecastTooltip {...props} timeZone={timeZone} unit="kWh" />} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Area dataKey="band" name="Uncertainty" stroke="none" fill="#0284c7" fillOpacity={0.15} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="actual" name="Actual" stroke="#334155" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="backtest" name="Back-test" stroke="#D55E00" strokeDasharray="4 3" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="forecast" name="Forecast" stroke="#0369a1" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
