import { hasPermission, useAuthStore } from '@/stores/authStore';

/** The signed-in factory's time zone and currency, used by every chart axis and amount. */
export function useFactoryLocale(): { timeZone: string; currency: string } {
  const factory = useAuthStore((s) => s.user?.factory);
  return { timeZone: factory?.timezone ?? 'UTC', currency: factory?.currency ?? 'EUR' };
}

/** Hides what the API would refuse anyway; super admins hold every permission. */
export function useCanManageDevices(): boolean {
  return useAuthStore((s) => hasPermission(s.user, 'manage_devices'));
}
