import { useQuery } from '@tanstack/react-query';
import { getLiveKPIs } from '@/api/kpis';

export const LIVE_REFRESH_MS = 5000;

/** The device's selected KPIs with their latest values, refreshed every 5 seconds. */
export function useKPIsLive(deviceId: number) {
  return useQuery({
    queryKey: ['kpis', 'live', deviceId],
    queryFn: ({ signal }) => getLiveKPIs(deviceId, signal),
    refetchInterval: LIVE_REFRESH_MS,
    staleTime: 3000,
  });
}
