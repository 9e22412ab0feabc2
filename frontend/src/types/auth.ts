export type Role = 'super_admin' | 'user';

export const PERMISSIONS = [
  'manage_devices',
  'manage_rules',
  'acknowledge_alerts',
  'run_analytics',
  'generate_reports',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** What the public factory directory reveals: nothing beyond id, name and slug. */
export interface FactorySummary {
  id: number;
  name: string;
  slug: string;
}

export interface FactoryDetail extends FactorySummary {
  timezone: string;
  currency: string;
}

/**
 * The factory chosen before signing in. `id` is null when the directory is switched off and
 * the user typed a factory code: only the slug is known until the login answers.
 */
export interface SelectedFactory {
  id: number | null;
  name: string;
  slug: string;
}

export interface User {
  id: number;
  factory_id: number;
  email: string;
  full_name: string;
  role: Role;
  // Kept as plain strings: the backend may grow permissions before the UI knows them.
  permissions: string[];
  is_active: boolean;
  last_login_at: string | null;
  factory: FactoryDetail;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface AuthSession extends TokenPair {
  user: User;
}

export type LoginRequest =
  | { factory_id: number; email: string; password: string }
  | { factory_slug: string; email: string; password: string };
