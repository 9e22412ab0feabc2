import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse, ListResponse } from '@/types/api';
import type { AnalyticsJob, AnalyticsJobCreate, AnalyticsJobListParams } from '@/types/jobs';

export async function listAnalyticsJobs(
  params: AnalyticsJobListParams,
  signal?: AbortSignal,
): Promise<ListResponse<AnalyticsJob>> {
  const res = await api.get<ListResponse<AnalyticsJob>>('/analytics/jobs', { params: compactParams(params), signal });
  return res.data;
}

export async function getAnalyticsJob(id: number, signal?: AbortSignal): Promise<AnalyticsJob> {
  const res = await api.get<ItemResponse<AnalyticsJob>>(`/analytics/jobs/${id}`, { signal });
  return res.data.data;
}

export async function createAnalyticsJob(body: AnalyticsJobCreate): Promise<AnalyticsJob> {
  const res = await api.post<ItemResponse<AnalyticsJob>>('/analytics/jobs', body);
  return res.data.data;
}

export async function cancelAnalyticsJob(id: number): Promise<AnalyticsJob> {
  const res = await api.post<ItemResponse<AnalyticsJob>>(`/analytics/jobs/${id}/cancel`);
  return res.data.data;
}

export async function deleteAnalyticsJob(id: number): Promise<void> {
  await api.delete(`/analytics/jobs/${id}`);
}
