import { useQueries, useQuery } from '@tanstack/react-query';
import { getNodeEnergy } from '@/api/assets';
import { getDashboardSummary, getDeviceEnergy, getEnergyAnalysis } from '@/api/energy';
import type { EnergyAnalysisParams, EnergyParams } from '@/types/energy';

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

/** The Energy page's figures for a range and scope; complete past periods come from the server's cache. */
export function useEnergyAnalysis(params: EnergyAnalysisParams | null) {
  return useQuery({
    queryKey: ['energy', 'analysis', params],
    queryFn: ({ signal }) => getEnergyAnalysis(params ?? {}, signal),
    enabled: params !== null,
    staleTime: 60_000,
    refetchInterval: 5 * 60_000,
    placeholderData: (previous) => previous,
  });
}

/** Several nodes' energy per bucket over one range, for the comparison chart. */
export function useNodeEnergies(nodeIds: number[], params: EnergyParams | null) {
  return useQueries({
    queries: nodeIds.map((id) => ({
      queryKey: ['energy', 'node', id, params],
      queryFn: ({ signal }: { signal: AbortSignal }) => getNodeEnergy(id, params ?? {}, signal),
      enabled: params !== null,
      staleTime: 60_000,
    })),
  });
}
