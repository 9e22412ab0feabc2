import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, GRID_STROKE, SERIES_COLORS } from '@/components/charts/chartTheme';
import { formatValue } from '@/lib/format';
import type { NodeSeries } from '@/lib/energyCharts';

export interface NodeComparisonChartProps {
  series: NodeSeries[];
  rows: Record<string, string | number | null>[];
  height?: number;
}

const kwh = (value: unknown) => formatValue(typeof value === 'number' ? value : null, 'kWh');

/** Several nodes' energy per bucket, one line each. */
export default function NodeComparisonChart({ series, rows, height = 260 }: NodeComparisonChartProps) {
  return (
    <figure role="img" aria-label={`Energy per bucket: ${series.map((s) => s.name).join(', ')}`}>
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 700, height }}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={AXIS_TICK} minTickGap={16} />
          <YAxis tick={AXIS_TICK} width={64} label={{ value: 'kWh', angle: -90, position: 'insideLeft', style: { fontSize: 11, fill: '#475569' } }} />
          <Tooltip formatter={kwh} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Line key={s.key} dataKey={s.key} name={s.name} stroke={SERIES_COLORS[i % SERIES_COLORS.length]} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
