import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AlertsIcon, DashboardIcon, RulesIcon, SettingsIcon, UsersIcon } from '@/components/icons';
import { AppLayout } from '@/components/layout/AppLayout';
import { NAV_ITEMS, type NavItem } from '@/components/layout/navigation';
import { Sidebar } from '@/components/layout/Sidebar';
import { ProtectedRoute } from '@/components/ProtectedRoute';
import { useAuthStore } from '@/stores/authStore';
import { makeSession, makeSuperAdmin, makeUser } from '@/test/fixtures';
import { mockApi } from '@/test/mockApi';
import { probeRoute, renderAt, renderRoutes } from '@/test/render';

const items: NavItem[] = [
  { to: '/dashboard', label: 'Dashboard', icon: DashboardIcon },
  { to: '/alerts', label: 'Alerts', icon: AlertsIcon },
  { to: '/rules', label: 'Rules', icon: RulesIcon, permission: 'manage_rules' },
  { to: '/users', label: 'Users', icon: UsersIcon, superAdminOnly: true },
  { to: '/settings', label: 'Settings', icon: SettingsIcon, superAdminOnly: true },
];

function navLabels() {
  const nav = screen.getByRole('navigation', { name: 'Main' });
  return within(nav)
    .getAllByRole('link')
    .map((link) => link.textContent);
}

describe('Sidebar', () => {
  it('hides super-admin pages and pages needing a missing permission from a normal user', () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: [] })));
    renderAt('/dashboard', <Sidebar items={items} />);
    expect(navLabels()).toEqual(['Dashboard', 'Alerts']);
  });

  it('shows a permission-gated page to a user holding that permission', () => {
    useAuthStore.getState().setSession(makeSession(makeUser({ permissions: ['manage_rules'] })));
    renderAt('/dashboard', <Sidebar items={items} />);
    expect(navLabels()).toEqual(['Dashboard', 'Alerts', 'Rules']);
  });

  it('shows every page to a super admin and marks the current one', () => {
    useAuthStore.getState().setSession(makeSession(makeSuperAdmin()));
    renderAt('/alerts', <Sidebar items={items} />);

    expect(navLabels()).toEqual(['Dashboard', 'Alerts', 'Rules', 'Users', 'Settings']);
    expect(screen.getByRole('link', { name: 'Alerts' })).toHaveAttribute('aria-current', 'page');
  });

  it('keeps the shipped navigation free of super-admin pages for normal users', () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    renderAt('/dashboard', <Sidebar />);
    const expected = NAV_ITEMS.filter((i) => !i.superAdminOnly && !i.permission).map((i) => i.label);
    expect(navLabels()).toEqual(expected);
  });
});

describe('AppLayout', () => {
  function renderShell() {
    return renderRoutes(
      [
        {
          element: (
            <ProtectedRoute>
              <AppLayout />
            </ProtectedRoute>
          ),
          children: [{ path: '/dashboard', element: <h1>Dashboard</h1> }],
        },
        probeRoute('/login'),
      ],
      '/dashboard',
    );
  }

  it('shows the factory, the user and their role in the top bar', () => {
    useAuthStore.getState().setSession(makeSession(makeSuperAdmin()));
    renderShell();

    const banner = screen.getByRole('banner');
    expect(within(banner).getByText('Demo Factory')).toBeInTheDocument();
    expect(within(banner).getByText('Ada Admin')).toBeInTheDocument();
    expect(within(banner).getByText('admin@demo.factoryops.io')).toBeInTheDocument();
    expect(within(banner).getByText('Super admin')).toBeInTheDocument();
  });

  it('shows the open alerts in the top bar, leading to them, and the profile', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const mock = mockApi();
    mock.on('get', '/alerts/counts', {
      status: 200,
      data: { data: { open_total: 4, by_severity: { info: 0, warning: 3, critical: 1 }, by_status: { open: 4, acknowledged: 0, resolved: 2 } } },
    });
    renderShell();

    const banner = screen.getByRole('banner');
    const bell = await within(banner).findByRole('link', { name: 'Alerts: 4 open' });
    expect(bell).toHaveAttribute('href', '/alerts?status=open');
    expect(within(bell).getByTestId('alert-count')).toHaveTextContent('4');
    expect(within(banner).getByRole('link', { name: 'Profile' })).toHaveAttribute('href', '/profile');
  });

  it('signs out on the server, forgets the session and returns to the login page', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const mock = mockApi();
    mock.on('post', '/auth/logout', { status: 204 });
    const user = userEvent.setup();
    renderShell();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login'));
    expect(mock.callsTo('post', '/auth/logout')[0]?.body).toEqual({ refresh_token: 'refresh-1' });
    expect(useAuthStore.getState()).toMatchObject({ token: null, refreshToken: null, user: null });
    expect(useAuthStore.getState().factory?.name).toBe('Demo Factory');
  });

  it('still signs out locally when the server cannot be reached', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    const mock = mockApi();
    mock.failNetwork('post', '/auth/logout');
    const user = userEvent.setup();
    renderShell();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login'));
    expect(useAuthStore.getState().token).toBeNull();
  });
});
