import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse, ListResponse } from '@/types/api';
import type { DirectoryUser, ManagedUser, UserInvite, UserListParams, UserUpdate } from '@/types/users';

export async function listUsers(params: UserListParams, signal?: AbortSignal): Promise<ListResponse<ManagedUser>> {
  const res = await api.get<ListResponse<ManagedUser>>('/users', { params: compactParams(params), signal });
  return res.data;
}

/** Active users by name and email; open to every signed-in user (e.g. to pick recipients). */
export async function listUserDirectory(
  params: { q?: string; page?: number; per_page?: number },
  signal?: AbortSignal,
): Promise<ListResponse<DirectoryUser>> {
  const res = await api.get<ListResponse<DirectoryUser>>('/users/directory', { params: compactParams(params), signal });
  return res.data;
}

export async function inviteUser(body: UserInvite): Promise<ManagedUser> {
  const res = await api.post<ItemResponse<ManagedUser>>('/users', body);
  return res.data.data;
}

export async function updateUser(id: number, body: UserUpdate): Promise<ManagedUser> {
  const res = await api.patch<ItemResponse<ManagedUser>>(`/users/${id}`, body);
  return res.data.data;
}

export async function resendInvite(id: number): Promise<ManagedUser> {
  const res = await api.post<ItemResponse<ManagedUser>>(`/users/${id}/resend-invite`);
  return res.data.data;
}

export async function setUserActive(id: number, active: boolean): Promise<ManagedUser> {
  const res = await api.post<ItemResponse<ManagedUser>>(`/users/${id}/${active ? 'reactivate' : 'deactivate'}`);
  return res.data.data;
}
