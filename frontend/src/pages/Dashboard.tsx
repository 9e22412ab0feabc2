import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { LoadCurveChart } from '@/components/charts/LazyCharts';
import { Badge, Card, CardBody, CardHeader, EmptyState, QueryState, type BadgeTone } from '@/components/ui';
import { useDashboardSummary } from '@/hooks/useEnergy';
import { useNow } from '@/hooks/useNow';
import { formatAgo, formatCurrency, formatDateTime, formatTime, formatValue } from '@/lib/format';
import type { AlertBrief, AlertSeverity, DashboardSummary, TopConsumer } from '@/types/energy';

const SEVERITY_TONE: Record<AlertSeverity, BadgeTone> = { critical: 'danger', warning: 'warning', info: 'info' };
const SEVERITY_LABEL: Record<AlertSeverity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

function StatCard({ title, value, children }: { title: string; value: ReactNode; children?: ReactNode }) {
  return (
    <section aria-label={title} className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <h2 className="text-sm font-medium text-slate-500">{title}</h2>
      <p className="text-2xl font-semibold tracking-tight text-slate-900">{value}</p>
      {children && <div className="text-xs text-slate-600">{children}</div>}
    </section>
  );
}

function SummaryCards({ summary }: { summary: DashboardSummary }) {
  const { devices, alerts, energy, currency } = summary;
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3">
      <StatCard title="Devices" value={`${devices.online} of ${devices.total} online`}>
        <span className="flex flex-wrap gap-x-3 gap-y-1">
          <span>{devices.offline} offline</span>
          <span>{devices.discovered} discovered</span>
          {devices.disabled > 0 && <span>{devices.disabled} disabled</span>}
        </span>
      </StatCard>
      <StatCard
        title="Open alerts"
        value={
          <Link to="/alerts?status=open" className="hover:text-sky-800 hover:underline">
            {alerts.open_total}
          </Link>
        }
      >
        <span className="flex flex-wrap gap-1.5">
          {(['critical', 'warning', 'info'] as const).map((severity) => (
            <Link
              key={severity}
              to={`/alerts?status=open&severity=${severity}`}
              aria-label={`${alerts.open_by_severity[severity]} open ${SEVERITY_LABEL[severity].toLowerCase()} alerts`}
              className="rounded-full focus-visible:outline-2 focus-visible:outline-sky-600"
            >
              <Badge tone={alerts.open_by_severity[severity] > 0 ? SEVERITY_TONE[severity] : 'neutral'} className="hover:brightness-95">
                {alerts.open_by_severity[severity]} {SEVERITY_LABEL[severity].toLowerCase()}
              </Badge>
            </Link>
          ))}
        </span>
      </StatCard>
      <StatCard title="Current load" value={formatValue(summary.current_load_kw, 'kW')}>
        Peak demand today {formatValue(summary.peak_demand_today_kw, 'kW')} <span className="text-slate-400">(15-min average)</span>
      </StatCard>
      <StatCard title="Energy today" value={formatValue(energy.today.energy_kwh, 'kWh')}>
        {formatCurrency(energy.today.cost, currency)} · {formatValue(energy.today.co2_kg, 'kg')} CO₂
      </StatCard>
      <StatCard title="Energy this month" value={formatValue(energy.month.energy_kwh, 'kWh')}>
        {formatCurrency(energy.month.cost, currency)} · {formatValue(energy.month.co2_kg, 'kg')} CO₂
      </StatCard>
      <StatCard title="Peak demand today" value={formatValue(summary.peak_demand_today_kw, 'kW')}>
        Highest 15-minute average of the factory's load
      </StatCard>
    </div>
  );
}

function TopConsumers({ consumers, currency }: { consumers: TopConsumer[]; currency: string }) {
  if (consumers.length === 0) {
    return <EmptyState title="No consumption yet today" description="Devices with an energy role appear here once they report." />;
  }
  const max = Math.max(0, ...consumers.map((c) => c.energy_kwh ?? 0));
  return (
    <ol aria-label="Top consumers today" className="flex flex-col gap-3">
      {consumers.map((c) => (
        <li key={c.device_id} className="flex flex-col gap-1">
          <div className="flex items-baseline justify-between gap-3 text-sm">
            <Link to={`/machines/${c.device_id}`} className="truncate font-medium text-slate-900 hover:text-sky-800 hover:underline">
              {c.name}
            </Link>
            <span className="shrink-0 text-slate-700">
              <span className="font-medium text-slate-900">{formatValue(c.energy_kwh, 'kWh')}</span>
              <span className="text-slate-400"> · </span>
              {formatCurrency(c.cost, currency)}
            </span>
          </div>
          <div aria-hidden="true" className="h-2 rounded-full bg-slate-100">
            <div className="h-2 rounded-full bg-sky-600" style={{ width: max > 0 ? `${((c.energy_kwh ?? 0) / max) * 100}%` : 0 }} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function RecentAlerts({ alerts, timeZone }: { alerts: AlertBrief[]; timeZone: string }) {
  const now = useNow(30_000);
  if (alerts.length === 0) {
    return <EmptyState title="No alerts" description="Alerts raised by rules appear here." />;
  }
  return (
    <ul aria-label="Recent alerts" className="divide-y divide-slate-100">
      {alerts.map((a) => (
        <li key={a.id} className="flex items-start gap-3 py-2.5 first:pt-0 last:pb-0">
          <Badge tone={SEVERITY_TONE[a.severity] ?? 'neutral'} dot>
            {SEVERITY_LABEL[a.severity] ?? a.severity}
          </Badge>
          <div className="min-w-0 flex-1">
            <Link
              to={`/alerts?status=any&alert=${a.id}`}
              className="block truncate text-sm font-medium text-slate-900 hover:text-sky-800 hover:underline"
            >
              {a.title}
            </Link>
            <p className="text-xs text-slate-500">
              {a.device_id !== null ? (
                <Link to={`/machines/${a.device_id}`} className="hover:underline">
                  {a.device_name}
                </Link>
              ) : (
                <span>{a.device_name ?? 'Deleted device'}</span>
              )}{' '}
              · <span title={formatDateTime(a.triggered_at, timeZone)}>{formatAgo(a.triggered_at, now)}</span> · {a.status}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

export default function Dashboard() {
  const summary = useDashboardSummary();
  const data = summary.data;

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Dashboard</h1>
          <p className="mt-1 text-sm text-slate-500">Today's energy and equipment at a glance.</p>
        </div>
        {data && (
          <p className="text-xs text-slate-500" aria-live="polite">
            Updated {formatTime(summary.dataUpdatedAt, data.timezone, true)} ({data.timezone}) · refreshes every 30 s
          </p>
        )}
      </div>

      <QueryState query={summary} loadingLabel="Loading dashboard" errorTitle="Could not load the dashboard">
        {(data) => (
          <>
          <SummaryCards summary={data} />
          <Card>
            <CardHeader title="Load today" description={`15-minute average of the factory's active power since midnight (${data.timezone}).`} />
            <CardBody>
              {data.load_curve_today.length === 0 ? (
                <EmptyState title="No load data yet today" description="The curve fills as machines with an active power role report." />
              ) : (
                <figure
                  role="img"
                  aria-label={`Load curve today, ${data.load_curve_today.length} quarter-hours, peak ${formatValue(data.peak_demand_today_kw, 'kW')}`}
                >
                  <LoadCurveChart points={data.load_curve_today} timeZone={data.timezone} />
                </figure>
              )}
            </CardBody>
          </Card>
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <Card>
              <CardHeader title="Top consumers today" description="By energy since midnight." />
              <CardBody>
                <TopConsumers consumers={data.top_consumers} currency={data.currency} />
              </CardBody>
            </Card>
            <Card>
              <CardHeader
                title="Recent alerts"
                description="The five newest."
                actions={
                  <Link to="/alerts" className="text-sm font-medium text-sky-700 hover:underline">
                    All alerts
                  </Link>
                }
              />
              <CardBody>
                <RecentAlerts alerts={data.latest_alerts} timeZone={data.timezone} />
              </CardBody>
            </Card>
          </div>
          </>
        )}
      </QueryState>
    </div>
  );
}
