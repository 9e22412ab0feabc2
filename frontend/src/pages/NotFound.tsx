import { Link } from 'react-router-dom';
import { selectIsAuthenticated, useAuthStore } from '@/stores/authStore';

export default function NotFound() {
  const isAuthenticated = useAuthStore(selectIsAuthenticated);
  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 px-4">
      <div className="max-w-md text-center">
        <p className="font-mono text-sm font-semibold text-sky-700">404</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
        <p className="mt-2 text-sm text-slate-600">
          The address may be mistyped, or the page may have moved.
        </p>
        <Link
          to={isAuthenticated ? '/dashboard' : '/login'}
          className="mt-6 inline-flex h-9 items-center rounded-md bg-sky-700 px-4 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          {isAuthenticated ? 'Go to the dashboard' : 'Go to sign in'}
        </Link>
      </div>
    </main>
  );
}
