import { getApiError, getErrorCode } from '@/api/errors';
import type { PasswordPolicyFailure } from '@/types/users';

/** What the server's policy asks (backend/app/services/password_policy.py), shown before typing. */
export const PASSWORD_RULES = [
  'At least 10 characters',
  'Not only letters and not only digits',
  'Not the part of your email address before the @',
  'Not one of the most commonly used passwords',
];

/**
 * The sentences of a 422 WEAK_PASSWORD, one per failed rule, as the server words them; null
 * for any other error.
 */
export function passwordPolicyMessages(err: unknown): string[] | null {
  if (getErrorCode(err) !== 'WEAK_PASSWORD') return null;
  const details = getApiError(err)?.details;
  if (!Array.isArray(details)) return [getApiError(err)?.message ?? 'The password is too weak.'];
  const messages = (details as Partial<PasswordPolicyFailure>[])
    .map((d) => d.message)
    .filter((m): m is string => typeof m === 'string' && m.length > 0);
  return messages.length > 0 ? messages : [getApiError(err)?.message ?? 'The password is too weak.'];
}

/** Checks the browser can make before asking the server; the server's policy decides. */
export function newPasswordProblem(password: string, confirmation: string): string | null {
  if (password.length === 0) return 'Enter a password.';
  if (password !== confirmation) return 'The two passwords do not match.';
  return null;
}
