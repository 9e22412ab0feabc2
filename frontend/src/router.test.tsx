import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { routes } from '@/router';
import { useAuthStore } from '@/stores/authStore';
import { makeFactory, makeSummary } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin, makeUser } from '@/test/fixtures';
import { mockApi } from '@/test/mockApi';
import { renderRoutes } from '@/test/render';

function platform() {
  const mock = mockApi();
  mock.on('get', '/dashboard/summary', { status: 200, data: { data: makeSummary() } });
  mock.on('get', '/factories/current', { status: 200, data: { data: makeFactory() } });
  return mock;
}

describe('routes', () => {
  it('keeps factory settings to super admins, in the menu and by address', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['manage_devices'] })));
    platform();
    const { router } = renderRoutes(routes, '/settings');

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/dashboard');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((l) => l.textContent)).toEqual([
      'Dashboard',
      'Energy',
      'Assets',
      'Machines',
      'Alerts',
      'Rules',
      'Analytics',
      'Reports',
    ]);
  });

  it('keeps users and the audit log to super admins', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['manage_rules', 'acknowledge_alerts'] })));
    platform();
    const { router } = renderRoutes(routes, '/users');

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/dashboard');
    await act(() => router.navigate('/audit'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/dashboard'));
    expect(screen.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Audit log' })).not.toBeInTheDocument();
  });

  it('opens factory settings for a super admin', async () => {
    useAuthStore.getState().setSession(makeSession(makeSuperAdmin()));
    platform();
    renderRoutes(routes, '/settings');

    expect(await screen.findByRole('heading', { level: 1, name: 'Factory settings' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  });
});
