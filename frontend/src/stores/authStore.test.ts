import { describe, expect, it } from 'vitest';
import { AUTH_STORAGE_KEY, hasPermission, useAuthStore } from '@/stores/authStore';
import { demoFactory, makeSession, makeSuperAdmin, makeUser } from '@/test/fixtures';

function persisted(): Record<string, unknown> {
  const raw = localStorage.getItem(AUTH_STORAGE_KEY);
  if (!raw) throw new Error('nothing persisted');
  return (JSON.parse(raw) as { state: Record<string, unknown> }).state;
}

describe('authStore', () => {
  it('remembers the chosen factory as the current and the last one, across reloads', () => {
    useAuthStore.getState().selectFactory({ id: 1, name: 'Demo Factory', slug: 'demo-factory' });

    const state = useAuthStore.getState();
    expect(state.factory).toEqual({ id: 1, name: 'Demo Factory', slug: 'demo-factory' });
    expect(state.lastFactory).toEqual(state.factory);
    expect(persisted().lastFactory).toEqual({ id: 1, name: 'Demo Factory', slug: 'demo-factory' });
  });

  it('replaces a typed factory code with the factory the server signed the user into', () => {
    useAuthStore.getState().selectFactory({ id: null, name: 'demo-factory', slug: 'demo-factory' });
    useAuthStore.getState().setSession(makeSession());

    const state = useAuthStore.getState();
    expect(state.factory).toEqual({ id: 1, name: 'Demo Factory', slug: 'demo-factory' });
    expect(state.token).toBe('access-1');
    expect(state.refreshToken).toBe('refresh-1');
    expect(state.user?.email).toBe('operator@demo.factoryops.io');
    expect(persisted().token).toBe('access-1');
  });

  it('sign-out forgets the credentials but keeps the factory for the next sign-in', () => {
    useAuthStore.getState().setSession(makeSession());
    useAuthStore.getState().logout();

    const state = useAuthStore.getState();
    expect(state.token).toBeNull();
    expect(state.refreshToken).toBeNull();
    expect(state.user).toBeNull();
    expect(state.factory?.slug).toBe(demoFactory.slug);
    expect(state.logoutReason).toBeNull();
    expect(persisted()).toMatchObject({ token: null, refreshToken: null, user: null });
  });

  it('flags a session that expired, without persisting the flag', () => {
    useAuthStore.getState().setSession(makeSession());
    useAuthStore.getState().logout('expired');

    expect(useAuthStore.getState().logoutReason).toBe('expired');
    expect(persisted()).not.toHaveProperty('logoutReason');

    useAuthStore.getState().setSession(makeSession());
    expect(useAuthStore.getState().logoutReason).toBeNull();
  });

  it('grants super admins every permission and users only theirs', () => {
    const operator = makeUser({ permissions: ['acknowledge_alerts'] });
    expect(hasPermission(operator, 'acknowledge_alerts')).toBe(true);
    expect(hasPermission(operator, 'manage_rules')).toBe(false);
    expect(hasPermission(makeSuperAdmin(), 'manage_rules')).toBe(true);
    expect(hasPermission(null, 'acknowledge_alerts')).toBe(false);
  });
});
