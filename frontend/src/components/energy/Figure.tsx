import { cn } from '@/lib/cn';
import { formatPercent } from '@/lib/format';

/** A labelled figure, with its change against comparison periods where there are some. */
export function Figure({ label, value, hint, changes = [] }: { label: string; value: string; hint?: string; changes?: { label: string; ratio: number | null }[] }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 truncate text-lg font-semibold text-slate-900">{value}</dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
      {changes.map(({ label: against, ratio }) => (
        <dd key={against} className="text-xs text-slate-500">
          <span className={cn('font-medium', ratio === null ? '' : ratio > 0 ? 'text-red-700' : 'text-emerald-700')}>
            {ratio === null ? '—' : `${ratio > 0 ? '+' : ''}${formatPercent(ratio)}`}
          </span>{' '}
          vs {against}
        </dd>
      ))}
    </div>
  );
}
