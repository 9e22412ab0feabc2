import type { AuthSession, User } from '@/types/auth';

export const demoFactory = {
  id: 1,
  name: 'Demo Factory',
  slug: 'demo-factory',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
};

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: 10,
    factory_id: demoFactory.id,
    email: 'operator@demo.factoryops.io',
    full_name: 'Olga Operator',
    role: 'user',
    permissions: [],
    is_active: true,
    last_login_at: null,
    factory: demoFactory,
    ...overrides,
  };
}

export function makeSuperAdmin(overrides: Partial<User> = {}): User {
  return makeUser({
    id: 1,
    email: 'admin@demo.factoryops.io',
    full_name: 'Ada Admin',
    role: 'super_admin',
    ...overrides,
  });
}

export function makeSession(user: User = makeUser(), suffix = '1'): AuthSession {
  return {
    access_token: `access-${suffix}`,
    refresh_token: `refresh-${suffix}`,
    token_type: 'bearer',
    expires_in: 900,
    user,
  };
}
