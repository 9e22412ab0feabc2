import { useState } from 'react';
import { Badge, Card, CardHeader, DataTable, EmptyState } from '@/components/ui';
import { cn } from '@/lib/cn';
import { formatCurrency, formatPercent, formatValue } from '@/lib/format';
import type { EnergyAnalysis, MeterRow, ShareRow } from '@/types/energy';

const VIEWS = [
  { id: 'node', label: 'By asset node' },
  { id: 'area', label: 'By area' },
  { id: 'type', label: 'By device type' },
  { id: 'meters', label: 'Meters' },
] as const;
type View = (typeof VIEWS)[number]['id'];

function rowsOf(analysis: EnergyAnalysis, view: View): (ShareRow | MeterRow)[] {
  switch (view) {
    case 'node':
      return analysis.by_node;
    case 'area':
      return analysis.by_area;
    case 'type':
      return analysis.by_type;
    case 'meters':
      return analysis.meters;
  }
}

function isMeter(row: ShareRow | MeterRow): row is MeterRow {
  return 'kind' in row;
}

function ShareBar({ share }: { share: number | null }) {
  return (
    <div className="h-2 rounded-full bg-slate-100" aria-hidden="true">
      <div className="h-2 rounded-full bg-sky-600" style={{ width: `${Math.max(0, Math.min(1, share ?? 0)) * 100}%` }} />
    </div>
  );
}

/** Where the energy went: per node of the tree, area, device type, or meter. */
export function BreakdownCard({ analysis }: { analysis: EnergyAnalysis }) {
  const [view, setView] = useState<View>(analysis.by_node.length > 0 ? 'node' : 'area');
  const rows = rowsOf(analysis, view);
  const label = VIEWS.find((v) => v.id === view)?.label ?? '';
  return (
    <Card className="overflow-hidden">
      <CardHeader title="Breakdown" description="Each row's share of the scope's energy; what no row holds is “unaccounted”." />
      <div role="tablist" aria-label="Breakdown" className="flex gap-1 border-b border-slate-200 px-4 pt-2">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            aria-selected={view === v.id}
            onClick={() => setView(v.id)}
            className={cn('-mb-px border-b-2 px-3 py-2 text-sm', view === v.id ? 'border-sky-700 font-medium text-sky-800' : 'border-transparent text-slate-600 hover:text-slate-900')}
          >
            {v.label}
          </button>
        ))}
      </div>
      {rows.length === 0 ? (
        <div className="p-4">
          <EmptyState title="Nothing to break down" description={view === 'node' ? 'Build the asset tree under Assets to see energy per line and machine.' : 'No device counted energy in this range.'} />
        </div>
      ) : (
        <DataTable
          caption={`Energy ${label.toLowerCase()}`}
          head={
            <>
              <th scope="col" className="px-3 py-2">Name</th>
              <th scope="col" className="w-1/3 px-3 py-2">
                <span className="sr-only">Share bar</span>
              </th>
              <th scope="col" className="px-3 py-2 text-right">Share</th>
              <th scope="col" className="px-3 py-2 text-right">Energy</th>
              <th scope="col" className="px-3 py-2 text-right">Cost</th>
              <th scope="col" className="hidden px-3 py-2 text-right md:table-cell">CO₂</th>
              {view === 'meters' && <th scope="col" className="hidden px-3 py-2 text-right md:table-cell">Peak</th>}
            </>
          }
        >
          {rows.map((row) => (
            <tr key={isMeter(row) ? `${row.kind}-${row.id}` : row.key}>
              <td className="px-3 py-2 text-slate-800">
                {row.name}
                {isMeter(row) && row.kind === 'virtual' && <Badge className="ml-2">Virtual</Badge>}
                {isMeter(row) && row.supply && <Badge tone="info" className="ml-2">Supply</Badge>}
              </td>
              <td className="px-3 py-2">
                <ShareBar share={row.share} />
              </td>
              <td className="px-3 py-2 text-right text-slate-700">{formatPercent(row.share)}</td>
              <td className="px-3 py-2 text-right font-medium whitespace-nowrap text-slate-900">{formatValue(row.energy_kwh, 'kWh')}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap text-slate-700">{formatCurrency(row.cost, analysis.currency)}</td>
              <td className="hidden px-3 py-2 text-right whitespace-nowrap text-slate-700 md:table-cell">{formatValue(row.co2_kg, 'kg')}</td>
              {view === 'meters' && (
                <td className="hidden px-3 py-2 text-right whitespace-nowrap text-slate-700 md:table-cell">{isMeter(row) ? formatValue(row.peak_demand_kw, 'kW') : ''}</td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
