import { getErrorMessage } from '@/api/errors';
import { Button } from '@/components/ui';
import { useAcknowledgeAlert, useResolveAlert } from '@/hooks/useAlerts';
import type { Alert } from '@/types/alerts';

/** Acknowledge and resolve for one alert; render only for users with acknowledge_alerts. */
export function AlertActions({ alert, compact = false }: { alert: Alert; compact?: boolean }) {
  const acknowledge = useAcknowledgeAlert();
  const resolve = useResolveAlert();
  const error = acknowledge.error ?? resolve.error;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-1.5">
        {alert.status === 'open' && (
          <Button
            size="sm"
            variant="secondary"
            loading={acknowledge.isPending}
            onClick={() => acknowledge.mutate(alert.id)}
            aria-label={`Acknowledge ${alert.title}`}
          >
            {compact ? 'Ack' : 'Acknowledge'}
          </Button>
        )}
        {alert.status !== 'resolved' && (
          <Button
            size="sm"
            variant="secondary"
            loading={resolve.isPending}
            onClick={() => resolve.mutate(alert.id)}
            aria-label={`Resolve ${alert.title}`}
          >
            Resolve
          </Button>
        )}
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {getErrorMessage(error)}
        </p>
      )}
    </div>
  );
}
