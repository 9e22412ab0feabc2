import { isAxiosError } from 'axios';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/api/client';
import { useAuthStore } from '@/stores/authStore';
import { makeSession, makeUser } from '@/test/fixtures';
import { apiError, deferredReply, mockApi } from '@/test/mockApi';

const expired = apiError(401, 'TOKEN_EXPIRED', 'Access token expired.');

function signIn() {
  useAuthStore.getState().setSession(makeSession(makeUser(), 'old'));
}

/** A protected endpoint that accepts only the given access token. */
function protectedEndpoint(mock: ReturnType<typeof mockApi>, path: string, validToken: string) {
  mock.on('get', path, (config) =>
    config.headers.get('Authorization') === `Bearer ${validToken}`
      ? { status: 200, data: { data: { path } } }
      : expired,
  );
}

describe('api client', () => {
  beforeEach(signIn);

  it('sends the access token as a bearer header', async () => {
    const mock = mockApi();
    protectedEndpoint(mock, '/devices', 'access-old');

    const res = await api.get('/devices');

    expect(res.status).toBe(200);
    expect(mock.calls[0]?.authorization).toBe('Bearer access-old');
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    const mock = mockApi();
    protectedEndpoint(mock, '/devices', 'access-new');
    mock.on('post', '/auth/refresh', { status: 200, data: { data: makeSession(makeUser(), 'new') } });

    const res = await api.get<{ data: { path: string } }>('/devices');

    expect(res.data.data.path).toBe('/devices');
    expect(mock.callsTo('post', '/auth/refresh')).toHaveLength(1);
    expect(mock.callsTo('post', '/auth/refresh')[0]?.body).toEqual({ refresh_token: 'refresh-old' });
    expect(mock.callsTo('get', '/devices').map((c) => c.authorization)).toEqual([
      'Bearer access-old',
      'Bearer access-new',
    ]);
    expect(useAuthStore.getState()).toMatchObject({ token: 'access-new', refreshToken: 'refresh-new' });
  });

  it('shares one refresh between concurrent requests that all got a 401', async () => {
    const mock = mockApi();
    protectedEndpoint(mock, '/devices', 'access-new');
    protectedEndpoint(mock, '/alerts', 'access-new');
    protectedEndpoint(mock, '/rules', 'access-new');
    const refresh = deferredReply();
    mock.on('post', '/auth/refresh', refresh.responder);

    const pending = Promise.all([api.get('/devices'), api.get('/alerts'), api.get('/rules')]);
    await vi.waitFor(() => expect(mock.callsTo('post', '/auth/refresh')).toHaveLength(1));
    refresh.release({ status: 200, data: { data: makeSession(makeUser(), 'new') } });

    const responses = await pending;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(mock.callsTo('post', '/auth/refresh')).toHaveLength(1);
  });

  it('holds requests made during a refresh and sends them with the new token', async () => {
    const mock = mockApi();
    protectedEndpoint(mock, '/devices', 'access-new');
    protectedEndpoint(mock, '/alerts', 'access-new');
    const refresh = deferredReply();
    mock.on('post', '/auth/refresh', refresh.responder);

    const first = api.get('/devices');
    await vi.waitFor(() => expect(mock.callsTo('post', '/auth/refresh')).toHaveLength(1));
    const second = api.get('/alerts');
    refresh.release({ status: 200, data: { data: makeSession(makeUser(), 'new') } });

    await Promise.all([first, second]);
    expect(mock.callsTo('get', '/alerts').map((c) => c.authorization)).toEqual(['Bearer access-new']);
  });

  it('signs out when the refresh token is refused, and rejects the original request', async () => {
    const mock = mockApi();
    protectedEndpoint(mock, '/devices', 'never-valid');
    mock.on('post', '/auth/refresh', apiError(401, 'INVALID_TOKEN', 'Refresh token revoked.'));

    const error: unknown = await api.get('/devices').catch((e: unknown) => e);

    expect(isAxiosError(error) && error.response?.status).toBe(401);
    expect(useAuthStore.getState()).toMatchObject({ token: null, user: null, logoutReason: 'expired' });
  });

  it('signs out when the retried request is still refused, without refreshing again', async () => {
    const mock = mockApi();
    protectedEndpoint(mock, '/devices', 'never-valid');
    mock.on('post', '/auth/refresh', { status: 200, data: { data: makeSession(makeUser(), 'new') } });

    await expect(api.get('/devices')).rejects.toThrow();

    expect(mock.callsTo('post', '/auth/refresh')).toHaveLength(1);
    expect(mock.callsTo('get', '/devices')).toHaveLength(2);
    expect(useAuthStore.getState().user).toBeNull();
  });

  it('keeps the session when the refresh fails for lack of network', async () => {
    const mock = mockApi();
    protectedEndpoint(mock, '/devices', 'access-new');
    mock.failNetwork('post', '/auth/refresh');

    await expect(api.get('/devices')).rejects.toThrow();

    expect(useAuthStore.getState().token).toBe('access-old');
  });

  it('does not try to refresh when the login itself answers 401', async () => {
    const mock = mockApi();
    mock.on('post', '/auth/login', apiError(401, 'INVALID_CREDENTIALS', 'Incorrect email or password.'));

    await expect(api.post('/auth/login', { email: 'a@b.c', password: 'x' })).rejects.toThrow();

    expect(mock.callsTo('post', '/auth/refresh')).toHaveLength(0);
    expect(mock.callsTo('post', '/auth/login')[0]?.authorization).toBeNull();
    expect(useAuthStore.getState().token).toBe('access-old');
  });
});
