import { api } from '@/api/client';
import type { ItemResponse } from '@/types/api';
import type { AuthSession, LoginRequest, User } from '@/types/auth';

export async function login(body: LoginRequest): Promise<AuthSession> {
  const res = await api.post<ItemResponse<AuthSession>>('/auth/login', body);
  return res.data.data;
}

export async function logout(refreshToken: string): Promise<void> {
  await api.post('/auth/logout', { refresh_token: refreshToken });
}

export async function getCurrentUser(): Promise<User> {
  const res = await api.get<ItemResponse<User>>('/auth/me');
  return res.data.data;
}
