import { Link } from 'react-router-dom';
import { AlertsIcon } from '@/components/icons';
import { useAlertCounts } from '@/hooks/useAlerts';
import { cn } from '@/lib/cn';

/** The top bar's bell: open alerts, refreshed every 15 s, leading to the open ones. */
export function AlertBadge() {
  const counts = useAlertCounts();
  const open = counts.data?.open_total ?? 0;
  const critical = counts.data?.by_severity.critical ?? 0;
  const label = counts.data ? `Alerts: ${open} open` : 'Alerts';
  return (
    <Link
      to="/alerts?status=open"
      aria-label={label}
      title={label}
      className="relative rounded-md p-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600"
    >
      <AlertsIcon className="size-5" />
      {open > 0 && (
        <span
          aria-hidden="true"
          data-testid="alert-count"
          className={cn(
            'absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full px-1 text-[10px] leading-none font-semibold text-white',
            critical > 0 ? 'bg-red-600' : 'bg-amber-600',
          )}
        >
          {open > 99 ? '99+' : open}
        </span>
      )}
    </Link>
  );
}
