import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { isSuperAdmin, useAuthStore } from '@/stores/authStore';

interface ProtectedRouteProps {
  children: ReactNode;
  requireSuperAdmin?: boolean;
}

export interface LoginLocationState {
  from?: string;
}

export function ProtectedRoute({ children, requireSuperAdmin = false }: ProtectedRouteProps) {
  const user = useAuthStore((s) => s.user);
  const token = useAuthStore((s) => s.token);
  const location = useLocation();

  if (!user || !token) {
    // Remember where the user was going, so signing in lands them there.
    const state: LoginLocationState = { from: `${location.pathname}${location.search}` };
    return <Navigate to="/login" replace state={state} />;
  }
  if (requireSuperAdmin && !isSuperAdmin(user)) {
    return <Navigate to="/dashboard" replace />;
  }
  return <>{children}</>;
}
