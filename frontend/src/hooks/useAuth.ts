import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { getCurrentUser, login, logout } from '@/api/auth';
import { useAuthStore } from '@/stores/authStore';
import type { AuthSession, LoginRequest } from '@/types/auth';

export const currentUserQueryKey = ['auth', 'me'] as const;

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation<AuthSession, unknown, LoginRequest>({
    mutationFn: login,
    onSuccess: (session) => {
      useAuthStore.getState().setSession(session);
      queryClient.setQueryData(currentUserQueryKey, session.user);
    },
  });
}

/**
 * Signs out on the server (revoking the refresh token) and always locally, even when the
 * server cannot be reached: a user who asked to leave must not stay signed in.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      const { refreshToken } = useAuthStore.getState();
      if (!refreshToken) return;
      await logout(refreshToken).catch(() => undefined);
    },
    onSettled: () => {
      useAuthStore.getState().logout();
      queryClient.clear();
      void navigate('/login', { replace: true });
    },
  });
}

/**
 * Confirms a stored session with the server on start-up and keeps the profile current.
 * A rejected token is handled by the API client (refresh, or sign-out).
 */
export function useSessionValidation() {
  const token = useAuthStore((s) => s.token);
  return useQuery({
    queryKey: currentUserQueryKey,
    queryFn: async () => {
      const user = await getCurrentUser();
      useAuthStore.getState().setUser(user);
      return user;
    },
    enabled: Boolean(token),
    staleTime: 5 * 60_000,
    retry: false,
  });
}
