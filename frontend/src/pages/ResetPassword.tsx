import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { resetPassword } from '@/api/account';
import { getErrorCode, getErrorMessage } from '@/api/errors';
import { AuthLayout } from '@/components/layout/AuthLayout';
import { Banner, Button } from '@/components/ui';
import { NewPasswordFields } from '@/components/users/NewPasswordFields';
import { useLogin } from '@/hooks/useAuth';
import { newPasswordProblem, passwordPolicyMessages } from '@/lib/passwordPolicy';

/** `/reset-password?factory=<slug>&token=<token>`: a new password from an emailed link, then signed in. */
export default function ResetPassword() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const factory = search.get('factory') ?? '';
  const token = search.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const reset = useMutation({ mutationFn: resetPassword });
  const login = useLogin();

  if (!factory || !token) {
    return (
      <AuthLayout title="Reset link incomplete">
        <Banner tone="danger">
          This link is missing its factory or token.{' '}
          <Link to="/forgot-password" className="font-medium underline">
            Request a new link
          </Link>
        </Banner>
      </AuthLayout>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = newPasswordProblem(password, confirmation);
    setProblem(local);
    if (local) return;
    reset.mutate(
      { factory_slug: factory, token, password },
      {
        onSuccess: (account) =>
          login.mutate(
            { factory_id: account.factory_id, email: account.email, password },
            { onSuccess: () => void navigate('/dashboard', { replace: true }) },
          ),
      },
    );
  };

  const policy = passwordPolicyMessages(reset.error);
  const linkDead = ['RESET_TOKEN_INVALID', 'RESET_TOKEN_EXPIRED'].includes(getErrorCode(reset.error) ?? '');
  const pending = reset.isPending || login.isPending;

  return (
    <AuthLayout title="Choose a new password" subtitle="Saving it signs your account out everywhere.">
      {reset.isError && !policy && (
        <Banner tone="danger" className="mb-4">
          {getErrorMessage(reset.error)}{' '}
          {linkDead && (
            <Link to="/forgot-password" className="font-medium underline">
              Request a new link
            </Link>
          )}
        </Banner>
      )}
      {reset.isSuccess && login.isError && (
        <Banner tone="warning" className="mb-4">
          Your password is changed, but signing in failed: {getErrorMessage(login.error)}{' '}
          <Link to="/login" className="font-medium underline">
            Sign in
          </Link>
        </Banner>
      )}
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <NewPasswordFields
          password={password}
          confirmation={confirmation}
          onPassword={setPassword}
          onConfirmation={setConfirmation}
          policyMessages={policy}
          error={problem}
          disabled={pending || linkDead || reset.isSuccess}
        />
        <Button type="submit" size="lg" className="mt-1 w-full" loading={pending} disabled={linkDead || reset.isSuccess}>
          Save password and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
