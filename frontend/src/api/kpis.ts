import { api } from '@/api/client';
import { decodeBlobError, filenameFrom, type DownloadedFile } from '@/api/files';
import { compactParams, REPEAT_LIST_PARAMS } from '@/api/params';
import type { ItemResponse } from '@/types/api';
import type { HistoryParams, KPIHistory, LiveKPIs } from '@/types/kpi';

export async function getLiveKPIs(deviceId: number, signal?: AbortSignal): Promise<LiveKPIs> {
  const res = await api.get<ItemResponse<LiveKPIs>>(`/devices/${deviceId}/kpis/live`, { signal });
  return res.data.data;
}

export async function getKPIHistory(
  deviceId: number,
  params: HistoryParams,
  signal?: AbortSignal,
): Promise<KPIHistory> {
  const res = await api.get<ItemResponse<KPIHistory>>(`/devices/${deviceId}/kpis/history`, {
    params: compactParams(params),
    paramsSerializer: REPEAT_LIST_PARAMS,
    signal,
  });
  return res.data.data;
}

export interface ExportParams {
  parameters?: string[];
  start: string;
  end: string;
}

/** The device's telemetry as CSV, downloaded with the session's bearer token. */
export async function exportTelemetryCsv(deviceId: number, params: ExportParams): Promise<DownloadedFile> {
  const res = await api
    .get<Blob>(`/devices/${deviceId}/telemetry/export`, {
      params: compactParams({ format: 'csv', ...params }),
      paramsSerializer: REPEAT_LIST_PARAMS,
      responseType: 'blob',
      // Long ranges stream for a while; the usual 30 s would cut them off.
      timeout: 10 * 60_000,
    })
    .catch(decodeBlobError);
  const disposition: unknown = res.headers['content-disposition'];
  return { blob: res.data, filename: filenameFrom(disposition, `telemetry_${deviceId}.csv`) };
}
