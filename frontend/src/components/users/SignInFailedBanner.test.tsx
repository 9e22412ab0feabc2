import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { SignInFailedBanner } from '@/components/users/SignInFailedBanner';

describe('SignInFailedBanner', () => {
  it('says the password is saved, why signing in failed, and links to the sign-in page', () => {
    render(
      <MemoryRouter>
        <SignInFailedBanner outcome="changed" error={new Error('boom')} />
      </MemoryRouter>,
    );
    const banner = screen.getByRole('alert');
    expect(banner).toHaveTextContent(/^Your password is changed, but signing in failed: .+ Sign in$/);
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
  });
});
