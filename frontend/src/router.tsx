import { lazy } from 'react';
import { Navigate, type RouteObject } from 'react-router-dom';
import { AppLayout } from '@/components/layout/AppLayout';
import { ProtectedRoute } from '@/components/ProtectedRoute';
import FactorySelect from '@/pages/FactorySelect';
import Login from '@/pages/Login';
import NotFound from '@/pages/NotFound';
import RouteError from '@/pages/RouteError';

// Pages behind sign-in load on demand: they will carry the charting code, which the
// sign-in pages should not have to download.
const Dashboard = lazy(() => import('@/pages/Dashboard'));
const Machines = lazy(() => import('@/pages/Machines'));
const DeviceDetail = lazy(() => import('@/pages/DeviceDetail'));
const FactorySettings = lazy(() => import('@/pages/FactorySettings'));

export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <Navigate to="/dashboard" replace /> },
      { path: '/select-factory', element: <FactorySelect /> },
      { path: '/login', element: <Login /> },
      {
        element: (
          <ProtectedRoute>
            <AppLayout />
          </ProtectedRoute>
        ),
        children: [
          { path: '/dashboard', element: <Dashboard /> },
          { path: '/machines', element: <Machines /> },
          { path: '/machines/:deviceId', element: <DeviceDetail /> },
          {
            path: '/settings',
            element: (
              <ProtectedRoute requireSuperAdmin>
                <FactorySettings />
              </ProtectedRoute>
            ),
          },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];
