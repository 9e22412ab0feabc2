import { useState } from 'react';
import { acceptInvite } from '@/api/account';
import { getErrorCode, getErrorMessage } from '@/api/errors';
import { AuthLayout } from '@/components/layout/AuthLayout';
import { Banner, Button, Input } from '@/components/ui';
import { NewPasswordFields } from '@/components/users/NewPasswordFields';
import { SignInFailedBanner } from '@/components/users/SignInFailedBanner';
import { usePasswordLink } from '@/hooks/usePasswordLink';

/** `/accept-invite?factory=<slug>&token=<token>`: the invitee chooses a password, then is signed in. */
export default function AcceptInvite() {
  const [fullName, setFullName] = useState('');
  const link = usePasswordLink<{ full_name?: string }>(acceptInvite);
  const { request: accept, login } = link;

  if (!link.complete) {
    return (
      <AuthLayout title="Invitation link incomplete">
        <Banner tone="danger">This link is missing its factory or token. Open the link from the invitation email again.</Banner>
      </AuthLayout>
    );
  }

  const linkDead = ['INVITE_INVALID', 'INVITE_EXPIRED'].includes(getErrorCode(accept.error) ?? '');

  return (
    <AuthLayout title="Welcome to FactoryOps" subtitle="Choose your password to finish setting up your account.">
      {accept.isError && !link.policy && (
        <Banner tone="danger" className="mb-4">
          {getErrorMessage(accept.error)}
        </Banner>
      )}
      {accept.isSuccess && login.isError && <SignInFailedBanner outcome="set" error={login.error} />}
      <form onSubmit={(e) => link.submit(e, { full_name: fullName.trim() || undefined })} noValidate className="flex flex-col gap-4">
        <Input
          label="Your name"
          autoComplete="name"
          value={fullName}
          maxLength={200}
          onChange={(e) => setFullName(e.target.value)}
          hint="Optional; shown to your colleagues."
          disabled={link.pending || linkDead || accept.isSuccess}
        />
        <NewPasswordFields label="Password" {...link.fields} disabled={link.pending || linkDead || accept.isSuccess} />
        <Button type="submit" size="lg" className="mt-1 w-full" loading={link.pending} disabled={linkDead || accept.isSuccess}>
          Set password and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
