/** The users API (backend/app/schemas/user.py) and the audit trail (schemas/audit.py). */
import type { Permission, Role } from '@/types/auth';

/** invited: no password yet; active: can sign in; deactivated: cannot, history kept. */
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface ManagedUser {
  id: number;
  email: string;
  full_name: string;
  role: Role;
  permissions: string[];
  phone: string | null;
  is_active: boolean;
  status: UserStatus;
  invited_at: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
  /**
   * The invitation address, only in the answer to an invitation or a resend and only when
   * the platform cannot email it (no SMTP server): the admin passes it on.
   */
  invite_link?: string | null;
}

/** What every user of the factory may see of an active colleague (GET /users/directory). */
export interface DirectoryUser {
  id: number;
  full_name: string;
  email: string;
}

export interface UserInvite {
  email: string;
  full_name: string;
  role: Role;
  permissions: Permission[];
  phone?: string | null;
}

export interface UserUpdate {
  full_name?: string;
  role?: Role;
  permissions?: Permission[];
  phone?: string | null;
}

export interface UserListParams {
  q?: string;
  role?: Role;
  is_active?: boolean;
  page?: number;
  per_page?: number;
}

export interface AuditActor {
  id: number;
  email: string;
  full_name: string;
}

export interface AuditEntry {
  id: number;
  created_at: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  details: Record<string, unknown>;
  ip_address: string | null;
  user_id: number | null;
  user: AuditActor | null;
}

export interface AuditListParams {
  action?: string;
  entity_type?: string;
  user_id?: number;
  since?: string;
  until?: string;
  page?: number;
  per_page?: number;
}

/** What accepting an invitation or resetting a password answers: the account can sign in. */
export interface AccountReady {
  user_id: number;
  email: string;
  factory_id: number;
  factory_slug: string;
}

/** One failed rule of the password policy (422 WEAK_PASSWORD details). */
export interface PasswordPolicyFailure {
  rule: string;
  message: string;
}
