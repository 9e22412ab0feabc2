import {
  AlertsIcon,
  AnalyticsIcon,
  AssetsIcon,
  AuditIcon,
  DashboardIcon,
  EnergyIcon,
  KeyIcon,
  MachinesIcon,
  ReportsIcon,
  RulesIcon,
  SettingsIcon,
  UsersIcon,
  type IconComponent,
} from '@/components/icons';
import { hasPermission, isSuperAdmin } from '@/stores/authStore';
import type { Permission, User } from '@/types/auth';

export interface NavItem {
  to: string;
  label: string;
  icon: IconComponent;
  /** Shown only to the factory's super admins (user management, factory settings). */
  superAdminOnly?: boolean;
  /** Shown only to users holding this permission; super admins hold all of them. */
  permission?: Permission;
  /** Match the path exactly instead of as a prefix. */
  end?: boolean;
}

/**
 * The sidebar, top to bottom. Adding a page is one line here plus its route, e.g.
 *   { to: '/users', label: 'Users', icon: UsersIcon, superAdminOnly: true },
 */
export const NAV_ITEMS: NavItem[] = [
  { to: '/dashboard', label: 'Dashboard', icon: DashboardIcon },
  { to: '/energy', label: 'Energy', icon: EnergyIcon },
  { to: '/assets', label: 'Assets', icon: AssetsIcon },
  { to: '/machines', label: 'Machines', icon: MachinesIcon },
  { to: '/alerts', label: 'Alerts', icon: AlertsIcon },
  { to: '/rules', label: 'Rules', icon: RulesIcon },
  { to: '/analytics', label: 'Analytics', icon: AnalyticsIcon },
  { to: '/reports', label: 'Reports', icon: ReportsIcon },
  { to: '/users', label: 'Users', icon: UsersIcon, superAdminOnly: true },
  { to: '/audit', label: 'Audit log', icon: AuditIcon, superAdminOnly: true },
  { to: '/settings', label: 'Settings', icon: SettingsIcon, superAdminOnly: true, end: true },
  { to: '/settings/api-keys', label: 'API keys', icon: KeyIcon, superAdminOnly: true },
];

export function canSeeNavItem(item: NavItem, user: User | null): boolean {
  if (!user) return false;
  if (item.superAdminOnly && !isSuperAdmin(user)) return false;
  if (item.permission && !hasPermission(user, item.permission)) return false;
  return true;
}

export function visibleNavItems(items: NavItem[], user: User | null): NavItem[] {
  return items.filter((item) => canSeeNavItem(item, user));
}
