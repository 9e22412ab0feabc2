import { Badge, type BadgeTone } from '@/components/ui';
import { formatAgo, formatDateTime } from '@/lib/format';
import { cn } from '@/lib/cn';
import type { DeviceStatus } from '@/types/device';

const STATUS: Record<DeviceStatus, { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'success' },
  discovered: { label: 'Discovered', tone: 'info' },
  disabled: { label: 'Disabled', tone: 'neutral' },
};

export function DeviceStatusBadge({ status }: { status: DeviceStatus }) {
  const { label, tone } = STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}

interface OnlineIndicatorProps {
  online: boolean;
  lastSeenAt: string | null;
  now: number;
  timeZone: string;
  className?: string;
}

/** Online or offline with "last seen x ago"; the exact time is in the tooltip. */
export function OnlineIndicator({ online, lastSeenAt, now, timeZone, className }: OnlineIndicatorProps) {
  return (
    <span
      className={cn('inline-flex items-center gap-1.5 text-sm whitespace-nowrap', className)}
      title={lastSeenAt ? formatDateTime(lastSeenAt, timeZone, true) : undefined}
    >
      <span
        aria-hidden="true"
        className={cn('size-2 rounded-full', online ? 'bg-emerald-500' : 'bg-slate-300 ring-1 ring-slate-400')}
      />
      <span className={online ? 'font-medium text-emerald-800' : 'text-slate-600'}>{online ? 'Online' : 'Offline'}</span>
      <span className="text-xs text-slate-500">· {lastSeenAt ? `last seen ${formatAgo(lastSeenAt, now)}` : 'never seen'}</span>
    </span>
  );
}
