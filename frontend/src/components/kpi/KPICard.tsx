import { useId } from 'react';
import { Badge } from '@/components/ui';
import { cn } from '@/lib/cn';
import { formatDuration, formatNumber, NO_VALUE } from '@/lib/format';

export interface KPICardProps {
  label: string;
  value: number | null;
  unit: string | null;
  /** Seconds since the reading was taken; null when nothing is known. */
  ageSeconds: number | null;
  /** Older than the factory's online threshold: the machine may have stopped reporting. */
  stale: boolean;
  /** The raw parameter key, shown when the display name differs from it. */
  parameterKey?: string;
}

export function KPICard({ label, value, unit, ageSeconds, stale, parameterKey }: KPICardProps) {
  const titleId = useId();
  const hasValue = value !== null && Number.isFinite(value);
  const number = formatNumber(value);

  return (
    <article
      aria-labelledby={titleId}
      className={cn(
        'flex min-w-0 flex-col gap-2 rounded-lg border bg-white px-4 py-3 shadow-sm',
        stale ? 'border-amber-300 bg-amber-50/40' : 'border-slate-200',
      )}
    >
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 id={titleId} className="truncate text-sm font-medium text-slate-600" title={label}>
            {label}
          </h3>
          {parameterKey && parameterKey !== label && (
            <p className="truncate font-mono text-[11px] text-slate-400">{parameterKey}</p>
          )}
        </div>
        {stale && hasValue && (
          <Badge tone="warning" dot>
            Stale
          </Badge>
        )}
      </div>
      <p
        className={cn(
          'flex items-baseline gap-1.5 truncate',
          stale ? 'text-slate-500' : 'text-slate-900',
        )}
        data-testid="kpi-value"
      >
        <span className="text-2xl font-semibold tracking-tight">{hasValue ? number : NO_VALUE}</span>
        {hasValue && unit && <span className="text-sm font-medium text-slate-500">{unit}</span>}
      </p>
      <p className={cn('text-xs', stale ? 'font-medium text-amber-800' : 'text-slate-500')}>
        {!hasValue || ageSeconds === null
          ? 'No reading yet'
          : ageSeconds < 2
            ? 'Updated just now'
            : `Updated ${formatDuration(ageSeconds)} ago`}
      </p>
    </article>
  );
}
