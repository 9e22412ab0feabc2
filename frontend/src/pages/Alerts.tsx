import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { AlertDetailsDialog } from '@/components/alerts/AlertDetailsDialog';
import { AlertTable } from '@/components/alerts/AlertTable';
import { AlertsIcon } from '@/components/icons';
import { Badge, Banner, Button, Card, DateRangeForm, EmptyState, Pagination, QueryState, Select } from '@/components/ui';
import { useAcknowledgeAlerts, useAlertCounts, useAlerts } from '@/hooks/useAlerts';
import { useDeviceDirectory } from '@/hooks/useDevices';
import { useFactoryLocale, useHasPermission } from '@/hooks/useFactoryContext';
import { useNow } from '@/hooks/useNow';
import { useRules } from '@/hooks/useRules';
import {
  alertListParams,
  DEFAULT_ALERT_FILTERS,
  hasActiveAlertFilters,
  readAlertFilters,
  selectableAlertIds,
  STATUS_FILTER_LABELS,
  writeAlertFilters,
  type AlertFilters,
  type AlertStatusFilter,
} from '@/lib/alertFilters';
import { RELATIVE_RANGES } from '@/lib/periods';
import { SEVERITY_LABELS } from '@/lib/ruleForm';
import { instantToZonedWallTime, zonedWallTimeToInstant } from '@/lib/time';
import { SEVERITIES, type Severity } from '@/types/rules';

export default function Alerts() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => readAlertFilters(search), [search]);
  const openAlertId = Number(search.get('alert')) || null;
  const { timeZone } = useFactoryLocale();
  const canAcknowledge = useHasPermission('acknowledge_alerts');
  const now = useNow(15_000);
  const [selected, setSelected] = useState<number[]>([]);

  // Relative ranges are resolved once per filter change, so the query key stays put between refreshes.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const params = useMemo(() => alertListParams(filters), [search]);
  const alerts = useAlerts(params);
  const counts = useAlertCounts();
  const devices = useDeviceDirectory();
  const rules = useRules({ per_page: 100 });
  const bulk = useAcknowledgeAlerts();

  // A custom range is kept in the address as instants and edited on the factory's clock.
  const wallTime = (instant: string) => (instant ? instantToZonedWallTime(new Date(instant), timeZone) : '');
  const instantOf = (wall: string) => (wall ? (zonedWallTimeToInstant(wall, timeZone)?.toISOString() ?? '') : '');
  const update = (changes: Partial<AlertFilters>) => {
    const next = writeAlertFilters({ ...filters, page: 1, ...changes });
    if (openAlertId) next.set('alert', String(openAlertId));
    setSelected([]);
    bulk.reset();
    setSearch(next, { replace: true });
  };
  const openAlert = (id: number | null) => {
    const next = new URLSearchParams(search);
    if (id) next.set('alert', String(id));
    else next.delete('alert');
    setSearch(next);
  };

  const data = alerts.data;
  // A refresh may have acknowledged or removed some: act only on what is still on screen and open.
  const stillSelectable = selectableAlertIds(data?.data ?? []);
  const chosen = selected.filter((id) => stillSelectable.includes(id));

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Alerts</h1>
          <p className="mt-1 text-sm text-slate-500">Raised by rules; refreshed every 15 seconds. Times in {timeZone}.</p>
        </div>
        {counts.data && (
          <div className="flex flex-wrap items-center gap-2 text-sm" aria-label="Open alerts by severity">
            <span className="font-medium text-slate-700">{counts.data.open_total} open</span>
            {(['critical', 'warning', 'info'] as const).map((s) => (
              <Badge key={s} tone={(counts.data.by_severity[s] ?? 0) > 0 ? (s === 'critical' ? 'danger' : s === 'warning' ? 'warning' : 'info') : 'neutral'}>
                {counts.data.by_severity[s] ?? 0} {SEVERITY_LABELS[s].toLowerCase()}
              </Badge>
            ))}
          </div>
        )}
      </div>

      <Card className="p-4">
        <div role="search" aria-label="Filter alerts" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
          <Select label="Status" value={filters.status} onChange={(e) => update({ status: e.target.value as AlertStatusFilter })}>
            {(Object.keys(STATUS_FILTER_LABELS) as AlertStatusFilter[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_FILTER_LABELS[s]}
              </option>
            ))}
          </Select>
          <Select label="Severity" value={filters.severity} onChange={(e) => update({ severity: e.target.value as Severity | '' })}>
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </Select>
          <Select label="Device" value={filters.device} onChange={(e) => update({ device: e.target.value })}>
            <option value="">Any device</option>
            {filters.device && !devices.data?.devices.some((d) => String(d.id) === filters.device) && (
              <option value={filters.device}>Device #{filters.device}</option>
            )}
            {devices.data?.devices.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.name}
              </option>
            ))}
          </Select>
          <Select label="Rule" value={filters.rule} onChange={(e) => update({ rule: e.target.value })}>
            <option value="">Any rule</option>
            {filters.rule && !rules.data?.data.some((r) => String(r.id) === filters.rule) && (
              <option value={filters.rule}>Rule #{filters.rule}</option>
            )}
            {rules.data?.data.map((r) => (
              <option key={r.id} value={String(r.id)}>
                {r.name}
              </option>
            ))}
          </Select>
          <DateRangeForm
            label="Time"
            anyLabel="Any time"
            presets={RELATIVE_RANGES}
            precision="minute"
            value={{ preset: filters.range, from: wallTime(filters.since), to: wallTime(filters.until) }}
            onChange={({ preset }) => update({ range: preset, since: '', until: '' })}
            onApply={({ from, to }) => update({ since: instantOf(from), until: instantOf(to) })}
            timeZone={timeZone}
            className="sm:col-span-2 lg:col-span-5"
          />
        </div>
      </Card>

      <QueryState
        query={alerts}
        loadingLabel="Loading alerts"
        errorTitle="Could not load the alerts"
        isEmpty={(d) => d.total === 0}
        empty={
          hasActiveAlertFilters(filters) ? (
            <EmptyState
              title="No alerts match these filters"
              description="Change the filters to see more."
              action={
                <Button variant="secondary" onClick={() => update({ ...DEFAULT_ALERT_FILTERS })}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState icon={<AlertsIcon className="size-8" />} title="No open alerts" description="Alerts raised by rules appear here until they are resolved." />
          )
        }
      >
        {(list) => (
          <Card className="overflow-hidden">
            {alerts.isError && (
              <Banner tone="warning" className="m-3">
                Showing the last list loaded: {getErrorMessage(alerts.error)}
              </Banner>
            )}
            {canAcknowledge && (
              <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-slate-50 px-4 py-2 text-sm">
                <span className="text-slate-600" aria-live="polite">
                  {chosen.length === 0 ? 'Select open alerts to acknowledge several at once.' : `${chosen.length} selected`}
                </span>
                <Button
                  size="sm"
                  disabled={chosen.length === 0}
                  loading={bulk.isPending}
                  onClick={() => bulk.mutate(chosen, { onSuccess: () => setSelected([]) })}
                >
                  Acknowledge selected
                </Button>
                {bulk.isError && (
                  <p role="alert" className="text-sm text-red-700">
                    {getErrorMessage(bulk.error)}
                  </p>
                )}
              </div>
            )}
            <AlertTable
              alerts={list.data}
              timeZone={timeZone}
              now={now}
              caption="Alerts"
              canAcknowledge={canAcknowledge}
              selected={chosen}
              onSelect={setSelected}
              onOpen={(alert) => openAlert(alert.id)}
              dimmed={alerts.isPlaceholderData}
            />
            <Pagination page={filters.page} perPage={list.per_page} total={list.total} onPage={(page) => update({ page })} what="alerts" />
          </Card>
        )}
      </QueryState>

      {openAlertId && (
        <AlertDetailsDialog alertId={openAlertId} timeZone={timeZone} canAcknowledge={canAcknowledge} onClose={() => openAlert(null)} />
      )}
    </div>
  );
}
