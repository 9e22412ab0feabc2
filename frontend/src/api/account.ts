/** Invitations and passwords: the public links of account emails, and the own password. */
import { api } from '@/api/client';
import type { ItemResponse } from '@/types/api';
import type { AuthSession } from '@/types/auth';
import type { AccountReady } from '@/types/users';

/** The factory an emailed link names (`?factory=<slug>`), or the one chosen before signing in. */
export type FactoryRef = { factory_slug: string } | { factory_id: number };

export async function acceptInvite(
  body: FactoryRef & { token: string; password: string; full_name?: string },
): Promise<AccountReady> {
  const res = await api.post<ItemResponse<AccountReady>>('/auth/accept-invite', body);
  return res.data.data;
}

export async function requestPasswordReset(body: FactoryRef & { email: string }): Promise<string> {
  const res = await api.post<ItemResponse<{ message: string }>>('/auth/forgot-password', body);
  return res.data.data.message;
}

export async function resetPassword(body: FactoryRef & { token: string; password: string }): Promise<AccountReady> {
  const res = await api.post<ItemResponse<AccountReady>>('/auth/reset-password', body);
  return res.data.data;
}

/** Signs the account out everywhere else; the answer carries this browser's new tokens. */
export async function changePassword(body: { current_password: string; new_password: string }): Promise<AuthSession> {
  const res = await api.post<ItemResponse<AuthSession>>('/auth/change-password', body);
  return res.data.data;
}
