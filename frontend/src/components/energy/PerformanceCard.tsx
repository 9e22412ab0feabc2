import { useState } from 'react';
import { CusumChart } from '@/components/charts/LazyCharts';
import { BaselineDialog } from '@/components/energy/BaselineDialog';
import { Figure } from '@/components/energy/Figure';
import { Button, Card, CardBody, CardHeader, EmptyState, QueryState, Select } from '@/components/ui';
import { useBaselinePerformance, useBaselines } from '@/hooks/useProduction';
import { cusumRows } from '@/lib/energyCharts';
import { formatDate, formatNumber, formatPercent, formatValue } from '@/lib/format';
import { addDays } from '@/lib/periods';
import type { DayRange } from '@/api/production';
import type { Baseline, BaselinePerformance } from '@/types/production';

function BaselineModel({ baseline }: { baseline: Baseline }) {
  const model = baseline.model;
  return (
    <div className="rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-700">
      <p className="font-mono text-slate-900">{baseline.formula ?? 'Not fitted yet: its period holds too little data.'}</p>
      {model && (
        <p className="mt-1">
          R² {formatNumber(model.r2, 3)} · intercept {formatValue(model.intercept, 'kWh', 2)} ·{' '}
          {Object.entries(model.coefficients)
            .map(([variable, k]) => `${formatNumber(k, 4)} kWh per ${variable === 'production' ? 'unit' : variable}`)
            .join(' · ')}{' '}
          · {model.points} {baseline.granularity === 'hour' ? 'hours' : 'days'} fitted
        </p>
      )}
      <p className="mt-1 text-xs text-slate-500">
        Fitted on {baseline.period_start} – {baseline.period_end}.
      </p>
    </div>
  );
}

function PerformanceBody({ performance }: { performance: BaselinePerformance }) {
  const t = performance.totals;
  return (
    <div className="flex flex-col gap-4">
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Actual" value={formatValue(t.actual_kwh, 'kWh')} />
        <Figure label="Expected" value={formatValue(t.expected_kwh, 'kWh')} hint="by the baseline" />
        <Figure label="Savings" value={formatValue(t.savings_kwh, 'kWh')} hint={t.savings_pct === null ? undefined : `${formatPercent(t.savings_pct)} of expected`} />
        <Figure label="Production" value={formatNumber(t.production)} />
        <Figure label="EnPI" value={t.enpi === null ? '—' : formatValue(t.enpi, 'kWh/unit', 3)} />
        <Figure label="Expected EnPI" value={t.expected_enpi === null ? '—' : formatValue(t.expected_enpi, 'kWh/unit', 3)} />
      </dl>
      {performance.skipped > 0 && (
        <p className="text-xs text-slate-500">{performance.skipped} periods left out for want of energy or production figures.</p>
      )}
      <CusumChart rows={cusumRows(performance)} />
    </div>
  );
}

interface PerformanceCardProps {
  /** The page's node; baselines of other nodes are offered too when it is the whole factory. */
  nodeId: number | null;
  days: DayRange | null;
  timeZone: string;
  today: string;
  canManage: boolean;
}

/** ISO 50006: a baseline's expected energy against the actual, savings and CUSUM over the page's days. */
export function PerformanceCard({ nodeId, days, timeZone, today, canManage }: PerformanceCardProps) {
  const baselines = useBaselines();
  const [chosen, setChosen] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const offered = (baselines.data ?? []).filter((b) => nodeId === null || b.node_id === nodeId);
  const baseline = offered.find((b) => b.id === chosen) ?? offered[0] ?? null;
  const performance = useBaselinePerformance(baseline?.model ? baseline.id : null, days);

  return (
    <Card>
      <CardHeader
        title="Baseline and savings"
        description="Energy per unit produced (EnPI), what the baseline expects for the production achieved, and the cumulative difference."
        actions={canManage && <Button size="sm" variant="secondary" onClick={() => setCreating(true)}>New baseline</Button>}
      />
      <CardBody>
        <QueryState
          query={baselines}
          loadingLabel="Loading baselines"
          errorTitle="Could not load the baselines"
          isEmpty={() => offered.length === 0}
          empty={<EmptyState title="No baseline" description="Fit one over a period of normal operation to track savings against it." />}
          loadingClassName="py-8"
        >
          {() => (
            <div className="flex flex-col gap-4">
              {offered.length > 1 && (
                <Select label="Baseline" value={baseline?.id ?? ''} onChange={(e) => setChosen(Number(e.target.value))} className="max-w-sm">
                  {offered.map((b) => (
                    <option key={b.id} value={b.id}>
                      {b.name}
                    </option>
                  ))}
                </Select>
              )}
              {baseline && <BaselineModel baseline={baseline} />}
              {!days ? (
                <EmptyState title="This range has not begun" />
              ) : baseline?.model ? (
                <QueryState
                  query={performance}
                  loadingLabel="Loading savings"
                  errorTitle="Could not compare with the baseline"
                  isEmpty={(p) => p.rows.length === 0}
                  empty={<EmptyState title="No figures in this range" description={`Between ${formatDate(`${days.start}T12:00:00Z`, timeZone)} and ${formatDate(`${days.end}T12:00:00Z`, timeZone)} the node has no energy or production figures.`} />}
                  loadingClassName="py-8"
                >
                  {(p) => <PerformanceBody performance={p} />}
                </QueryState>
              ) : null}
            </div>
          )}
        </QueryState>
      </CardBody>
      {creating && (
        <BaselineDialog nodeId={nodeId ?? baseline?.node_id ?? null} defaultPeriod={{ start: addDays(today, -28), end: addDays(today, -1) }} onClose={() => setCreating(false)} onCreated={(b) => setChosen(b.id)} />
      )}
    </Card>
  );
}
