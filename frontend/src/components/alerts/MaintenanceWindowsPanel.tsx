import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { Badge, Button, Card, CardBody, CardHeader, Input, QueryState, Select } from '@/components/ui';
import { useCreateMaintenanceWindow, useDeleteMaintenanceWindow, useMaintenanceWindows } from '@/hooks/useAlerts';
import { useNow } from '@/hooks/useNow';
import { formatDateTime } from '@/lib/format';

const DURATIONS = [1, 2, 4, 8, 24, 72];

/** The device's maintenance windows: while one is on, its alerts are recorded as muted and notify nobody. */
export function MaintenanceWindowsPanel({ deviceId, timeZone, canManage }: { deviceId: number; timeZone: string; canManage: boolean }) {
  const windows = useMaintenanceWindows(deviceId);
  const create = useCreateMaintenanceWindow(deviceId);
  const remove = useDeleteMaintenanceWindow(deviceId);
  const [hours, setHours] = useState(2);
  const [reason, setReason] = useState('');
  const now = useNow(30_000);

  const start = () => {
    const startsAt = new Date();
    const endsAt = new Date(startsAt.getTime() + hours * 3_600_000);
    create.mutate(
      { starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString(), reason: reason.trim() },
      { onSuccess: () => setReason('') },
    );
  };

  return (
    <Card>
      <CardHeader title="Maintenance windows" description="Alerts raised during a window are recorded as muted and notify nobody." />
      <CardBody className="flex flex-col gap-4">
        {canManage && (
          <div className="flex flex-wrap items-end gap-2">
            <Select label="Mute from now for" value={hours} onChange={(e) => setHours(Number(e.target.value))} className="w-40">
              {DURATIONS.map((h) => (
                <option key={h} value={h}>
                  {h} hour{h > 1 ? 's' : ''}
                </option>
              ))}
            </Select>
            <Input label="Reason" value={reason} maxLength={300} onChange={(e) => setReason(e.target.value)} className="min-w-56 flex-1" />
            <Button size="sm" loading={create.isPending} onClick={start}>
              Start maintenance
            </Button>
            {(create.error ?? remove.error) && (
              <p role="alert" className="w-full text-xs text-red-700">
                {getErrorMessage(create.error ?? remove.error)}
              </p>
            )}
          </div>
        )}
        <QueryState
          query={windows}
          loadingLabel="Loading maintenance windows"
          errorTitle="Could not load the maintenance windows"
          isEmpty={(data) => data.length === 0}
          empty={<p className="text-sm text-slate-500">No maintenance windows.</p>}
        >
          {(data) => (
            <ul className="divide-y divide-slate-100 text-sm" aria-label="Maintenance windows">
              {data.map((w) => {
                const active = Date.parse(w.starts_at) <= now && now < Date.parse(w.ends_at);
                return (
                  <li key={w.id} className="flex flex-wrap items-center gap-2 py-2">
                    {active && <Badge tone="warning">Muted now</Badge>}
                    <span className="tabular-nums">
                      {formatDateTime(w.starts_at, timeZone)} – {formatDateTime(w.ends_at, timeZone)}
                    </span>
                    {w.reason && <span className="text-slate-500">{w.reason}</span>}
                    {canManage && (
                      <Button size="sm" variant="secondary" className="ml-auto" loading={remove.isPending} onClick={() => remove.mutate(w.id)}>
                        Remove
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </QueryState>
      </CardBody>
    </Card>
  );
}
