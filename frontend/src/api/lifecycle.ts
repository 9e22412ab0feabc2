import { api } from '@/api/client';
import type { ItemResponse } from '@/types/api';
import type { DataLifecycle, RetentionUpdate } from '@/types/lifecycle';

export async function getDataLifecycle(signal?: AbortSignal): Promise<DataLifecycle> {
  const res = await api.get<ItemResponse<DataLifecycle>>('/factories/current/data-lifecycle', { signal });
  return res.data.data;
}

export async function updateRetention(body: RetentionUpdate): Promise<DataLifecycle> {
  const res = await api.patch<ItemResponse<DataLifecycle>>('/factories/current/retention', body);
  return res.data.data;
}
