import { hasPermission, isSuperAdmin, useAuthStore } from '@/stores/authStore';
import type { Permission } from '@/types/auth';

/** The signed-in factory's time zone and currency, used by every chart axis and amount. */
export function useFactoryLocale(): { timeZone: string; currency: string } {
  const factory = useAuthStore((s) => s.user?.factory);
  return { timeZone: factory?.timezone ?? 'UTC', currency: factory?.currency ?? 'EUR' };
}

/** Hides what the API would refuse anyway; super admins hold every permission. */
export function useCanManageDevices(): boolean {
  return useAuthStore((s) => hasPermission(s.user, 'manage_devices'));
}

export function useHasPermission(permission: Permission): boolean {
  return useAuthStore((s) => hasPermission(s.user, permission));
}

export function useIsSuperAdmin(): boolean {
  return useAuthStore((s) => isSuperAdmin(s.user));
}

export function useCurrentUserId(): number | null {
  return useAuthStore((s) => s.user?.id ?? null);
}
