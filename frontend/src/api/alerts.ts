import { api } from '@/api/client';
import { compactParams, REPEAT_LIST_PARAMS } from '@/api/params';
import type { ItemResponse, ListResponse } from '@/types/api';
import type {
  Alert,
  AlertCounts,
  AlertListParams,
  AlertTimeline,
  MaintenanceWindow,
  MaintenanceWindowCreate,
} from '@/types/alerts';

export async function listAlerts(params: AlertListParams, signal?: AbortSignal): Promise<ListResponse<Alert>> {
  const res = await api.get<ListResponse<Alert>>('/alerts', {
    params: compactParams(params),
    paramsSerializer: REPEAT_LIST_PARAMS,
    signal,
  });
  return res.data;
}

export async function getAlert(id: number, signal?: AbortSignal): Promise<Alert> {
  const res = await api.get<ItemResponse<Alert>>(`/alerts/${id}`, { signal });
  return res.data.data;
}

export async function getAlertCounts(signal?: AbortSignal): Promise<AlertCounts> {
  const res = await api.get<ItemResponse<AlertCounts>>('/alerts/counts', { signal });
  return res.data.data;
}

export async function acknowledgeAlert(id: number): Promise<Alert> {
  const res = await api.post<ItemResponse<Alert>>(`/alerts/${id}/acknowledge`);
  return res.data.data;
}

/** All or nothing: an unknown or resolved id refuses the whole batch. */
export async function acknowledgeAlerts(ids: number[]): Promise<Alert[]> {
  const res = await api.post<ItemResponse<Alert[]>>('/alerts/acknowledge', { ids });
  return res.data.data;
}

export async function resolveAlert(id: number): Promise<Alert> {
  const res = await api.post<ItemResponse<Alert>>(`/alerts/${id}/resolve`);
  return res.data.data;
}

export async function getAlertTimeline(id: number, signal?: AbortSignal): Promise<AlertTimeline> {
  const res = await api.get<ItemResponse<AlertTimeline>>(`/alerts/${id}/timeline`, { signal });
  return res.data.data;
}

/** No escalation rounds for `minutes`; only an open alert. */
export async function snoozeAlert(id: number, minutes: number): Promise<Alert> {
  const res = await api.post<ItemResponse<Alert>>(`/alerts/${id}/snooze`, { minutes });
  return res.data.data;
}

export async function listMaintenanceWindows(deviceId: number, signal?: AbortSignal): Promise<MaintenanceWindow[]> {
  const res = await api.get<ItemResponse<MaintenanceWindow[]>>(`/devices/${deviceId}/maintenance-windows`, { signal });
  return res.data.data;
}

export async function createMaintenanceWindow(deviceId: number, body: MaintenanceWindowCreate): Promise<MaintenanceWindow> {
  const res = await api.post<ItemResponse<MaintenanceWindow>>(`/devices/${deviceId}/maintenance-windows`, body);
  return res.data.data;
}

export async function deleteMaintenanceWindow(deviceId: number, windowId: number): Promise<void> {
  await api.delete(`/devices/${deviceId}/maintenance-windows/${windowId}`);
}
