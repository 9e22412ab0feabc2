import { useState, type FormEvent } from 'react';
import { CredentialsPanel } from '@/components/devices/CredentialsPanel';
import { DeviceFields } from '@/components/devices/DeviceFields';
import { Button, ErrorDetailsBanner, FormDialog, Input, Modal } from '@/components/ui';
import { useCreateDevice } from '@/hooks/useDevices';
import { deviceFieldsPayload, EMPTY_DEVICE_FIELDS, type DeviceFieldValues } from '@/lib/deviceForm';
import { DEVICE_KEY_MAX, deviceKeyError } from '@/lib/deviceKey';
import type { DeviceWithCredentials } from '@/types/device';

interface AddDeviceDialogProps {
  onClose: () => void;
  /** Offered once the device exists, e.g. to open its page. */
  onOpenDevice?: (deviceId: number) => void;
}

/**
 * Registers a device and then shows its MQTT credentials, once. Mount it only while open:
 * unmounting is what forgets the token.
 */
export function AddDeviceDialog({ onClose, onOpenDevice }: AddDeviceDialogProps) {
  const create = useCreateDevice();
  const [deviceKey, setDeviceKey] = useState('');
  const [fields, setFields] = useState<DeviceFieldValues>(EMPTY_DEVICE_FIELDS);
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<DeviceWithCredentials | null>(null);

  const keyError = touched ? deviceKeyError(deviceKey) : null;
  const nameError = touched && fields.name.trim() === '' ? 'Enter a name.' : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (deviceKeyError(deviceKey) || fields.name.trim() === '') return;
    create.mutate(
      { device_key: deviceKey, ...deviceFieldsPayload(fields) },
      {
        onSuccess: (result) => {
          setCreated(result);
          // The mutation keeps its data for its observers; the token must live only here.
          create.reset();
        },
      },
    );
  };

  if (created) {
    return (
      <Modal
        open
        onClose={onClose}
        title={`Device “${created.device.name}” added`}
        description="Configure the device with these MQTT settings."
        size="lg"
        // A stray click outside must not throw away a token that cannot be shown again.
        dismissible={false}
        footer={
          <>
            {onOpenDevice && (
              <Button variant="secondary" onClick={() => onOpenDevice(created.device.id)}>
                Open device
              </Button>
            )}
            <Button onClick={onClose}>Done, I saved the token</Button>
          </>
        }
      >
        <CredentialsPanel credentials={created.credentials} />
      </Modal>
    );
  }

  return (
    <FormDialog
      formId="add-device-form"
      title="Add device"
      description="Register a meter or gateway. It receives its own MQTT token."
      onClose={onClose}
      onSubmit={submit}
      pending={create.isPending}
      submitLabel="Add device"
    >
      <ErrorDetailsBanner error={create.error} className="sm:col-span-2" />
      <Input
        label="Device key"
        required
        value={deviceKey}
        onChange={(e) => setDeviceKey(e.target.value)}
        onBlur={() => deviceKey && setTouched(true)}
        maxLength={DEVICE_KEY_MAX}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        placeholder="e.g. compressor-2"
        hint="The device's name in its MQTT topic: no spaces, no / + #, not starting with $. It cannot be changed later."
        error={keyError}
        className="sm:col-span-2"
        disabled={create.isPending}
      />
      <DeviceFields values={fields} onChange={setFields} nameError={nameError} disabled={create.isPending} />
    </FormDialog>
  );
}
