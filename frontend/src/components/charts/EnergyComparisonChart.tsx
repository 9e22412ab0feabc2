import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, GRID_STROKE } from '@/components/charts/chartTheme';
import { formatValue } from '@/lib/format';
import type { EnergyChartRow } from '@/lib/energyCharts';

export interface EnergyComparisonChartProps {
  rows: EnergyChartRow[];
  height?: number;
}

const kwh = (value: unknown) => formatValue(typeof value === 'number' ? value : null, 'kWh');

/** Energy per bucket as bars, the previous period and the same period last year as lines. */
export default function EnergyComparisonChart({ rows, height = 280 }: EnergyComparisonChartProps) {
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 700, height }}>
      <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} minTickGap={16} />
        <YAxis tick={AXIS_TICK} width={64} label={{ value: 'kWh', angle: -90, position: 'insideLeft', style: { fontSize: 11, fill: '#475569' } }} />
        <Tooltip formatter={kwh} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="energy" name="This period" fill="#0369a1" isAnimationActive={false} />
        <Line dataKey="previous" name="Previous period" stroke="#D55E00" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="lastYear" name="Last year" stroke="#64748b" strokeDasharray="4 3" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
