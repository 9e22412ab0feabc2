import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { getKPIHistory } from '@/api/kpis';
import { LIVE_REFRESH_MS } from '@/hooks/useKPIsLive';
import { resolveWindow, type TimeWindow } from '@/lib/ranges';
import type { Aggregation, HistoryInterval } from '@/types/kpi';

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

/**
 * The same history query for several devices at once, for the comparison chart; shares the
 * cache of each device's own history.
 */
export function useKPIHistories(deviceIds: number[], query: HistoryQuery) {
  return useQueries({
    queries: deviceIds.map((deviceId) => ({
      queryKey: ['kpis', 'history', deviceId, query],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        getKPIHistory(
          deviceId,
          { ...resolveWindow(query.window), agg: query.agg, interval: query.interval ?? 'auto', parameters: query.parameters },
          signal,
        ),
      placeholderData: keepPreviousData,
      staleTime: 60_000,
    })),
  });
}
