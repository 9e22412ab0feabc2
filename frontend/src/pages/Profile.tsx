import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { changePassword } from '@/api/account';
import { getErrorCode, getErrorMessage } from '@/api/errors';
import { Badge, Banner, Button, Card, CardBody, CardHeader, Input } from '@/components/ui';
import { NewPasswordFields } from '@/components/users/NewPasswordFields';
import { formatDateTime } from '@/lib/format';
import { newPasswordProblem, passwordPolicyMessages } from '@/lib/passwordPolicy';
import { permissionLabel } from '@/lib/permissions';
import { useAuthStore } from '@/stores/authStore';

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: changePassword,
    // The account is signed out everywhere else; this browser carries on with the tokens the answer brings.
    onSuccess: (session) => useAuthStore.getState().setSession(session),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = current ? newPasswordProblem(password, confirmation) : 'Enter your current password.';
    setProblem(local);
    if (local) return;
    change.mutate(
      { current_password: current, new_password: password },
      {
        onSuccess: () => {
          setCurrent('');
          setPassword('');
          setConfirmation('');
        },
      },
    );
  };

  const code = getErrorCode(change.error);
  const policy = passwordPolicyMessages(change.error);
  return (
    <Card>
      <CardHeader title="Change password" description="You stay signed in here and are signed out everywhere else." />
      <CardBody>
        <form onSubmit={submit} noValidate className="flex max-w-md flex-col gap-4">
          {change.isSuccess && <Banner tone="success">Password changed. You have been signed out everywhere else.</Banner>}
          {change.isError && !policy && code !== 'INVALID_CURRENT_PASSWORD' && <Banner tone="danger">{getErrorMessage(change.error)}</Banner>}
          <Input
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
            error={code === 'INVALID_CURRENT_PASSWORD' ? getErrorMessage(change.error) : null}
            disabled={change.isPending}
          />
          <NewPasswordFields
            password={password}
            confirmation={confirmation}
            onPassword={setPassword}
            onConfirmation={setConfirmation}
            policyMessages={policy}
            error={problem}
            disabled={change.isPending}
          />
          <div>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

export default function Profile() {
  const user = useAuthStore((s) => s.user);
  if (!user) return null;
  const admin = user.role === 'super_admin';
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Profile</h1>
        <p className="mt-1 text-sm text-slate-500">Your account at {user.factory.name}.</p>
      </div>
      <Card>
        <CardHeader title="Account" description="Ask a super admin to change your role or permissions." />
        <CardBody>
          <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Name</dt>
            <dd className="text-slate-900">{user.full_name || '—'}</dd>
            <dt className="text-slate-500">Email</dt>
            <dd className="text-slate-900">{user.email}</dd>
            <dt className="text-slate-500">Role</dt>
            <dd>
              <Badge tone={admin ? 'info' : 'neutral'}>{admin ? 'Super admin' : 'User'}</Badge>
            </dd>
            <dt className="text-slate-500">Permissions</dt>
            <dd className="flex flex-wrap gap-1">
              {admin ? (
                <span className="text-slate-700">Everything</span>
              ) : user.permissions.length === 0 ? (
                <span className="text-slate-700">View only</span>
              ) : (
                user.permissions.map((p) => <Badge key={p}>{permissionLabel(p)}</Badge>)
              )}
            </dd>
            <dt className="text-slate-500">Last sign-in</dt>
            <dd className="text-slate-900">{user.last_login_at ? formatDateTime(user.last_login_at, user.factory.timezone) : '—'}</dd>
            <dt className="text-slate-500">Factory</dt>
            <dd className="text-slate-900">
              {user.factory.name} <span className="text-slate-500">({user.factory.timezone})</span>
            </dd>
          </dl>
        </CardBody>
      </Card>
      <ChangePassword />
    </div>
  );
}
