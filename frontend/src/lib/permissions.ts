import type { Permission } from '@/types/auth';

export const PERMISSION_LABELS: Record<Permission, { label: string; hint: string }> = {
  manage_devices: { label: 'Manage devices', hint: 'Add, edit, approve and delete devices; name parameters' },
  manage_rules: { label: 'Manage rules', hint: 'Create, edit, enable and delete alert rules' },
  acknowledge_alerts: { label: 'Acknowledge alerts', hint: 'Acknowledge and resolve alerts' },
  run_analytics: { label: 'Run analytics', hint: 'Start anomaly detection and energy forecasts' },
  generate_reports: { label: 'Generate reports', hint: 'Generate reports and schedule them by email' },
};

/** A permission's name for people; an unknown one (a newer backend) shows its key. */
export function permissionLabel(permission: string): string {
  return PERMISSION_LABELS[permission as Permission]?.label ?? permission;
}
