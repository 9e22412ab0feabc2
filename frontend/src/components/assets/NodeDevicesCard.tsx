import { useState } from 'react';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { Button, Card, CardBody, CardHeader, ErrorDetailsBanner } from '@/components/ui';
import { useSetNodeDevices } from '@/hooks/useAssets';
import { useDeviceNames } from '@/hooks/useDevices';
import type { AssetNode } from '@/types/assets';

const NODE_DEVICES_MAX = 1000;

/** The devices hung on a node itself (a device hangs on one node: choosing it here moves it). */
export function NodeDevicesCard({ node, canManage }: { node: AssetNode; canManage: boolean }) {
  const save = useSetNodeDevices();
  const name = useDeviceNames();
  const [draft, setDraft] = useState<number[] | null>(null);
  const chosen = draft ?? node.device_ids;
  return (
    <Card>
      <CardHeader
        title="Devices"
        as="h3"
        description="Their energy counts toward this node and every node above it."
        actions={
          canManage &&
          (draft === null ? (
            <Button size="sm" variant="secondary" onClick={() => setDraft(node.device_ids)}>
              Attach devices
            </Button>
          ) : (
            <>
              <Button size="sm" variant="ghost" onClick={() => setDraft(null)} disabled={save.isPending}>
                Cancel
              </Button>
              <Button size="sm" loading={save.isPending} onClick={() => save.mutate({ id: node.id, deviceIds: chosen }, { onSuccess: () => setDraft(null) })}>
                Save devices
              </Button>
            </>
          ))
        }
      />
      <CardBody className="flex flex-col gap-3">
        <ErrorDetailsBanner error={save.error} />
        {draft !== null ? (
          <DevicePicker label="Devices on this node" selected={chosen} onChange={setDraft} max={NODE_DEVICES_MAX} hint="A device already on another node moves here." />
        ) : node.device_ids.length === 0 ? (
          <p className="text-sm text-slate-500">No device hangs on this node itself.</p>
        ) : (
          <ul aria-label={`Devices of ${node.name}`} className="flex flex-wrap gap-1.5">
            {node.device_ids.map((id) => (
              <li key={id} className="rounded-full bg-slate-100 px-2.5 py-0.5 text-sm text-slate-800">
                {name(id)}
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
