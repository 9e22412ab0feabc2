import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { Badge, type BadgeTone, Button, QueryState, Select, TableHead } from '@/components/ui';
import { useAlertTimeline, useSnoozeAlert } from '@/hooks/useAlerts';
import { formatDateTime } from '@/lib/format';
import type { Alert, AlertDelivery, AlertEvent } from '@/types/alerts';

const SNOOZE_CHOICES = [15, 30, 60, 120, 240];

function detail(event: AlertEvent, key: string): string {
  const value = event.details[key];
  return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}

function eventText(event: AlertEvent): string {
  const who = event.actor_name ? ` by ${event.actor_name}` : '';
  switch (event.kind) {
    case 'raised':
      return event.details.muted ? 'Raised in a maintenance window: nobody notified' : 'Raised';
    case 'escalated':
      return `Escalation round ${detail(event, 'step')}: ${detail(event, 'deliveries') || '0'} notifications`;
    case 'snoozed':
      return `Snoozed for ${detail(event, 'minutes')} min${who}`;
    case 'acknowledged':
      return `Acknowledged${who}`;
    case 'resolved':
      return event.details.automatic ? 'Resolved automatically' : `Resolved${who}`;
    default:
      return event.kind;
  }
}

function statusTone(status: string): BadgeTone {
  if (status === 'sent' || status === 'delivered' || status === 'read') return 'success';
  if (status === 'failed') return 'danger';
  if (status === 'retrying' || status === 'pending' || status === 'sending') return 'warning';
  return 'neutral';
}

function deliveryWhat(delivery: AlertDelivery): string {
  if (delivery.event === 'escalated') return `Round ${delivery.step}`;
  return delivery.event.charAt(0).toUpperCase() + delivery.event.slice(1);
}

/** The alert's timeline, its notifications per recipient, and snoozing its escalation. */
export function AlertTimelinePanel({ alert, timeZone, canAct }: { alert: Alert; timeZone: string; canAct: boolean }) {
  const timeline = useAlertTimeline(alert.id);
  const snooze = useSnoozeAlert();
  const [minutes, setMinutes] = useState(60);
  const when = (iso: string) => formatDateTime(iso, timeZone, true);

  return (
    <div className="flex flex-col gap-4">
      {canAct && alert.status === 'open' && (
        <div className="flex flex-wrap items-end gap-2">
          <Select label="Snooze escalation" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} className="w-44">
            {SNOOZE_CHOICES.map((m) => (
              <option key={m} value={m}>
                {m < 60 ? `${m} minutes` : `${m / 60} hour${m > 60 ? 's' : ''}`}
              </option>
            ))}
          </Select>
          <Button size="sm" variant="secondary" loading={snooze.isPending} onClick={() => snooze.mutate({ id: alert.id, minutes })}>
            Snooze
          </Button>
          {alert.snoozed_until && <span className="pb-2 text-xs text-slate-500">Snoozed until {when(alert.snoozed_until)}</span>}
          {snooze.error && (
            <p role="alert" className="w-full text-xs text-red-700">
              {getErrorMessage(snooze.error)}
            </p>
          )}
        </div>
      )}
      <QueryState
        query={timeline}
        loadingLabel="Loading the timeline"
        errorTitle="Could not load the timeline"
        isEmpty={(data) => data.events.length === 0 && data.deliveries.length === 0}
        empty={<p className="text-sm text-slate-500">Nothing recorded yet.</p>}
      >
        {(data) => (
          <>
            <div>
              <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Timeline</h3>
              <ol className="flex flex-col gap-1 border-l border-slate-200 pl-3" aria-label="Alert timeline">
                {data.events.map((event) => (
                  <li key={event.id} className="text-sm">
                    <span className="text-slate-500 tabular-nums">{when(event.at)}</span>{' '}
                    <span className="text-slate-900">{eventText(event)}</span>
                  </li>
                ))}
              </ol>
            </div>
            <div>
              <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Notifications</h3>
              {data.deliveries.length === 0 ? (
                <p className="text-sm text-slate-500">No notifications (the rule has no channels).</p>
              ) : (
                <table className="min-w-full divide-y divide-slate-200 rounded-md border border-slate-200 text-sm">
                  <caption className="sr-only">Notifications per recipient</caption>
                  <TableHead>
                    <th scope="col" className="px-3 py-1.5">Recipient</th>
                    <th scope="col" className="px-3 py-1.5">Channel</th>
                    <th scope="col" className="px-3 py-1.5">For</th>
                    <th scope="col" className="px-3 py-1.5">Status</th>
                    <th scope="col" className="px-3 py-1.5">When</th>
                  </TableHead>
                  <tbody className="divide-y divide-slate-100">
                    {data.deliveries.map((d) => (
                      <tr key={d.id}>
                        <td className="px-3 py-1.5 break-all">{d.recipient}</td>
                        <td className="px-3 py-1.5">{d.channel}</td>
                        <td className="px-3 py-1.5">{deliveryWhat(d)}</td>
                        <td className="px-3 py-1.5">
                          <Badge tone={statusTone(d.status)}>{d.status}</Badge>
                          {(d.error_code ?? d.last_error) && (
                            <span className="block text-xs text-slate-500" title={d.last_error ?? undefined}>
                              {d.error_code ?? d.last_error?.slice(0, 60)}
                            </span>
                          )}
                        </td>
                        <td className="px-3 py-1.5 text-slate-500 tabular-nums">{when(d.sent_at ?? d.created_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}
