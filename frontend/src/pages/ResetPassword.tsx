import { Link } from 'react-router-dom';
import { resetPassword } from '@/api/account';
import { getErrorCode, getErrorMessage } from '@/api/errors';
import { AuthLayout } from '@/components/layout/AuthLayout';
import { Banner, Button } from '@/components/ui';
import { NewPasswordFields } from '@/components/users/NewPasswordFields';
import { SignInFailedBanner } from '@/components/users/SignInFailedBanner';
import { usePasswordLink } from '@/hooks/usePasswordLink';

/** `/reset-password?factory=<slug>&token=<token>`: a new password from an emailed link, then signed in. */
export default function ResetPassword() {
  const link = usePasswordLink(resetPassword);
  const { request: reset, login } = link;

  if (!link.complete) {
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

  const linkDead = ['RESET_TOKEN_INVALID', 'RESET_TOKEN_EXPIRED'].includes(getErrorCode(reset.error) ?? '');

  return (
    <AuthLayout title="Choose a new password" subtitle="Saving it signs your account out everywhere.">
      {reset.isError && !link.policy && (
        <Banner tone="danger" className="mb-4">
          {getErrorMessage(reset.error)}{' '}
          {linkDead && (
            <Link to="/forgot-password" className="font-medium underline">
              Request a new link
            </Link>
          )}
        </Banner>
      )}
      {reset.isSuccess && login.isError && <SignInFailedBanner outcome="changed" error={login.error} />}
      <form onSubmit={(e) => link.submit(e, {})} noValidate className="flex flex-col gap-4">
        <NewPasswordFields {...link.fields} disabled={link.pending || linkDead || reset.isSuccess} />
        <Button type="submit" size="lg" className="mt-1 w-full" loading={link.pending} disabled={linkDead || reset.isSuccess}>
          Save password and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
