import { Badge, type BadgeTone } from '@/components/ui';
import type { AlertStatus } from '@/types/alerts';
import type { Severity } from '@/types/rules';

const SEVERITY: Record<Severity, { label: string; tone: BadgeTone }> = {
  critical: { label: 'Critical', tone: 'danger' },
  warning: { label: 'Warning', tone: 'warning' },
  info: { label: 'Info', tone: 'info' },
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { label, tone } = SEVERITY[severity] ?? { label: severity, tone: 'neutral' };
  return (
    <Badge tone={tone} dot>
      {label}
    </Badge>
  );
}

const STATUS: Record<AlertStatus, { label: string; tone: BadgeTone }> = {
  open: { label: 'Open', tone: 'danger' },
  acknowledged: { label: 'Acknowledged', tone: 'warning' },
  resolved: { label: 'Resolved', tone: 'success' },
};

export function AlertStatusBadge({ status }: { status: AlertStatus }) {
  const { label, tone } = STATUS[status] ?? { label: status, tone: 'neutral' };
  return <Badge tone={tone}>{label}</Badge>;
}
