import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { requestPasswordReset, type FactoryRef } from '@/api/account';
import { getErrorMessage, getErrorStatus, getRetryAfterSeconds } from '@/api/errors';
import { FactoryIcon } from '@/components/icons';
import { AuthLayout } from '@/components/layout/AuthLayout';
import { Banner, Button, Input } from '@/components/ui';
import { useCountdown } from '@/hooks/useCountdown';
import { useAuthStore } from '@/stores/authStore';

// The same words whether or not the account exists: the page must not reveal which emails do.
const SENT = 'If an active account with this email exists in this factory, a link to reset its password is on its way. It expires soon; check your spam folder if it does not arrive.';

/** Asks for a reset link by email, for the factory chosen before signing in (or typed here). */
export default function ForgotPassword() {
  const factory = useAuthStore((s) => s.factory);
  const [slug, setSlug] = useState('');
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const rateLimit = useCountdown();
  const request = useMutation({ mutationFn: requestPasswordReset });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const ref: FactoryRef | null =
      factory?.id != null ? { factory_id: factory.id } : factory ? { factory_slug: factory.slug } : slug.trim() ? { factory_slug: slug.trim() } : null;
    if (!ref || !email.trim()) return;
    request.mutate(
      { ...ref, email: email.trim() },
      {
        onSuccess: () => setSent(true),
        onError: (err) => {
          const wait = getErrorStatus(err) === 429 ? getRetryAfterSeconds(err) : null;
          if (wait) rateLimit.start(wait);
        },
      },
    );
  };

  const limited = rateLimit.remaining > 0;

  return (
    <AuthLayout title="Reset your password" subtitle="We email you a link to choose a new one.">
      {factory ? (
        <div className="mb-5 flex items-center gap-3 rounded-lg border border-slate-200 bg-slate-50 px-3.5 py-3">
          <FactoryIcon className="size-5 shrink-0 text-slate-500" />
          <div className="min-w-0 flex-1">
            <p className="text-xs text-slate-500">Factory</p>
            <p className="truncate text-sm font-semibold text-slate-900">{factory.name}</p>
          </div>
          <Link to="/select-factory" className="shrink-0 text-sm font-medium text-sky-700 hover:underline">
            Change factory
          </Link>
        </div>
      ) : null}
      {sent ? (
        <div className="flex flex-col gap-4">
          <Banner tone="success" role="status">
            {SENT}
          </Banner>
          <Link to="/login" className="text-center text-sm font-medium text-sky-700 hover:underline">
            Back to sign in
          </Link>
        </div>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4">
          {limited ? (
            <Banner tone="danger">Too many requests, try again in {rateLimit.remaining} s.</Banner>
          ) : (
            request.isError && <Banner tone="danger">{getErrorMessage(request.error)}</Banner>
          )}
          {!factory && (
            <Input
              label="Factory code"
              value={slug}
              onChange={(e) => setSlug(e.target.value)}
              autoCapitalize="none"
              spellCheck={false}
              required
              hint="The short name of your factory, as in its sign-in address."
            />
          )}
          <Input
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoFocus
          />
          <Button type="submit" size="lg" className="w-full" loading={request.isPending} disabled={limited}>
            Send reset link
          </Button>
          <Link to="/login" className="text-center text-sm font-medium text-sky-700 hover:underline">
            Back to sign in
          </Link>
        </form>
      )}
    </AuthLayout>
  );
}
