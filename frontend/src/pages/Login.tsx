import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation } from 'react-router-dom';
import {
  getApiError,
  getErrorDetails,
  getErrorMessage,
  getErrorStatus,
  getRetryAfterSeconds,
} from '@/api/errors';
import { FactoryIcon } from '@/components/icons';
import { AuthLayout } from '@/components/layout/AuthLayout';
import type { LoginLocationState } from '@/components/ProtectedRoute';
import { Banner, Button, Input } from '@/components/ui';
import { useLogin } from '@/hooks/useAuth';
import { useCountdown } from '@/hooks/useCountdown';
import { selectIsAuthenticated, useAuthStore } from '@/stores/authStore';
import type { LoginRequest } from '@/types/auth';

const INVALID_CREDENTIALS_MESSAGE = 'Incorrect email or password.';

/** Only same-app paths: a crafted link must not bounce a fresh session to another site. */
function safeRedirect(from: string | undefined): string {
  if (!from || !from.startsWith('/') || from.startsWith('//')) return '/dashboard';
  if (from.startsWith('/login') || from.startsWith('/select-factory')) return '/dashboard';
  return from;
}

interface LoginError {
  message: string;
  details: string[];
}

export default function Login() {
  const location = useLocation();
  const factory = useAuthStore((s) => s.factory);
  const isAuthenticated = useAuthStore(selectIsAuthenticated);
  const logoutReason = useAuthStore((s) => s.logoutReason);
  const login = useLogin();
  const rateLimit = useCountdown();

  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<LoginError | null>(null);

  const from = (location.state as LoginLocationState | null)?.from;
  if (isAuthenticated) return <Navigate to={safeRedirect(from)} replace />;
  if (!factory) return <Navigate to="/select-factory" replace />;

  const rateLimited = rateLimit.remaining > 0;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (rateLimited || login.isPending) return;
    setError(null);

    const credentials = { email: email.trim(), password };
    const body: LoginRequest =
      factory.id !== null
        ? { factory_id: factory.id, ...credentials }
        : { factory_slug: factory.slug, ...credentials };

    login.mutate(body, {
      onError: (err) => {
        const status = getErrorStatus(err);
        if (status === 429) {
          const wait = getRetryAfterSeconds(err);
          if (wait !== null && wait > 0) {
            rateLimit.start(wait);
            return;
          }
        }
        if (status === 401 && !getApiError(err)) {
          setError({ message: INVALID_CREDENTIALS_MESSAGE, details: [] });
          return;
        }
        const message = getErrorMessage(err);
        // The API folds a lone validation problem into the message already.
        const details = getErrorDetails(err).filter((line) => !message.includes(line));
        setError({ message, details });
      },
    });
  };

  return (
    <AuthLayout title="Sign in" subtitle="Use the account your factory administrator gave you.">
      <div className="mb-5 flex items-center gap-3 rounded-lg border border-slate-200 bg-slate-50 px-3.5 py-3">
        <FactoryIcon className="size-5 shrink-0 text-slate-500" />
        <div className="min-w-0 flex-1">
          <p className="text-xs text-slate-500">Factory</p>
          <p className="truncate text-sm font-semibold text-slate-900" data-testid="login-factory">
            {factory.name}
          </p>
          {factory.name !== factory.slug && (
            <p className="truncate font-mono text-xs text-slate-500">{factory.slug}</p>
          )}
        </div>
        <Link
          to="/select-factory"
          className="shrink-0 text-sm font-medium text-sky-700 hover:text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          Change factory
        </Link>
      </div>

      {logoutReason === 'expired' && !error && !rateLimited && (
        <Banner tone="info" className="mb-4">
          Your session has expired. Sign in again to continue.
        </Banner>
      )}

      {rateLimited ? (
        <Banner tone="danger" className="mb-4">
          Too many attempts, try again in {rateLimit.remaining} s.
        </Banner>
      ) : (
        error && (
          <Banner tone="danger" className="mb-4">
            {error.message}
            {error.details.length > 0 && (
              <ul className="mt-1 list-inside list-disc">
                {error.details.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </Banner>
        )
      )}

      <form onSubmit={submit} className="flex flex-col gap-4">
        <Input
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          autoCapitalize="none"
          spellCheck={false}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoFocus
        />
        <Input
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <Button
          type="submit"
          size="lg"
          className="mt-1 w-full"
          loading={login.isPending}
          disabled={rateLimited}
        >
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
        <Link
          to="/forgot-password"
          className="text-center text-sm font-medium text-sky-700 hover:text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          Forgot your password?
        </Link>
      </form>
    </AuthLayout>
  );
}
