import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse } from '@/types/api';
import type { DashboardSummary, DeviceEnergy, EnergyParams } from '@/types/energy';

export async function getDeviceEnergy(
  deviceId: number,
  params: EnergyParams,
  signal?: AbortSignal,
): Promise<DeviceEnergy> {
  const res = await api.get<ItemResponse<DeviceEnergy>>(`/devices/${deviceId}/energy`, {
    params: compactParams(params),
    signal,
  });
  return res.data.data;
}

export async function getDashboardSummary(signal?: AbortSignal): Promise<DashboardSummary> {
  const res = await api.get<ItemResponse<DashboardSummary>>('/dashboard/summary', { signal });
  return res.data.data;
}
