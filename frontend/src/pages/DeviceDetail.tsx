import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { getErrorMessage, getErrorStatus } from '@/api/errors';
import { DeviceAlertsPanel } from '@/components/alerts/DeviceAlertsPanel';
import { MaintenanceWindowsPanel } from '@/components/alerts/MaintenanceWindowsPanel';
import { CredentialsPanel } from '@/components/devices/CredentialsPanel';
import { DeviceStatusBadge, OnlineIndicator } from '@/components/devices/DeviceBadges';
import { DeviceEnergyPanel } from '@/components/devices/DeviceEnergyPanel';
import { EditDeviceDialog } from '@/components/devices/EditDeviceDialog';
import { HistoryPanel } from '@/components/devices/HistoryPanel';
import { LivePanel } from '@/components/devices/LivePanel';
import { ParameterTable } from '@/components/devices/ParameterTable';
import { Button, Card, CardBody, CardHeader, ConfirmDialog, DeleteDialog, EmptyState, Modal, QueryState } from '@/components/ui';
import {
  useDeleteDevice,
  useDevice,
  useDeviceParameters,
  useRotateDeviceToken,
  useSetDeviceEnabled,
  useUpdateDevice,
} from '@/hooks/useDevices';
import { useCanManageDevices, useFactoryLocale } from '@/hooks/useFactoryContext';
import { useNow } from '@/hooks/useNow';
import type { Device, DeviceCredentials } from '@/types/device';

type Dialog = 'edit' | 'rotate' | 'delete' | 'disable' | null;

function DeviceActions({ device }: { device: Device }) {
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [credentials, setCredentials] = useState<DeviceCredentials | null>(null);
  const enable = useSetDeviceEnabled(device.id);
  const approve = useUpdateDevice(device.id);
  const rotate = useRotateDeviceToken(device.id);
  const remove = useDeleteDevice();

  const close = () => {
    setDialog(null);
    rotate.reset();
    remove.reset();
    enable.reset();
  };

  return (
    <>
      <div className="flex flex-wrap gap-2">
        {device.status === 'discovered' && (
          <Button size="sm" onClick={() => approve.mutate({ status: 'active' })} loading={approve.isPending}>
            Approve
          </Button>
        )}
        <Button size="sm" variant="secondary" onClick={() => setDialog('edit')}>
          Edit
        </Button>
        {device.status === 'disabled' ? (
          <Button size="sm" variant="secondary" onClick={() => enable.mutate(true)} loading={enable.isPending}>
            Activate
          </Button>
        ) : (
          <Button size="sm" variant="secondary" onClick={() => setDialog('disable')}>
            Deactivate
          </Button>
        )}
        <Button size="sm" variant="secondary" onClick={() => setDialog('rotate')}>
          Rotate token
        </Button>
        <Button size="sm" variant="danger" onClick={() => setDialog('delete')}>
          Delete
        </Button>
      </div>
      {(approve.isError || (enable.isError && dialog === null)) && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {getErrorMessage(approve.error ?? enable.error)}
        </p>
      )}

      {dialog === 'edit' && <EditDeviceDialog device={device} onClose={close} />}

      <ConfirmDialog
        open={dialog === 'disable'}
        title={`Deactivate ${device.name}?`}
        confirmLabel="Deactivate"
        tone="danger"
        pending={enable.isPending}
        error={enable.isError ? getErrorMessage(enable.error) : null}
        onCancel={close}
        onConfirm={() => enable.mutate(false, { onSuccess: close })}
      >
        <p>Telemetry from this device will be refused until it is activated again. Its history is kept.</p>
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === 'rotate'}
        title="Rotate the device token?"
        confirmLabel="Rotate token"
        tone="danger"
        pending={rotate.isPending}
        error={rotate.isError ? getErrorMessage(rotate.error) : null}
        onCancel={close}
        onConfirm={() =>
          rotate.mutate(undefined, {
            onSuccess: (result) => {
              setCredentials(result.credentials);
              setDialog(null);
              rotate.reset();
            },
          })
        }
      >
        <p>
          The current token stops working at once: <strong>{device.name}</strong> cannot publish until it is configured with the
          new one.
        </p>
      </ConfirmDialog>

      <DeleteDialog
        item={dialog === 'delete' ? device : null}
        title={(d) => `Delete ${d.name}?`}
        confirmLabel="Delete device"
        remove={remove}
        onClose={close}
        onDeleted={() => void navigate('/machines', { replace: true })}
      >
        {(d) => (
          <p>
            The device <strong>{d.name}</strong> ({d.device_key}) is removed with its parameters, its stored telemetry and its latest
            values. This cannot be undone.
          </p>
        )}
      </DeleteDialog>

      {credentials && (
        <Modal
          open
          onClose={() => setCredentials(null)}
          title="New device token"
          description={`Give ${device.name} these MQTT settings.`}
          size="lg"
          dismissible={false}
          footer={<Button onClick={() => setCredentials(null)}>Done, I saved the token</Button>}
        >
          <CredentialsPanel credentials={credentials} />
        </Modal>
      )}
    </>
  );
}

function DeviceHeader({ device, canManage }: { device: Device; canManage: boolean }) {
  const { timeZone } = useFactoryLocale();
  const now = useNow(5000);
  const place = [device.location, device.area].filter(Boolean).join(' · ');
  const hardware = [device.type, device.manufacturer, device.model].filter(Boolean).join(' · ');
  return (
    <div className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
      <div className="min-w-0">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
          <Link to="/machines" className="hover:text-slate-800 hover:underline">
            Machines
          </Link>
          <span aria-hidden="true"> / </span>
          <span className="text-slate-700">{device.name}</span>
        </nav>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{device.name}</h1>
          <DeviceStatusBadge status={device.status} />
          <OnlineIndicator online={device.online} lastSeenAt={device.last_seen_at} now={now} timeZone={timeZone} />
        </div>
        <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <div className="flex gap-1.5">
            <dt className="text-slate-500">Key</dt>
            <dd className="font-mono text-slate-800">{device.device_key}</dd>
          </div>
          {place && (
            <div className="flex gap-1.5">
              <dt className="text-slate-500">Location</dt>
              <dd className="text-slate-800">{place}</dd>
            </div>
          )}
          {hardware && (
            <div className="flex gap-1.5">
              <dt className="text-slate-500">Equipment</dt>
              <dd className="text-slate-800">{hardware}</dd>
            </div>
          )}
        </dl>
      </div>
      {canManage && <DeviceActions device={device} />}
    </div>
  );
}

function ParametersCard({ deviceId, canManage, timeZone }: { deviceId: number; canManage: boolean; timeZone: string }) {
  const parameters = useDeviceParameters(deviceId);
  return (
    <>
      <HistoryPanel deviceId={deviceId} parameters={parameters.data ?? []} timeZone={timeZone} />
      <Card>
        <CardHeader
          title="Parameters"
          description={canManage ? 'Discovered from the device’s telemetry.' : 'Discovered from the device’s telemetry (read-only).'}
        />
        <CardBody>
          <QueryState query={parameters} loadingLabel="Loading parameters" errorTitle="Could not load the parameters" loadingClassName="py-8">
            {(list) => <ParameterTable deviceId={deviceId} parameters={list} canEdit={canManage} />}
          </QueryState>
        </CardBody>
      </Card>
    </>
  );
}

export default function DeviceDetail() {
  const { deviceId: raw } = useParams();
  const deviceId = Number(raw);
  const valid = Number.isSafeInteger(deviceId) && deviceId > 0;
  const canManage = useCanManageDevices();
  const { timeZone } = useFactoryLocale();

  if (!valid) return <DeviceMissing />;
  return <DeviceDetailBody deviceId={deviceId} canManage={canManage} timeZone={timeZone} />;
}

function DeviceMissing() {
  return (
    <div className="mx-auto max-w-xl py-10">
      <EmptyState
        title="Device not found"
        description="It may have been deleted, or the link is wrong."
        action={
          <Link to="/machines" className="text-sm font-medium text-sky-700 hover:underline">
            Back to the machines
          </Link>
        }
      />
    </div>
  );
}

function DeviceDetailBody({ deviceId, canManage, timeZone }: { deviceId: number; canManage: boolean; timeZone: string }) {
  const device = useDevice(deviceId);

  if (device.isError && getErrorStatus(device.error) === 404) return <DeviceMissing />;
  return (
    <QueryState query={device} loadingLabel="Loading device" errorTitle="Could not load the device" loadingClassName="min-h-[40vh] items-center">
      {(loaded) => (
        <div className="mx-auto flex max-w-7xl flex-col gap-6">
          <DeviceHeader device={loaded} canManage={canManage} />
          <LivePanel deviceId={deviceId} timeZone={timeZone} canEdit={canManage} />
          <DeviceAlertsPanel deviceId={deviceId} timeZone={timeZone} />
          <MaintenanceWindowsPanel deviceId={deviceId} timeZone={timeZone} canManage={canManage} />
          <DeviceEnergyPanel deviceId={deviceId} />
          <ParametersCard deviceId={deviceId} canManage={canManage} timeZone={timeZone} />
        </div>
      )}
    </QueryState>
  );
}
