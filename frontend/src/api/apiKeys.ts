import { api } from '@/api/client';
import type { ItemResponse, ListResponse, PageParams } from '@/types/api';
import type { ApiKey, ApiKeyCreate, ApiKeyCreated } from '@/types/apiKeys';

export async function listApiKeys(params: PageParams, signal?: AbortSignal): Promise<ListResponse<ApiKey>> {
  const res = await api.get<ListResponse<ApiKey>>('/api-keys', { params, signal });
  return res.data;
}

export async function createApiKey(body: ApiKeyCreate): Promise<ApiKeyCreated> {
  const res = await api.post<ItemResponse<ApiKeyCreated>>('/api-keys', body);
  return res.data.data;
}

export async function revokeApiKey(id: number): Promise<ApiKey> {
  const res = await api.post<ItemResponse<ApiKey>>(`/api-keys/${id}/revoke`);
  return res.data.data;
}
