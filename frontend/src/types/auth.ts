/** Signing in and the signed-in user (POST /auth/login, GET /auth/me, GET /factories). */
import { membersOf } from '@/types/api';
import type { Schema } from '@/types/api';

export type Role = Schema<'UserRead'>['role'];

export type Permission = NonNullable<Schema<'UserInvite'>['permissions']>[number];
export const PERMISSIONS = membersOf<Permission>()([
  'manage_devices',
  'manage_rules',
  'acknowledge_alerts',
  'run_analytics',
  'generate_reports',
]);

/** What the public factory directory reveals: nothing beyond id, name and slug. */
export type FactorySummary = Schema<'FactoryPublic'>;
export type FactoryDetail = Schema<'FactoryBrief'>;

/**
 * The factory chosen before signing in. `id` is null when the directory is switched off and
 * the user typed a factory code: only the slug is known until the login answers.
 */
export interface SelectedFactory {
  id: number | null;
  name: string;
  slug: string;
}

/** Permissions stay plain strings: the backend may grow permissions before the UI knows them. */
export type User = Schema<'CurrentUserRead'>;

/** A sign-in, a refresh or a password change: the tokens and who they belong to. */
export type AuthSession = Schema<'TokenPair'>;
export type TokenPair = Omit<AuthSession, 'user'>;

/** The API takes either factory reference and refuses neither; the web app sends exactly one. */
type Credentials = Pick<Schema<'LoginRequest'>, 'email' | 'password'>;
export type LoginRequest =
  | (Credentials & { factory_id: number })
  | (Credentials & { factory_slug: string });
