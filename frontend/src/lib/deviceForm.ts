export interface DeviceFieldValues {
  name: string;
  type: string;
  location: string;
  area: string;
  manufacturer: string;
  model: string;
}

export const EMPTY_DEVICE_FIELDS: DeviceFieldValues = {
  name: '',
  type: '',
  location: '',
  area: '',
  manufacturer: '',
  model: '',
};

/** Trimmed values, blanks as null: the API clears a field given an empty value. */
export function deviceFieldsPayload(values: DeviceFieldValues) {
  const text = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    name: values.name.trim(),
    type: text(values.type),
    location: text(values.location),
    area: text(values.area),
    manufacturer: text(values.manufacturer),
    model: text(values.model),
  };
}
