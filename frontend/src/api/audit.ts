import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ListResponse } from '@/types/api';
import type { AuditEntry, AuditListParams } from '@/types/users';

export async function listAuditEntries(params: AuditListParams, signal?: AbortSignal): Promise<ListResponse<AuditEntry>> {
  const res = await api.get<ListResponse<AuditEntry>>('/audit', { params: compactParams(params), signal });
  return res.data;
}
