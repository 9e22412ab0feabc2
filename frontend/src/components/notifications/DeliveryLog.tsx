import { useState } from 'react';
import { Badge, DataTable, EmptyState, Pagination, QueryState, type BadgeTone } from '@/components/ui';
import { useFactoryLocale } from '@/hooks/useFactoryContext';
import { useDeliveries } from '@/hooks/useNotifications';
import { formatDateTime } from '@/lib/format';
import type { Delivery, DeliveryQuery } from '@/types/notifications';

const PER_PAGE = 10;

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  pending: { label: 'Pending', tone: 'neutral' },
  retrying: { label: 'Retrying', tone: 'warning' },
  sent: { label: 'Sent', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'success' },
  read: { label: 'Read', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  digested: { label: 'In a digest', tone: 'neutral' },
};

function lastChange(d: Delivery): string | null {
  return d.read_at ?? d.delivered_at ?? d.sent_at ?? null;
}

/** Deliveries of one channel (or endpoint), newest first, as their providers last reported. */
export function DeliveryLog({ filter, caption }: { filter: DeliveryQuery; caption: string }) {
  const [page, setPage] = useState(1);
  const { timeZone } = useFactoryLocale();
  const deliveries = useDeliveries({ ...filter, page, per_page: PER_PAGE });
  return (
    <QueryState
      query={deliveries}
      loadingLabel="Loading deliveries"
      errorTitle="Could not load the delivery log"
      isEmpty={(d) => d.total === 0}
      loadingClassName="py-6"
      empty={<EmptyState title="Nothing sent yet" description="Deliveries appear here as alerts go out." />}
    >
      {(data) => (
        <div className="rounded-md border border-slate-200">
          <DataTable
            caption={caption}
            dimmed={deliveries.isPlaceholderData}
            head={
              <>
                <th scope="col" className="px-3 py-2">Created</th>
                <th scope="col" className="px-3 py-2">To</th>
                <th scope="col" className="px-3 py-2">Event</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="hidden px-3 py-2 md:table-cell">Detail</th>
              </>
            }
          >
            {data.data.map((d) => {
              const status = STATUS[d.status] ?? { label: d.status, tone: 'neutral' as BadgeTone };
              const changed = lastChange(d);
              return (
                <tr key={d.id}>
                  <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(d.created_at, timeZone)}</td>
                  <td className="px-3 py-2">{d.recipient}</td>
                  <td className="px-3 py-2">
                    {d.event}
                    {d.alert_id !== null && <span className="text-slate-500"> · alert {d.alert_id}</span>}
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={status.tone}>{status.label}</Badge>
                  </td>
                  <td className="hidden max-w-xs px-3 py-2 text-xs text-slate-600 md:table-cell">
                    {d.error_code && <span className="font-mono">{d.error_code} </span>}
                    {d.last_error ?? (changed ? `${status.label} ${formatDateTime(changed, timeZone)}` : `${d.attempts} attempts`)}
                  </td>
                </tr>
              );
            })}
          </DataTable>
          <Pagination page={page} perPage={data.per_page} total={data.total} onPage={setPage} what="deliveries" />
        </div>
      )}
    </QueryState>
  );
}
