import { Card, CardHeader, DataTable, EmptyState } from '@/components/ui';
import { formatCurrency, formatDateTime, formatPercent, formatTime, formatValue } from '@/lib/format';
import type { EnergyAnalysis } from '@/types/energy';

/** Energy and cost per tariff period (peak, off-peak, ...). */
export function TariffCard({ analysis }: { analysis: EnergyAnalysis }) {
  return (
    <Card className="overflow-hidden">
      <CardHeader title="Cost by tariff period" description="Each quarter hour priced by the tariff in force." />
      {analysis.tariff_periods.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No energy in this range" />
        </div>
      ) : (
        <DataTable
          caption="Cost by tariff period"
          head={
            <>
              <th scope="col" className="px-3 py-2">Period</th>
              <th scope="col" className="px-3 py-2 text-right">Energy</th>
              <th scope="col" className="px-3 py-2 text-right">Share</th>
              <th scope="col" className="px-3 py-2 text-right">Cost</th>
            </>
          }
        >
          {analysis.tariff_periods.map((p) => (
            <tr key={p.name}>
              <td className="px-3 py-2 text-slate-800">{p.name}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap">{formatValue(p.energy_kwh, 'kWh')}</td>
              <td className="px-3 py-2 text-right">{formatPercent(p.share)}</td>
              <td className="px-3 py-2 text-right font-medium whitespace-nowrap">{formatCurrency(p.cost, analysis.currency)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}

/** The range's highest 15-minute demand windows and the meters that drew most in each. */
export function PeaksCard({ analysis }: { analysis: EnergyAnalysis }) {
  const tz = analysis.timezone;
  return (
    <Card className="overflow-hidden">
      <CardHeader title="Peak demand" description="The highest 15-minute windows, at least an hour apart, with what drew the power." />
      {analysis.peaks.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No demand measured in this range" />
        </div>
      ) : (
        <DataTable
          caption="Peak demand events"
          head={
            <>
              <th scope="col" className="px-3 py-2">When</th>
              <th scope="col" className="px-3 py-2 text-right">Demand</th>
              <th scope="col" className="px-3 py-2">Contributors</th>
            </>
          }
        >
          {analysis.peaks.map((peak) => (
            <tr key={peak.start}>
              <td className="px-3 py-2 whitespace-nowrap text-slate-800">
                {formatDateTime(peak.start, tz)}–{formatTime(peak.end, tz)}
              </td>
              <td className="px-3 py-2 text-right font-medium whitespace-nowrap">{formatValue(peak.demand_kw, 'kW')}</td>
              <td className="px-3 py-2 text-slate-700">
                {peak.contributors.map((c) => `${c.name} ${formatValue(c.demand_kw, 'kW')}`).join(' · ')}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
