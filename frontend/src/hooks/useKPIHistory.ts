import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getKPIHistory } from '@/api/kpis';
import { LIVE_REFRESH_MS } from '@/hooks/useKPIsLive';
import type { Aggregation, HistoryInterval } from '@/types/kpi';

/**
 * A time window: either the last N seconds up to now (moves with every refetch) or a fixed
 * start and end.
 */
export type TimeWindow =
  | { kind: 'relative'; seconds: number }
  | { kind: 'absolute'; start: string; end: string };

export function resolveWindow(window: TimeWindow, now: number = Date.now()): { start: string; end: string } {
  if (window.kind === 'absolute') return { start: window.start, end: window.end };
  return {
    start: new Date(now - window.seconds * 1000).toISOString(),
    end: new Date(now).toISOString(),
  };
}

export interface HistoryQuery {
  window: TimeWindow;
  agg: Aggregation;
  interval?: HistoryInterval;
  /** Parameter keys; unset means the device's KPI parameters. */
  parameters?: string[];
}

export function useKPIHistory(
  deviceId: number,
  query: HistoryQuery,
  options: { refetchInterval?: number; enabled?: boolean } = {},
) {
  return useQuery({
    queryKey: ['kpis', 'history', deviceId, query],
    // The window is resolved when the request leaves, so a relative range slides forward.
    queryFn: ({ signal }) =>
      getKPIHistory(
        deviceId,
        {
          ...resolveWindow(query.window),
          agg: query.agg,
          interval: query.interval ?? 'auto',
          parameters: query.parameters,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: options.refetchInterval,
    enabled: options.enabled ?? true,
    staleTime: options.refetchInterval ? 0 : 60_000,
  });
}

export const LIVE_WINDOW_SECONDS = 15 * 60;
// 90 points over 15 minutes: fine enough to see a machine start, cheap to fetch every 5 s.
export const LIVE_INTERVAL: HistoryInterval = '10s';

/** The last 15 minutes of the KPI parameters, refreshed with the live cards. */
export function useLiveHistory(deviceId: number) {
  return useKPIHistory(
    deviceId,
    { window: { kind: 'relative', seconds: LIVE_WINDOW_SECONDS }, agg: 'mean', interval: LIVE_INTERVAL },
    { refetchInterval: LIVE_REFRESH_MS },
  );
}
