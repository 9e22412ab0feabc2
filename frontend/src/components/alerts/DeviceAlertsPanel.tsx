import { useState } from 'react';
import { Link } from 'react-router-dom';
import { AlertDetailsDialog } from '@/components/alerts/AlertDetailsDialog';
import { AlertTable } from '@/components/alerts/AlertTable';
import { Card, CardHeader, EmptyState, QueryState } from '@/components/ui';
import { useAlerts } from '@/hooks/useAlerts';
import { useHasPermission } from '@/hooks/useFactoryContext';
import { useNow } from '@/hooks/useNow';

const SHOWN = 10;

/** The device page's alerts: the newest ones of this device, whatever their status. */
export function DeviceAlertsPanel({ deviceId, timeZone }: { deviceId: number; timeZone: string }) {
  const alerts = useAlerts({ device_id: deviceId, page: 1, per_page: SHOWN });
  const canAcknowledge = useHasPermission('acknowledge_alerts');
  const now = useNow(30_000);
  const [openId, setOpenId] = useState<number | null>(null);
  const data = alerts.data;
  const open = data?.data.filter((a) => a.status !== 'resolved').length ?? 0;

  return (
    <Card>
      <CardHeader
        title="Alerts"
        description={data ? `${data.total} in all · ${open} of the newest ${Math.min(SHOWN, data.total)} not resolved` : 'Raised by rules for this device.'}
        actions={
          <Link to={`/alerts?device_id=${deviceId}&status=any`} className="text-sm font-medium text-sky-700 hover:underline">
            All alerts of this device
          </Link>
        }
      />
      <QueryState
        query={alerts}
        loadingLabel="Loading alerts"
        errorTitle="Could not load the alerts"
        isEmpty={(d) => d.data.length === 0}
        empty={<EmptyState title="No alerts for this device" description="Rules that watch this device raise them here." />}
        inset
        loadingClassName="py-8"
      >
        {(list) => (
          <AlertTable
            alerts={list.data}
            timeZone={timeZone}
            now={now}
            caption="Alerts of this device"
            canAcknowledge={canAcknowledge}
            showDevice={false}
            onOpen={(alert) => setOpenId(alert.id)}
          />
        )}
      </QueryState>
      {openId !== null && (
        <AlertDetailsDialog alertId={openId} timeZone={timeZone} canAcknowledge={canAcknowledge} onClose={() => setOpenId(null)} />
      )}
    </Card>
  );
}
