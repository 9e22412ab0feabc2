import { Card, CardBody, CardHeader, EmptyState, QueryState } from '@/components/ui';
import { useDeviceEnergy } from '@/hooks/useEnergy';
import { formatCurrency, formatDate, formatPercent, formatValue, NO_VALUE } from '@/lib/format';
import type { DeviceEnergy } from '@/types/energy';

export const NO_ENERGY_ROLE_HINT = 'Assign the energy counter or active power role to a parameter to see energy';

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 truncate text-lg font-semibold text-slate-900">{value}</dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

function EnergyBody({ data }: { data: DeviceEnergy }) {
  const { totals, currency, timezone } = data;
  const maxKwh = Math.max(0, ...data.buckets.map((b) => b.energy_kwh ?? 0));
  const idleShare =
    totals.idle_kwh !== null && totals.energy_kwh ? totals.idle_kwh / totals.energy_kwh : null;
  return (
    <div className="flex flex-col gap-5">
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Energy" value={formatValue(totals.energy_kwh, 'kWh')} />
        <Figure label="Cost" value={formatCurrency(totals.cost, currency)} />
        <Figure label="CO₂" value={formatValue(totals.co2_kg, 'kg')} />
        <Figure label="Peak demand" value={formatValue(totals.peak_demand_kw, 'kW')} hint="highest 15-min average" />
        <Figure label="Load factor" value={formatPercent(totals.load_factor)} />
        <Figure
          label="Power factor"
          value={formatValue(totals.avg_power_factor, null, 2)}
          hint={idleShare !== null ? `${formatPercent(idleShare)} of energy while idle` : undefined}
        />
      </dl>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Energy per day</caption>
          <thead className="text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col" className="py-1.5 pr-3">Day</th>
              <th scope="col" className="w-2/5 py-1.5 pr-3">
                <span className="sr-only">Share</span>
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right">Energy</th>
              <th scope="col" className="py-1.5 pr-3 text-right">Cost</th>
              <th scope="col" className="py-1.5 text-right">Peak demand</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.buckets.map((b) => (
              <tr key={b.start}>
                <td className="py-1.5 pr-3 whitespace-nowrap text-slate-700">{formatDate(b.start, timezone)}</td>
                <td className="py-1.5 pr-3" aria-hidden="true">
                  <div className="h-2 rounded-full bg-slate-100">
                    <div
                      className="h-2 rounded-full bg-sky-600"
                      style={{ width: maxKwh > 0 ? `${((b.energy_kwh ?? 0) / maxKwh) * 100}%` : 0 }}
                    />
                  </div>
                </td>
                <td className="py-1.5 pr-3 text-right font-medium whitespace-nowrap text-slate-900">
                  {formatValue(b.energy_kwh, 'kWh')}
                </td>
                <td className="py-1.5 pr-3 text-right whitespace-nowrap text-slate-700">{formatCurrency(b.cost, currency)}</td>
                <td className="py-1.5 text-right whitespace-nowrap text-slate-700">
                  {b.peak_demand_kw === null ? NO_VALUE : formatValue(b.peak_demand_kw, 'kW')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Energy, cost and peak demand of the last 7 days, from the parameters' roles. */
export function DeviceEnergyPanel({ deviceId }: { deviceId: number }) {
  const energy = useDeviceEnergy(deviceId);

  return (
    <Card>
      <CardHeader
        title="Energy"
        description={
          energy.data?.source === 'active_power'
            ? 'Last 7 days, integrated from active power.'
            : energy.data?.source === 'energy_counter'
              ? 'Last 7 days, from the energy counter.'
              : 'Last 7 days.'
        }
      />
      <CardBody>
        <QueryState
          query={energy}
          loadingLabel="Loading energy"
          errorTitle="Could not load energy figures"
          isEmpty={(d) => d.source === null}
          empty={<EmptyState title="No energy figures" description={`${NO_ENERGY_ROLE_HINT}.`} />}
          loadingClassName="h-24 items-center"
        >
          {(data) => <EnergyBody data={data} />}
        </QueryState>
      </CardBody>
    </Card>
  );
}
