/** API keys (/api-keys): credentials for programs, managed by super admins. */
import { membersOf, type Schema } from '@/types/api';

export type ApiKey = Schema<'ApiKeyRead'>;
/** The answer to creating a key: the only time the key itself is shown. */
export type ApiKeyCreated = Schema<'ApiKeyCreated'>;
export type ApiKeyCreate = Schema<'ApiKeyCreate'>;
/** active: usable; expired: past its expiry; revoked: switched off for good. */
export type ApiKeyStatus = ApiKey['status'];
export type ApiKeyPermission = NonNullable<ApiKeyCreate['permissions']>[number];
// A person's permissions, then the key-only one (backend/app/models/api_key.py).
export const API_KEY_PERMISSIONS = membersOf<ApiKeyPermission>()([
  'manage_devices',
  'manage_rules',
  'acknowledge_alerts',
  'run_analytics',
  'generate_reports',
  'ingest',
]);
