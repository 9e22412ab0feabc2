import { useSearchParams } from 'react-router-dom';
import { NodeSelect } from '@/components/assets/NodeSelect';
import { BreakdownCard } from '@/components/energy/BreakdownCard';
import { EnergyOverview } from '@/components/energy/EnergyOverview';
import { ExportButtons } from '@/components/energy/ExportButtons';
import { NodeComparisonCard } from '@/components/energy/NodeComparisonCard';
import { PerformanceCard } from '@/components/energy/PerformanceCard';
import { RangePicker } from '@/components/energy/RangePicker';
import { ShiftsCard } from '@/components/energy/ShiftsCard';
import { PeaksCard, TariffCard } from '@/components/energy/TariffAndPeaks';
import { Banner, EmptyState, QueryState } from '@/components/ui';
import { useEnergyAnalysis } from '@/hooks/useEnergy';
import { useCanManageDevices, useFactoryLocale } from '@/hooks/useFactoryContext';
import { useNow } from '@/hooks/useNow';
import { useSearchParamUpdater } from '@/hooks/useSearchParamUpdater';
import { bucketOf, currentRange, daysSoFar, RANGE_KINDS, rangeAround, rangeInstants, shiftDays, type EnergyRange, type RangeKind } from '@/lib/energyRange';
import { localDate } from '@/lib/periods';
import type { EnergyAnalysisParams } from '@/types/energy';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The range in the address (`?range=month&from=2026-03-01`), else this month. */
function rangeFromSearch(search: URLSearchParams, timeZone: string, now: number): EnergyRange {
  const kind = RANGE_KINDS.find((k) => k === search.get('range')) ?? 'month';
  const from = search.get('from') ?? '';
  if (!DATE.test(from)) return currentRange(kind, timeZone, now);
  const to = search.get('to') ?? '';
  return rangeAround(kind, from, DATE.test(to) ? to : undefined);
}

export default function Energy() {
  const [search] = useSearchParams();
  const update = useSearchParamUpdater<'range' | 'from' | 'to' | 'node'>();
  const { timeZone } = useFactoryLocale();
  const canManage = useCanManageDevices();
  // Today moves on at midnight even with the page left open.
  const now = useNow(60_000);
  const range = rangeFromSearch(search, timeZone, now);
  const nodeId = Number(search.get('node')) || null;
  const instants = rangeInstants(range, timeZone);
  const params: EnergyAnalysisParams | null = instants && { ...instants, bucket: bucketOf(range), node_id: nodeId };
  const analysis = useEnergyAnalysis(params);
  const today = localDate(now, timeZone);
  const days = daysSoFar(range, timeZone, now);

  const setRange = (next: EnergyRange) => update({ range: next.kind, from: next.from, to: next.kind === 'custom' ? next.to : '' });

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Energy</h1>
          <p className="mt-1 text-sm text-slate-500">Where the energy goes, what it costs, and how it compares. Times in {timeZone}.</p>
        </div>
        <ExportButtons params={params} />
      </div>

      <div className="flex flex-wrap items-end gap-4">
        <RangePicker value={range} onChange={setRange} current={(kind: RangeKind) => currentRange(kind, timeZone, now)} timeZone={timeZone} />
        <NodeSelect label="Scope" value={nodeId} noneLabel="Whole factory" onChange={(id) => update({ node: id ? String(id) : '' })} className="min-w-56" />
      </div>

      {!params && <Banner tone="warning">Choose a range that ends after it starts.</Banner>}
      <QueryState
        query={analysis}
        loadingLabel="Loading energy figures"
        errorTitle="Could not load the energy figures"
        isEmpty={(a) => a.buckets.length === 0}
        empty={<EmptyState title="No energy figures" description="Give a parameter the energy counter or active power role to see energy." />}
      >
        {(data) => (
          <div className={analysis.isPlaceholderData ? 'flex flex-col gap-6 opacity-60' : 'flex flex-col gap-6'}>
            <EnergyOverview analysis={data} />
            <BreakdownCard analysis={data} />
            <div className="grid grid-cols-1 gap-6 xl:grid-cols-2">
              <TariffCard analysis={data} />
              <PeaksCard analysis={data} />
            </div>
          </div>
        )}
      </QueryState>
      <NodeComparisonCard params={params && { start: params.start, end: params.end, bucket: params.bucket }} />
      <PerformanceCard nodeId={nodeId} days={days} timeZone={timeZone} today={today} canManage={canManage} />
      <ShiftsCard days={shiftDays(range, timeZone, now)} nodeId={nodeId} />
    </div>
  );
}
