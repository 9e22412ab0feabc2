import { EnergyComparisonChart } from '@/components/charts/LazyCharts';
import { Figure } from '@/components/energy/Figure';
import { Card, CardBody, CardHeader } from '@/components/ui';
import { change, energyChartRows } from '@/lib/energyCharts';
import { formatCurrency, formatDate, formatValue } from '@/lib/format';
import type { EnergyAnalysis, EnergyFigures } from '@/types/energy';

const COMPARISON_LABELS = { previous_period: 'previous period', last_year: 'last year' } as const;

/** Totals of the range with their change against the previous period and last year, and the chart per bucket. */
export function EnergyOverview({ analysis }: { analysis: EnergyAnalysis }) {
  const { totals, currency, timezone } = analysis;
  const changesOf = (pick: (f: EnergyFigures) => number | null) =>
    analysis.comparisons.map((c) => ({ label: COMPARISON_LABELS[c.kind], ratio: change(pick(totals), pick(c.totals)) }));
  const last = new Date(Date.parse(analysis.end) - 1);
  return (
    <Card>
      <CardHeader
        title={analysis.scope.name}
        description={`${formatDate(analysis.start, timezone)} – ${formatDate(last, timezone)}, per ${analysis.bucket} (${timezone}).`}
      />
      <CardBody className="flex flex-col gap-5">
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
          <Figure label="Energy" value={formatValue(totals.energy_kwh, 'kWh')} changes={changesOf((f) => f.energy_kwh)} />
          <Figure label="Cost" value={formatCurrency(totals.cost, currency)} changes={changesOf((f) => f.cost)} />
          <Figure label="CO₂" value={formatValue(totals.co2_kg, 'kg')} changes={changesOf((f) => f.co2_kg)} />
          <Figure label="Peak demand" value={formatValue(totals.peak_demand_kw, 'kW')} hint="highest 15-min average" changes={changesOf((f) => f.peak_demand_kw)} />
          <Figure label="Idle energy" value={formatValue(totals.idle_kwh, 'kWh')} hint="while machines idled" />
        </dl>
        <EnergyComparisonChart rows={energyChartRows(analysis)} />
      </CardBody>
    </Card>
  );
}
