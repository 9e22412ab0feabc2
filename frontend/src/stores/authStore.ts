import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { AuthSession, Permission, SelectedFactory, TokenPair, User } from '@/types/auth';

export const AUTH_STORAGE_KEY = 'factoryops.auth';

export type LogoutReason = 'user' | 'expired';

interface AuthState {
  /** Factory the next sign-in is scoped to. Survives sign-out so the login page can show it. */
  factory: SelectedFactory | null;
  /** Most recent factory picked on this browser, offered first in the directory. */
  lastFactory: SelectedFactory | null;
  token: string | null;
  refreshToken: string | null;
  user: User | null;
  /** Set when the session ended without the user asking; not persisted. */
  logoutReason: LogoutReason | null;

  selectFactory: (factory: SelectedFactory) => void;
  setSession: (session: AuthSession) => void;
  setTokens: (tokens: Pick<TokenPair, 'access_token' | 'refresh_token'>) => void;
  setUser: (user: User) => void;
  logout: (reason?: LogoutReason) => void;
}

function factoryFromUser(user: User): SelectedFactory {
  return { id: user.factory.id, name: user.factory.name, slug: user.factory.slug };
}

export const useAuthStore = create<AuthState>()(
  persist(
    (set) => ({
      factory: null,
      lastFactory: null,
      token: null,
      refreshToken: null,
      user: null,
      logoutReason: null,

      selectFactory: (factory) => set({ factory, lastFactory: factory }),

      setSession: ({ access_token, refresh_token, user }) => {
        // A factory typed by code has no id or display name until the server answers.
        const factory = factoryFromUser(user);
        set({
          token: access_token,
          refreshToken: refresh_token,
          user,
          factory,
          lastFactory: factory,
          logoutReason: null,
        });
      },

      setTokens: ({ access_token, refresh_token }) =>
        set({ token: access_token, refreshToken: refresh_token }),

      setUser: (user) => set({ user }),

      logout: (reason = 'user') =>
        set({
          token: null,
          refreshToken: null,
          user: null,
          logoutReason: reason === 'user' ? null : reason,
        }),
    }),
    {
      name: AUTH_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ factory, lastFactory, token, refreshToken, user }) => ({
        factory,
        lastFactory,
        token,
        refreshToken,
        user,
      }),
    },
  ),
);

export const selectIsAuthenticated = (s: AuthState) => Boolean(s.token && s.user);

export function isSuperAdmin(user: User | null | undefined): boolean {
  return user?.role === 'super_admin';
}

/** Super admins hold every permission of their factory implicitly. */
export function hasPermission(user: User | null | undefined, permission: Permission): boolean {
  if (!user) return false;
  return isSuperAdmin(user) || user.permissions.includes(permission);
}

/**
 * Keeps tabs in step: signing out (or in) in one tab applies to the others, so a stale tab
 * never keeps using a revoked refresh token.
 */
export function syncAuthAcrossTabs(): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === AUTH_STORAGE_KEY) void useAuthStore.persist.rehydrate();
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
