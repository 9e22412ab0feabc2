import { useState, type FormEvent } from 'react';
import { getErrorMessage } from '@/api/errors';
import { DeviceFields } from '@/components/devices/DeviceFields';
import { Banner, Button, Modal } from '@/components/ui';
import { useUpdateDevice } from '@/hooks/useDevices';
import { deviceFieldsPayload, type DeviceFieldValues } from '@/lib/deviceForm';
import type { Device } from '@/types/device';

export function EditDeviceDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const update = useUpdateDevice(device.id);
  const [fields, setFields] = useState<DeviceFieldValues>({
    name: device.name,
    type: device.type ?? '',
    location: device.location ?? '',
    area: device.area ?? '',
    manufacturer: device.manufacturer ?? '',
    model: device.model ?? '',
  });
  const nameError = fields.name.trim() === '' ? 'Enter a name.' : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (nameError) return;
    update.mutate(deviceFieldsPayload(fields), { onSuccess: onClose });
  };

  return (
    <Modal
      open
      onClose={onClose}
      title={`Edit ${device.name}`}
      description={`Device key ${device.device_key} stays as it is: it is part of the device's MQTT topic.`}
      size="lg"
      dismissible={!update.isPending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="edit-device-form" loading={update.isPending}>
            Save
          </Button>
        </>
      }
    >
      <form id="edit-device-form" onSubmit={submit} noValidate className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        {update.isError && (
          <Banner tone="danger" className="sm:col-span-2">
            {getErrorMessage(update.error)}
          </Banner>
        )}
        <DeviceFields values={fields} onChange={setFields} nameError={nameError} disabled={update.isPending} />
      </form>
    </Modal>
  );
}
