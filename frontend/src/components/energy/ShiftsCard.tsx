import { Card, CardHeader, DataTable, EmptyState, QueryState } from '@/components/ui';
import { useShiftReport } from '@/hooks/useProduction';
import { formatCurrency, formatNumber, formatValue } from '@/lib/format';
import type { DayRange } from '@/api/production';

/** Energy, cost, peak demand, production and EnPI per shift of the calendar. */
export function ShiftsCard({ days, nodeId }: { days: DayRange | null; nodeId: number | null }) {
  const report = useShiftReport(days, nodeId);
  return (
    <Card className="overflow-hidden">
      <CardHeader title="Per shift" description={days ? `${days.start} – ${days.end}; a shift belongs to the day it starts on.` : undefined} />
      {!days ? (
        <div className="p-4">
          <EmptyState title="This range has not begun" />
        </div>
      ) : (
        <QueryState
          query={report}
          loadingLabel="Loading shift figures"
          errorTitle="Could not load the shift figures"
          isEmpty={(r) => r.shifts.length === 0}
          empty={<EmptyState title="No shift calendar" description="Define the shifts under Settings to see figures per shift." />}
          inset
          loadingClassName="py-8"
        >
          {(r) => (
            <DataTable
              caption="Figures per shift"
              head={
                <>
                  <th scope="col" className="px-3 py-2">Shift</th>
                  <th scope="col" className="px-3 py-2 text-right">Shifts worked</th>
                  <th scope="col" className="px-3 py-2 text-right">Energy</th>
                  <th scope="col" className="px-3 py-2 text-right">Cost</th>
                  <th scope="col" className="hidden px-3 py-2 text-right md:table-cell">Peak</th>
                  <th scope="col" className="px-3 py-2 text-right">Production</th>
                  <th scope="col" className="px-3 py-2 text-right">EnPI</th>
                </>
              }
            >
              {r.shifts.map((s) => (
                <tr key={s.shift_id ?? 'outside'}>
                  <td className="px-3 py-2 text-slate-800">{s.name}</td>
                  <td className="px-3 py-2 text-right">{s.shift_id === null ? '' : s.occurrences}</td>
                  <td className="px-3 py-2 text-right font-medium whitespace-nowrap">{formatValue(s.energy_kwh, 'kWh')}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">{formatCurrency(s.cost, r.currency)}</td>
                  <td className="hidden px-3 py-2 text-right whitespace-nowrap md:table-cell">{formatValue(s.peak_demand_kw, 'kW')}</td>
                  <td className="px-3 py-2 text-right">{formatNumber(s.production)}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">{s.enpi === null ? '—' : formatValue(s.enpi, 'kWh/unit', 3)}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </QueryState>
      )}
    </Card>
  );
}
