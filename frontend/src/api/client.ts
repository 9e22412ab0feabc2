import axios, { isAxiosError, type InternalAxiosRequestConfig } from 'axios';
import { useAuthStore } from '@/stores/authStore';
import type { ItemResponse } from '@/types/api';
import type { AuthSession, TokenPair } from '@/types/auth';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Leave a 401 alone: the call is itself part of signing in or out. */
    skipAuthRefresh?: boolean;
    /** Set on the one retry after a refresh, so a second 401 ends the session instead of looping. */
    authRetried?: boolean;
  }
}

export const API_BASE_URL = '/api/v1';

export const api = axios.create({
  baseURL: API_BASE_URL,
  timeout: 30_000,
  headers: { Accept: 'application/json' },
});

// A 401 from these means "wrong credentials" or "token already gone", never "refresh and retry".
const AUTH_ENDPOINTS = ['/auth/login', '/auth/refresh', '/auth/logout'];
// Sending an old bearer token to these only confuses the server's logs.
const ANONYMOUS_ENDPOINTS = ['/auth/login', '/auth/refresh'];

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

function matches(url: string | undefined, endpoints: string[]): boolean {
  const path = pathOf(url);
  return endpoints.some((endpoint) => path === endpoint || path.endsWith(endpoint));
}

let refreshInFlight: Promise<string> | null = null;

async function requestNewTokens(): Promise<string> {
  const { refreshToken } = useAuthStore.getState();
  if (!refreshToken) throw new Error('No refresh token');
  const res = await api.post<ItemResponse<AuthSession | TokenPair>>(
    '/auth/refresh',
    { refresh_token: refreshToken },
    { skipAuthRefresh: true },
  );
  const session = res.data.data;
  const store = useAuthStore.getState();
  if ('user' in session && session.user) store.setSession(session);
  else store.setTokens(session);
  return session.access_token;
}

/**
 * Exchanges the refresh token for a new pair. Concurrent callers share one request: refresh
 * tokens rotate, so a second exchange with the same token would be refused and end the session.
 */
export function refreshAccessToken(): Promise<string> {
  refreshInFlight ??= requestNewTokens().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

/** A refresh refused by the server means the session is over; a network blip does not. */
function refreshWasRejected(err: unknown): boolean {
  if (!isAxiosError(err)) return true;
  const status = err.response?.status;
  return status !== undefined && status >= 400 && status < 500;
}

function expireSession() {
  const { token, user, logout } = useAuthStore.getState();
  if (token || user) logout('expired');
}

api.interceptors.request.use(async (config: InternalAxiosRequestConfig) => {
  const isAuthCall = config.skipAuthRefresh || matches(config.url, AUTH_ENDPOINTS);
  // Hold requests while a refresh runs, so they go out with the new token instead of
  // collecting a 401 each and queueing behind the refresh anyway.
  if (refreshInFlight && !isAuthCall) {
    await refreshInFlight.catch(() => undefined);
  }
  const { token } = useAuthStore.getState();
  if (token && !matches(config.url, ANONYMOUS_ENDPOINTS)) {
    config.headers.set('Authorization', `Bearer ${token}`);
  }
  return config;
});

api.interceptors.response.use(
  (res) => res,
  async (error: unknown) => {
    if (!isAxiosError(error) || error.response?.status !== 401 || !error.config) {
      throw error;
    }
    const config = error.config;
    if (config.skipAuthRefresh || matches(config.url, AUTH_ENDPOINTS)) throw error;

    if (config.authRetried) {
      expireSession();
      throw error;
    }

    const { token, refreshToken } = useAuthStore.getState();
    if (!refreshToken) {
      expireSession();
      throw error;
    }

    config.authRetried = true;
    // Another request already refreshed while this one was on the wire: just resend.
    if (token && config.headers.get('Authorization') !== `Bearer ${token}`) {
      return api.request(config);
    }

    try {
      await refreshAccessToken();
    } catch (refreshError) {
      if (refreshWasRejected(refreshError)) expireSession();
      throw error;
    }
    return api.request(config);
  },
);

/** Test seam: forget a refresh left pending by an aborted test. */
export function resetAuthRefreshState() {
  refreshInFlight = null;
}
