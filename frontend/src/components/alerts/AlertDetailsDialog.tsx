import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { AlertActions } from '@/components/alerts/AlertActions';
import { AlertTimelinePanel } from '@/components/alerts/AlertTimelinePanel';
import { AlertStatusBadge, SeverityBadge } from '@/components/alerts/SeverityBadge';
import { useAlertActorName } from '@/hooks/useAlertActorName';
import { Button, Modal, QueryState, TableHead } from '@/components/ui';
import { useAlert } from '@/hooks/useAlerts';
import { formatDateTime, formatNumber } from '@/lib/format';

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-3 py-1.5">
      <dt className="text-slate-500">{term}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}

function showValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value, 4);
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface AlertDetailsDialogProps {
  alertId: number;
  timeZone: string;
  canAcknowledge: boolean;
  onClose: () => void;
}

/** Everything about one alert: times on the factory's clock, the values the rule saw, who acted. */
export function AlertDetailsDialog({ alertId, timeZone, canAcknowledge, onClose }: AlertDetailsDialogProps) {
  const alert = useAlert(alertId);
  const actorName = useAlertActorName();
  const when = (iso: string | null) => (iso ? formatDateTime(iso, timeZone, true) : '—');

  return (
    <Modal
      open
      onClose={onClose}
      title={alert.data?.title ?? 'Alert'}
      description={`Times in ${timeZone}`}
      size="lg"
      footer={
        <>
          {alert.data && canAcknowledge && <AlertActions alert={alert.data} />}
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      <QueryState query={alert} loadingLabel="Loading alert" errorTitle="Could not load the alert" loadingClassName="py-8">
        {(data) => (
          <div className="flex flex-col gap-4 text-sm">
            <dl className="divide-y divide-slate-100">
              <Row term="Status">
                <span className="flex flex-wrap items-center gap-2">
                  <AlertStatusBadge status={data.status} />
                  <SeverityBadge severity={data.severity} />
                </span>
              </Row>
              <Row term="Device">
                {data.device_id !== null ? (
                  <Link to={`/machines/${data.device_id}`} className="text-sky-800 hover:underline" onClick={onClose}>
                    {data.device_name ?? `Device #${data.device_id}`}
                  </Link>
                ) : (
                  (data.device_name ?? 'Deleted device')
                )}
              </Row>
              <Row term="Rule">
                {data.rule_id !== null ? (
                  <Link to={`/rules/${data.rule_id}`} className="text-sky-800 hover:underline" onClick={onClose}>
                    {data.rule_name ?? `Rule #${data.rule_id}`}
                  </Link>
                ) : (
                  'Deleted rule'
                )}
              </Row>
              <Row term="Triggered">{when(data.triggered_at)}</Row>
              <Row term="Last triggered">
                {when(data.last_triggered_at)}
                {data.trigger_count > 1 && <span className="text-slate-500"> · {data.trigger_count} times in all</span>}
              </Row>
              <Row term="Acknowledged">
                {data.acknowledged_at ? `${when(data.acknowledged_at)} by ${actorName(data.acknowledged_by, data.acknowledged_by_name) ?? 'someone'}` : '—'}
              </Row>
              {data.muted && <Row term="Muted">Raised in a maintenance window: nobody was notified</Row>}
              <Row term="Resolved">
                {data.resolved_at
                  ? `${when(data.resolved_at)}${data.resolved_by !== null ? ` by ${actorName(data.resolved_by, data.resolved_by_name)}` : ' automatically'}`
                  : '—'}
              </Row>
            </dl>
            {data.message && <p className="rounded-md bg-slate-50 px-3 py-2 whitespace-pre-line text-slate-800">{data.message}</p>}
            <div>
              <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Values when triggered</h3>
              {Object.keys(data.values).length === 0 ? (
                <p className="text-slate-500">No values recorded.</p>
              ) : (
                <table className="min-w-full divide-y divide-slate-200 rounded-md border border-slate-200 text-sm">
                  <caption className="sr-only">Values when triggered</caption>
                  <TableHead>
                    <th scope="col" className="px-3 py-1.5">Parameter</th>
                    <th scope="col" className="px-3 py-1.5 text-right">Value</th>
                  </TableHead>
                  <tbody className="divide-y divide-slate-100">
                    {Object.entries(data.values).map(([key, value]) => (
                      <tr key={key}>
                        <td className="px-3 py-1.5 font-mono text-xs">{key}</td>
                        <td className="px-3 py-1.5 text-right tabular-nums">{showValue(value)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <AlertTimelinePanel alert={data} timeZone={timeZone} canAct={canAcknowledge} />
          </div>
        )}
      </QueryState>
    </Modal>
  );
}
