import { getErrorMessage } from '@/api/errors';
import { TelemetryChart } from '@/components/charts/LazyCharts';
import { KPICardGrid } from '@/components/kpi/KPICardGrid';
import { Card, CardBody, CardHeader, EmptyState, ErrorState, Spinner } from '@/components/ui';
import { LIVE_WINDOW_SECONDS, useLiveHistory } from '@/hooks/useKPIHistory';
import { useKPIsLive } from '@/hooks/useKPIsLive';

interface LivePanelProps {
  deviceId: number;
  timeZone: string;
  canEdit: boolean;
}

function LiveChart({ deviceId, timeZone }: { deviceId: number; timeZone: string }) {
  const history = useLiveHistory(deviceId);
  if (history.isPending) {
    return (
      <div className="flex h-40 items-center justify-center">
        <Spinner label="Loading live chart" />
      </div>
    );
  }
  if (history.isError) {
    return <ErrorState title="Could not load the live chart" message={getErrorMessage(history.error)} onRetry={() => void history.refetch()} />;
  }
  const { series, start, end } = history.data;
  if (!series.some((s) => s.points.some(([, v]) => v !== null))) {
    return <EmptyState title="Nothing in the last 15 minutes" description="The chart fills as the device reports." />;
  }
  return <TelemetryChart series={series} start={start} end={end} timeZone={timeZone} panelHeight={140} title="Last 15 minutes" columns={2} />;
}

/** KPI cards and the last 15 minutes, both refreshed every 5 seconds. */
export function LivePanel({ deviceId, timeZone, canEdit }: LivePanelProps) {
  const live = useKPIsLive(deviceId);

  let body;
  if (live.isPending) {
    body = (
      <div className="flex h-28 items-center justify-center">
        <Spinner label="Loading live values" showLabel />
      </div>
    );
  } else if (!live.data) {
    body = (
      <ErrorState
        title="Could not load live values"
        message={getErrorMessage(live.error)}
        onRetry={() => void live.refetch()}
        retrying={live.isFetching}
      />
    );
  } else if (live.data.kpis.length === 0) {
    body = (
      <EmptyState
        title="No KPIs selected"
        description={
          canEdit
            ? 'Tick “KPI” for the parameters worth a card in the parameter table below.'
            : 'Someone who manages devices can choose the KPI parameters of this device.'
        }
      />
    );
  } else {
    body = (
      <div className="flex flex-col gap-5">
        <KPICardGrid kpis={live.data.kpis} receivedAt={live.dataUpdatedAt} />
        <section aria-label={`Last ${LIVE_WINDOW_SECONDS / 60} minutes`} className="flex flex-col gap-2">
          <h3 className="text-sm font-semibold text-slate-700">Last 15 minutes</h3>
          <LiveChart deviceId={deviceId} timeZone={timeZone} />
        </section>
      </div>
    );
  }

  return (
    <Card>
      <CardHeader title="Live" description="Selected KPIs, refreshed every 5 seconds." />
      <CardBody>{body}</CardBody>
    </Card>
  );
}
