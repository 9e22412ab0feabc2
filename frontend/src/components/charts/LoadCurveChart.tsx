import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { AXIS_TICK, GRID_STROKE } from '@/components/charts/chartTheme';
import { timeTicks } from '@/components/charts/panels';
import { formatNumber, formatTime, formatValue } from '@/lib/format';

export interface LoadCurveChartProps {
  points: [string, number | null][];
  timeZone: string;
  height?: number;
}

function LoadTooltip({
  active,
  payload,
  label,
  timeZone,
}: Pick<TooltipContentProps, 'active' | 'payload' | 'label'> & { timeZone: string }) {
  if (!active || !payload?.length || label === undefined) return null;
  const value = payload[0]?.value;
  const start = Number(label);
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-slate-700">
        {formatTime(start, timeZone)}–{formatTime(start + 15 * 60_000, timeZone)}
      </p>
      <p className="mt-0.5 text-slate-900">
        Average load <span className="font-semibold">{formatValue(typeof value === 'number' ? value : null, 'kW')}</span>
      </p>
    </div>
  );
}

/** Today's 15-minute average load of the whole factory. */
export default function LoadCurveChart({ points, timeZone, height = 240 }: LoadCurveChartProps) {
  const rows = points.map(([ts, kw]) => ({ t: Date.parse(ts), kw }));
  const first = rows[0]?.t ?? 0;
  const last = rows[rows.length - 1]?.t ?? 0;
  const ticks = timeTicks(first, last, timeZone);
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
      <AreaChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <defs>
          <linearGradient id="load-fill" x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor="#0369a1" stopOpacity={0.35} />
            <stop offset="100%" stopColor="#0369a1" stopOpacity={0.02} />
          </linearGradient>
        </defs>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          ticks={ticks}
          tick={AXIS_TICK}
          tickFormatter={(v: number) => formatTime(v, timeZone)}
          minTickGap={40}
        />
        <YAxis
          tick={AXIS_TICK}
          width={64}
          tickFormatter={(v: number) => formatNumber(v)}
          label={{ value: 'kW', angle: -90, position: 'insideLeft', style: { fontSize: 11, fill: '#475569' } }}
        />
        <Tooltip content={(props) => <LoadTooltip {...props} timeZone={timeZone} />} />
        <Area
          dataKey="kw"
          name="Load"
          type="stepAfter"
          stroke="#0369a1"
          strokeWidth={1.75}
          fill="url(#load-fill)"
          isAnimationActive={false}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
}
