import { lazy } from 'react';
import { Navigate, type RouteObject } from 'react-router-dom';
import { AppLayout } from '@/components/layout/AppLayout';
import { ProtectedRoute } from '@/components/ProtectedRoute';
import AcceptInvite from '@/pages/AcceptInvite';
import FactorySelect from '@/pages/FactorySelect';
import ForgotPassword from '@/pages/ForgotPassword';
import Login from '@/pages/Login';
import NotFound from '@/pages/NotFound';
import ResetPassword from '@/pages/ResetPassword';
import RouteError from '@/pages/RouteError';

// Pages behind sign-in load on demand: they will carry the charting code, which the
// sign-in pages should not have to download.
const Dashboard = lazy(() => import('@/pages/Dashboard'));
const Energy = lazy(() => import('@/pages/Energy'));
const Assets = lazy(() => import('@/pages/Assets'));
const Machines = lazy(() => import('@/pages/Machines'));
const DeviceDetail = lazy(() => import('@/pages/DeviceDetail'));
const FactorySettings = lazy(() => import('@/pages/FactorySettings'));
const Alerts = lazy(() => import('@/pages/Alerts'));
const Rules = lazy(() => import('@/pages/Rules'));
const RuleEditor = lazy(() => import('@/pages/RuleEditor'));
const Analytics = lazy(() => import('@/pages/Analytics'));
const Reports = lazy(() => import('@/pages/Reports'));
const Users = lazy(() => import('@/pages/Users'));
const AuditLog = lazy(() => import('@/pages/AuditLog'));
const ApiKeys = lazy(() => import('@/pages/ApiKeys'));
const Profile = lazy(() => import('@/pages/Profile'));

export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <Navigate to="/dashboard" replace /> },
      { path: '/select-factory', element: <FactorySelect /> },
      { path: '/login', element: <Login /> },
      // Links of account emails: they work signed in or not.
      { path: '/accept-invite', element: <AcceptInvite /> },
      { path: '/forgot-password', element: <ForgotPassword /> },
      { path: '/reset-password', element: <ResetPassword /> },
      {
        element: (
          <ProtectedRoute>
            <AppLayout />
          </ProtectedRoute>
        ),
        children: [
          { path: '/dashboard', element: <Dashboard /> },
          { path: '/energy', element: <Energy /> },
          { path: '/assets', element: <Assets /> },
          { path: '/machines', element: <Machines /> },
          { path: '/machines/:deviceId', element: <DeviceDetail /> },
          { path: '/alerts', element: <Alerts /> },
          { path: '/rules', element: <Rules /> },
          { path: '/rules/new', element: <RuleEditor /> },
          { path: '/rules/:ruleId', element: <RuleEditor /> },
          { path: '/analytics', element: <Analytics /> },
          { path: '/reports', element: <Reports /> },
          { path: '/profile', element: <Profile /> },
          {
            path: '/users',
            element: (
              <ProtectedRoute requireSuperAdmin>
                <Users />
              </ProtectedRoute>
            ),
          },
          {
            path: '/audit',
            element: (
              <ProtectedRoute requireSuperAdmin>
                <AuditLog />
              </ProtectedRoute>
            ),
          },
          {
            path: '/settings',
            element: (
              <ProtectedRoute requireSuperAdmin>
                <FactorySettings />
              </ProtectedRoute>
            ),
          },
          {
            path: '/settings/api-keys',
            element: (
              <ProtectedRoute requireSuperAdmin>
                <ApiKeys />
              </ProtectedRoute>
            ),
          },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];
