import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  acknowledgeAlert,
  acknowledgeAlerts,
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getAlert,
  getAlertCounts,
  getAlertTimeline,
  listAlerts,
  listMaintenanceWindows,
  resolveAlert,
  snoozeAlert,
} from '@/api/alerts';
import type { AlertListParams, MaintenanceWindowCreate } from '@/types/alerts';

export const ALERTS_REFRESH_MS = 15_000;

export const alertKeys = {
  all: ['alerts'] as const,
  list: (params: AlertListParams) => ['alerts', 'list', params] as const,
  detail: (id: number) => ['alerts', 'detail', id] as const,
  counts: () => ['alerts', 'counts'] as const,
  timeline: (id: number) => ['alerts', 'timeline', id] as const,
  maintenance: (deviceId: number) => ['maintenance-windows', deviceId] as const,
};

export function useAlerts(params: AlertListParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: alertKeys.list(params),
    queryFn: ({ signal }) => listAlerts(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: ALERTS_REFRESH_MS,
    enabled: options.enabled ?? true,
  });
}

export function useAlert(id: number | null) {
  return useQuery({
    queryKey: alertKeys.detail(id ?? 0),
    queryFn: ({ signal }) => getAlert(id ?? 0, signal),
    enabled: id !== null,
  });
}

/** Open alerts for the badge, refreshed every 15 s. */
export function useAlertCounts() {
  return useQuery({
    queryKey: alertKeys.counts(),
    queryFn: ({ signal }) => getAlertCounts(signal),
    refetchInterval: ALERTS_REFRESH_MS,
    staleTime: 5000,
  });
}

function useInvalidateAlerts() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: alertKeys.all });
    // The dashboard's alert cards count the same alerts.
    void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
  };
}

export function useAcknowledgeAlert() {
  const invalidate = useInvalidateAlerts();
  return useMutation({ mutationFn: (id: number) => acknowledgeAlert(id), onSuccess: invalidate });
}

export function useAcknowledgeAlerts() {
  const invalidate = useInvalidateAlerts();
  return useMutation({ mutationFn: (ids: number[]) => acknowledgeAlerts(ids), onSuccess: invalidate });
}

export function useResolveAlert() {
  const invalidate = useInvalidateAlerts();
  return useMutation({ mutationFn: (id: number) => resolveAlert(id), onSuccess: invalidate });
}

export function useSnoozeAlert() {
  const invalidate = useInvalidateAlerts();
  return useMutation({
    mutationFn: ({ id, minutes }: { id: number; minutes: number }) => snoozeAlert(id, minutes),
    onSuccess: invalidate,
  });
}

/** What happened to an alert and every notification per recipient; the stream keeps it current. */
export function useAlertTimeline(id: number) {
  return useQuery({
    queryKey: alertKeys.timeline(id),
    queryFn: ({ signal }) => getAlertTimeline(id, signal),
    refetchInterval: ALERTS_REFRESH_MS,
  });
}

export function useMaintenanceWindows(deviceId: number) {
  return useQuery({
    queryKey: alertKeys.maintenance(deviceId),
    queryFn: ({ signal }) => listMaintenanceWindows(deviceId, signal),
  });
}

export function useCreateMaintenanceWindow(deviceId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MaintenanceWindowCreate) => createMaintenanceWindow(deviceId, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: alertKeys.maintenance(deviceId) }),
  });
}

export function useDeleteMaintenanceWindow(deviceId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (windowId: number) => deleteMaintenanceWindow(deviceId, windowId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: alertKeys.maintenance(deviceId) }),
  });
}
