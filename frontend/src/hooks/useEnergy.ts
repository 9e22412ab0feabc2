import { useQuery } from '@tanstack/react-query';
import { getDashboardSummary, getDeviceEnergy } from '@/api/energy';
import type { EnergyParams } from '@/types/energy';

export function useDeviceEnergy(deviceId: number, params: EnergyParams = { bucket: 'day' }) {
  return useQuery({
    queryKey: ['energy', 'device', deviceId, params],
    queryFn: ({ signal }) => getDeviceEnergy(deviceId, params, signal),
    staleTime: 60_000,
    refetchInterval: 5 * 60_000,
  });
}

export const DASHBOARD_REFRESH_MS = 30_000;

export function useDashboardSummary() {
  return useQuery({
    queryKey: ['dashboard', 'summary'],
    queryFn: ({ signal }) => getDashboardSummary(signal),
    refetchInterval: DASHBOARD_REFRESH_MS,
    staleTime: 10_000,
  });
}
