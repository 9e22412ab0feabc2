import { Link } from 'react-router-dom';
import { AlertActions } from '@/components/alerts/AlertActions';
import { AlertStatusBadge, SeverityBadge } from '@/components/alerts/SeverityBadge';
import { ActionsHeader, DataTable } from '@/components/ui';
import { useAlertActorName } from '@/hooks/useAlertActorName';
import { selectableAlertIds } from '@/lib/alertFilters';
import { cn } from '@/lib/cn';
import { formatAgo, formatDateTime } from '@/lib/format';
import type { Alert } from '@/types/alerts';

interface AlertTableProps {
  alerts: Alert[];
  timeZone: string;
  now: number;
  caption: string;
  canAcknowledge: boolean;
  /** Bulk selection; absent means no checkboxes. */
  selected?: number[];
  onSelect?: (ids: number[]) => void;
  showDevice?: boolean;
  onOpen: (alert: Alert) => void;
  dimmed?: boolean;
}

export function AlertTable({
  alerts,
  timeZone,
  now,
  caption,
  canAcknowledge,
  selected,
  onSelect,
  showDevice = true,
  onOpen,
  dimmed = false,
}: AlertTableProps) {
  const actorName = useAlertActorName();
  const selectable = selectableAlertIds(alerts);
  const bulk = canAcknowledge && selected !== undefined && onSelect !== undefined;
  const allSelected = bulk && selectable.length > 0 && selectable.every((id) => selected.includes(id));

  return (
    <DataTable
      caption={caption}
      dimmed={dimmed}
      head={
        <>
          {bulk && (
            <th scope="col" className="w-8 px-3 py-2">
              <input
                type="checkbox"
                className="size-4 accent-sky-700"
                aria-label="Select every open alert on this page"
                checked={allSelected}
                disabled={selectable.length === 0}
                onChange={(e) => onSelect(e.target.checked ? [...new Set([...selected, ...selectable])] : selected.filter((id) => !selectable.includes(id)))}
              />
            </th>
          )}
          <th scope="col" className="px-3 py-2">Severity</th>
          <th scope="col" className="px-3 py-2">Alert</th>
          {showDevice && <th scope="col" className="hidden px-3 py-2 md:table-cell">Device</th>}
          <th scope="col" className="px-3 py-2">Status</th>
          <th scope="col" className="px-3 py-2">Triggered</th>
          {canAcknowledge && <ActionsHeader />}
        </>
      }
    >
      {alerts.map((alert) => {
        const by = actorName(alert.acknowledged_by, alert.acknowledged_by_name);
        return (
          <tr key={alert.id} className={cn(alert.status === 'open' && 'bg-red-50/30')}>
            {bulk && (
              <td className="px-3 py-2.5">
                {alert.status === 'open' && (
                  <input
                    type="checkbox"
                    className="size-4 accent-sky-700"
                    aria-label={`Select ${alert.title}`}
                    checked={selected.includes(alert.id)}
                    onChange={(e) =>
                      onSelect(e.target.checked ? [...selected, alert.id] : selected.filter((id) => id !== alert.id))
                    }
                  />
                )}
              </td>
            )}
            <td className="px-3 py-2.5">
              <SeverityBadge severity={alert.severity} />
            </td>
            <td className="max-w-md px-3 py-2.5">
              <button
                type="button"
                onClick={() => onOpen(alert)}
                className="text-left font-medium text-slate-900 hover:text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600"
              >
                {alert.title}
              </button>
              <p className="truncate text-xs text-slate-500">
                {alert.rule_id !== null ? (
                  <Link to={`/rules/${alert.rule_id}`} className="hover:underline">
                    {alert.rule_name ?? `Rule #${alert.rule_id}`}
                  </Link>
                ) : (
                  'Deleted rule'
                )}
                {alert.trigger_count > 1 && ` · triggered ${alert.trigger_count}×`}
              </p>
            </td>
            {showDevice && (
              <td className="hidden px-3 py-2.5 md:table-cell">
                {alert.device_id !== null ? (
                  <Link to={`/machines/${alert.device_id}`} className="text-slate-700 hover:text-sky-800 hover:underline">
                    {alert.device_name ?? `Device #${alert.device_id}`}
                  </Link>
                ) : (
                  <span className="text-slate-500">{alert.device_name ?? 'Deleted device'}</span>
                )}
              </td>
            )}
            <td className="px-3 py-2.5">
              <AlertStatusBadge status={alert.status} />
              {alert.status === 'acknowledged' && by && <p className="mt-0.5 text-xs text-slate-500">by {by}</p>}
            </td>
            <td className="px-3 py-2.5 whitespace-nowrap text-slate-600">
              <span title={formatDateTime(alert.triggered_at, timeZone, true)}>{formatAgo(alert.last_triggered_at, now)}</span>
              <p className="text-xs text-slate-400">{formatDateTime(alert.triggered_at, timeZone)}</p>
            </td>
            {canAcknowledge && (
              <td className="px-3 py-2.5 text-right">
                <AlertActions alert={alert} compact={!showDevice} />
              </td>
            )}
          </tr>
        );
      })}
    </DataTable>
  );
}
