import { TelemetryChart } from '@/components/charts/LazyCharts';
import { KPICardGrid } from '@/components/kpi/KPICardGrid';
import { Card, CardBody, CardHeader, EmptyState, QueryState } from '@/components/ui';
import { LIVE_WINDOW_SECONDS, useLiveHistory } from '@/hooks/useKPIHistory';
import { useKPIsLive } from '@/hooks/useKPIsLive';

interface LivePanelProps {
  deviceId: number;
  timeZone: string;
  canEdit: boolean;
}

function LiveChart({ deviceId, timeZone }: { deviceId: number; timeZone: string }) {
  const history = useLiveHistory(deviceId);
  return (
    <QueryState
      query={history}
      loadingLabel="Loading live chart"
      errorTitle="Could not load the live chart"
      isEmpty={({ series }) => !series.some((s) => s.points.some(([, v]) => v !== null))}
      empty={<EmptyState title="Nothing in the last 15 minutes" description="The chart fills as the device reports." />}
      loadingClassName="h-40 items-center"
    >
      {({ series, start, end }) => (
        <TelemetryChart series={series} start={start} end={end} timeZone={timeZone} panelHeight={140} title="Last 15 minutes" columns={2} />
      )}
    </QueryState>
  );
}

/** KPI cards and the last 15 minutes, both refreshed every 5 seconds. */
export function LivePanel({ deviceId, timeZone, canEdit }: LivePanelProps) {
  const live = useKPIsLive(deviceId);

  return (
    <Card>
      <CardHeader title="Live" description="Selected KPIs, refreshed every 5 seconds." />
      <CardBody>
        <QueryState
          query={live}
          loadingLabel="Loading live values"
          errorTitle="Could not load live values"
          isEmpty={(d) => d.kpis.length === 0}
          empty={
            <EmptyState
              title="No KPIs selected"
              description={
                canEdit
                  ? 'Tick “KPI” for the parameters worth a card in the parameter table below.'
                  : 'Someone who manages devices can choose the KPI parameters of this device.'
              }
            />
          }
          loadingClassName="h-28 items-center"
        >
          {(data) => (
            <div className="flex flex-col gap-5">
              <KPICardGrid kpis={data.kpis} receivedAt={live.dataUpdatedAt} />
              <section aria-label={`Last ${LIVE_WINDOW_SECONDS / 60} minutes`} className="flex flex-col gap-2">
                <h3 className="text-sm font-semibold text-slate-700">Last 15 minutes</h3>
                <LiveChart deviceId={deviceId} timeZone={timeZone} />
              </section>
            </div>
          )}
        </QueryState>
      </CardBody>
    </Card>
  );
}
