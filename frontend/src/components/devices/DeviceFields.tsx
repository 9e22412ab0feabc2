import type { ChangeEvent } from 'react';
import { Input } from '@/components/ui';
import type { DeviceFieldValues } from '@/lib/deviceForm';

interface DeviceFieldsProps {
  values: DeviceFieldValues;
  onChange: (values: DeviceFieldValues) => void;
  nameError?: string | null;
  disabled?: boolean;
}

/** The descriptive fields shared by the add and edit dialogs. */
export function DeviceFields({ values, onChange, nameError, disabled }: DeviceFieldsProps) {
  const field = (key: keyof DeviceFieldValues) => ({
    value: values[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => onChange({ ...values, [key]: e.target.value }),
    disabled,
  });
  return (
    <>
      <Input label="Name" required maxLength={200} error={nameError} {...field('name')} className="sm:col-span-2" />
      <Input label="Type" maxLength={64} placeholder="e.g. compressor" {...field('type')} />
      <Input label="Area" maxLength={100} placeholder="e.g. Utilities" {...field('area')} />
      <Input label="Location" maxLength={200} placeholder="e.g. Hall A, east wall" {...field('location')} className="sm:col-span-2" />
      <Input label="Manufacturer" maxLength={100} {...field('manufacturer')} />
      <Input label="Model" maxLength={100} {...field('model')} />
    </>
  );
}
