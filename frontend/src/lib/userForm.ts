import { normalisePhone } from '@/lib/ruleForm';
import type { Permission, Role } from '@/types/auth';
import type { UserInvite } from '@/types/users';

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const E164 = /^\+[1-9][0-9]{6,14}$/;

export interface InviteValues {
  email: string;
  fullName: string;
  role: Role;
  permissions: Permission[];
  phone: string;
}

export function invitePayload(values: InviteValues): { body: UserInvite | null; errors: Partial<Record<'email' | 'phone', string>> } {
  const errors: Partial<Record<'email' | 'phone', string>> = {};
  const email = values.email.trim().toLowerCase();
  if (!EMAIL.test(email)) errors.email = 'Enter an email address.';
  const phone = normalisePhone(values.phone);
  if (phone && !E164.test(phone)) errors.phone = 'Use the international form, e.g. +4915112345678.';
  if (Object.keys(errors).length > 0) return { body: null, errors };
  const body: UserInvite = {
    email,
    full_name: values.fullName.trim(),
    role: values.role,
    // A super admin holds every permission; sending a list would only suggest otherwise.
    permissions: values.role === 'super_admin' ? [] : [...values.permissions].sort(),
  };
  if (phone) body.phone = phone;
  return { body, errors };
}

