import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, GRID_STROKE } from '@/components/charts/chartTheme';
import { formatValue } from '@/lib/format';
import type { CusumRow } from '@/lib/energyCharts';

export interface CusumChartProps {
  rows: CusumRow[];
  height?: number;
}

const kwh = (value: unknown) => formatValue(typeof value === 'number' ? value : null, 'kWh');

/**
 * ISO 50006's cumulative sum of actual minus expected energy: a line going down is energy
 * saved against the baseline, a bend is the moment something changed.
 */
export default function CusumChart({ rows, height = 240 }: CusumChartProps) {
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 700, height }}>
      <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
        <XAxis dataKey="label" tick={AXIS_TICK} minTickGap={16} />
        <YAxis yAxisId="cusum" tick={AXIS_TICK} width={64} label={{ value: 'CUSUM kWh', angle: -90, position: 'insideLeft', style: { fontSize: 11, fill: '#475569' } }} />
        <YAxis yAxisId="energy" orientation="right" tick={AXIS_TICK} width={56} />
        <Tooltip formatter={kwh} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <ReferenceLine yAxisId="cusum" y={0} stroke="#94a3b8" />
        <Line yAxisId="cusum" dataKey="cusum" name="CUSUM (actual − expected)" stroke="#0369a1" strokeWidth={2} dot={false} isAnimationActive={false} />
        <Line yAxisId="energy" dataKey="actual" name="Actual" stroke="#334155" strokeWidth={1} dot={false} isAnimationActive={false} />
        <Line yAxisId="energy" dataKey="expected" name="Expected" stroke="#D55E00" strokeDasharray="4 3" strokeWidth={1} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
