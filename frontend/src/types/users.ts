/** Users (/users) and the audit trail (/audit). */
import type { QueryOf, Schema } from '@/types/api';

export type ManagedUser = Schema<'UserRead'> & {
  /**
   * The invitation address, only in the answer to an invitation or a resend and only when
   * the platform cannot email it (no SMTP server): the admin passes it on.
   */
  invite_link?: Schema<'UserInvited'>['invite_link'];
};
/** invited: no password yet; active: can sign in; deactivated: cannot, history kept. */
export type UserStatus = ManagedUser['status'];

/** What every user of the factory may see of an active colleague (GET /users/directory). */
export type DirectoryUser = Schema<'DirectoryEntry'>;
export type UserInvite = Schema<'UserInvite'>;
export type UserUpdate = Schema<'UserUpdate'>;
export type UserListParams = QueryOf<'/api/v1/users'>;

export type AuditActor = Schema<'AuditActor'>;
export type AuditEntry = Schema<'AuditEntryRead'>;
export type AuditListParams = QueryOf<'/api/v1/audit'>;

/** What accepting an invitation or resetting a password answers: the account can sign in. */
export type AccountReady = Schema<'AccountReady'>;

/** One failed rule of the password policy (422 WEAK_PASSWORD details). */
export interface PasswordPolicyFailure {
  rule: string;
  message: string;
}
