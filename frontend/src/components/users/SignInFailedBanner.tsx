import { Link } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { Banner } from '@/components/ui';

interface SignInFailedBannerProps {
  /** How the password ended up: "set" (new account) or "changed" (reset). */
  outcome: 'set' | 'changed';
  error: unknown;
}

/** The password was saved but the sign-in after it failed: say so and offer the sign-in page. */
export function SignInFailedBanner({ outcome, error }: SignInFailedBannerProps) {
  return (
    <Banner tone="warning" className="mb-4">
      {`Your password is ${outcome}, but signing in failed: `}
      {getErrorMessage(error)}{' '}
      <Link to="/login" className="font-medium underline">
        Sign in
      </Link>
    </Banner>
  );
}
