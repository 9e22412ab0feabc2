import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse } from '@/types/api';
import { decodeBlobError, filenameFrom, type DownloadedFile } from '@/api/files';
import type { DashboardSummary, DeviceEnergy, EnergyAnalysis, EnergyAnalysisParams, EnergyParams } from '@/types/energy';

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

export async function getEnergyAnalysis(params: EnergyAnalysisParams, signal?: AbortSignal): Promise<EnergyAnalysis> {
  const res = await api.get<ItemResponse<EnergyAnalysis>>('/energy/analysis', { params: compactParams(params), signal });
  return res.data.data;
}

/** The Energy page's figures as the server writes them: CSV (per bucket) or an Excel workbook (every table). */
export async function exportEnergyAnalysis(params: EnergyAnalysisParams, format: 'csv' | 'xlsx'): Promise<DownloadedFile> {
  const res = await api
    .get<Blob>('/energy/analysis/export', { params: compactParams({ ...params, format }), responseType: 'blob' })
    .catch(decodeBlobError);
  const disposition: unknown = res.headers['content-disposition'];
  return { blob: res.data, filename: filenameFrom(disposition, `energy.${format}`) };
}
