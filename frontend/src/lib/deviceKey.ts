/**
 * The device key is one MQTT topic level. These are the API's own rules
 * (backend/app/schemas/device.py, check_device_key), checked here so the user learns at once.
 */
export const DEVICE_KEY_MAX = 128;

export function deviceKeyError(key: string): string | null {
  // Counted in characters as the API counts them, not UTF-16 units.
  const length = [...key].length;
  if (length === 0) return 'Enter a device key.';
  if (length > DEVICE_KEY_MAX) return `Use at most ${DEVICE_KEY_MAX} characters.`;
  if (key.startsWith('$')) return 'The key must not start with $ (the broker reserves those topics).';
  if (/[/+#]/.test(key)) return 'The key must not contain /, + or # (they have a meaning in MQTT topics).';
  if (/[\s\p{C}]/u.test(key)) return 'The key must not contain spaces or invisible characters.';
  return null;
}
