import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { acceptInvite } from '@/api/account';
import { getErrorCode, getErrorMessage } from '@/api/errors';
import { AuthLayout } from '@/components/layout/AuthLayout';
import { Banner, Button, Input } from '@/components/ui';
import { NewPasswordFields } from '@/components/users/NewPasswordFields';
import { useLogin } from '@/hooks/useAuth';
import { newPasswordProblem, passwordPolicyMessages } from '@/lib/passwordPolicy';

/** `/accept-invite?factory=<slug>&token=<token>`: the invitee chooses a password, then is signed in. */
export default function AcceptInvite() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const factory = search.get('factory') ?? '';
  const token = search.get('token') ?? '';
  const [fullName, setFullName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const accept = useMutation({ mutationFn: acceptInvite });
  const login = useLogin();

  if (!factory || !token) {
    return (
      <AuthLayout title="Invitation link incomplete">
        <Banner tone="danger">This link is missing its factory or token. Open the link from the invitation email again.</Banner>
      </AuthLayout>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = newPasswordProblem(password, confirmation);
    setProblem(local);
    if (local) return;
    accept.mutate(
      { factory_slug: factory, token, password, full_name: fullName.trim() || undefined },
      {
        onSuccess: (account) =>
          login.mutate(
            { factory_id: account.factory_id, email: account.email, password },
            { onSuccess: () => void navigate('/dashboard', { replace: true }) },
          ),
      },
    );
  };

  const policy = passwordPolicyMessages(accept.error);
  const linkDead = ['INVITE_INVALID', 'INVITE_EXPIRED'].includes(getErrorCode(accept.error) ?? '');
  const pending = accept.isPending || login.isPending;

  return (
    <AuthLayout title="Welcome to FactoryOps" subtitle="Choose your password to finish setting up your account.">
      {accept.isError && !policy && (
        <Banner tone="danger" className="mb-4">
          {getErrorMessage(accept.error)}
        </Banner>
      )}
      {accept.isSuccess && login.isError && (
        <Banner tone="warning" className="mb-4">
          Your password is set, but signing in failed: {getErrorMessage(login.error)}{' '}
          <Link to="/login" className="font-medium underline">
            Sign in
          </Link>
        </Banner>
      )}
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Input
          label="Your name"
          autoComplete="name"
          value={fullName}
          maxLength={200}
          onChange={(e) => setFullName(e.target.value)}
          hint="Optional; shown to your colleagues."
          disabled={pending || linkDead || accept.isSuccess}
        />
        <NewPasswordFields
          label="Password"
          password={password}
          confirmation={confirmation}
          onPassword={setPassword}
          onConfirmation={setConfirmation}
          policyMessages={policy}
          error={problem}
          disabled={pending || linkDead || accept.isSuccess}
        />
        <Button type="submit" size="lg" className="mt-1 w-full" loading={pending} disabled={linkDead || accept.isSuccess}>
          Set password and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
