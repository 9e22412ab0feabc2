import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ProtectedRoute } from '@/components/ProtectedRoute';
import { useAuthStore } from '@/stores/authStore';
import { makeSession, makeSuperAdmin, makeUser } from '@/test/fixtures';
import { LocationProbe, renderRoutes } from '@/test/render';

function LoginProbe() {
  return <LocationProbe />;
}

const routes = [
  { path: '/login', element: <LoginProbe /> },
  { path: '/dashboard', element: <ProtectedRoute><h1>Dashboard</h1></ProtectedRoute> },
  {
    path: '/users',
    element: (
      <ProtectedRoute requireSuperAdmin>
        <h1>Users</h1>
      </ProtectedRoute>
    ),
  },
];

describe('ProtectedRoute', () => {
  it('sends a signed-out visitor to the login page, remembering where they were going', () => {
    const { router } = renderRoutes(routes, '/users?tab=invites');

    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(router.state.location.state).toEqual({ from: '/users?tab=invites' });
  });

  it('shows the page to a signed-in user', () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    renderRoutes(routes, '/dashboard');
    expect(screen.getByRole('heading', { name: 'Dashboard' })).toBeInTheDocument();
  });

  it('turns a normal user away from super-admin pages to the dashboard', () => {
    useAuthStore.getState().setSession(makeSession(makeUser()));
    renderRoutes(routes, '/users');

    expect(screen.getByRole('heading', { name: 'Dashboard' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('lets a super admin into super-admin pages', () => {
    useAuthStore.getState().setSession(makeSession(makeSuperAdmin()));
    renderRoutes(routes, '/users');
    expect(screen.getByRole('heading', { name: 'Users' })).toBeInTheDocument();
  });
});
