import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import AcceptInvite from '@/pages/AcceptInvite';
import ForgotPassword from '@/pages/ForgotPassword';
import Profile from '@/pages/Profile';
import ResetPassword from '@/pages/ResetPassword';
import { useAuthStore } from '@/stores/authStore';
import { makeSession, makeUser } from '@/test/fixtures';
import { apiError, mockApi, type MockReply } from '@/test/mockApi';
import { probeRoute, renderRoutes } from '@/test/render';

const weak: MockReply = {
  status: 422,
  data: {
    error: {
      code: 'WEAK_PASSWORD',
      message: 'The password is too weak: Use at least 10 characters. Add a digit or a symbol: only letters is too easy to guess.',
      details: [
        { rule: 'min_length', message: 'Use at least 10 characters.' },
        { rule: 'not_only_letters', message: 'Add a digit or a symbol: only letters is too easy to guess.' },
      ],
    },
  },
};

const ready = { status: 200, data: { data: { user_id: 30, email: 'ivan@demo.factoryops.io', factory_id: 1, factory_slug: 'demo' } } };

describe('AcceptInvite', () => {
  it('shows each failed password rule, then sets the password and signs in', async () => {
    const mock = mockApi();
    mock.once('post', '/auth/accept-invite', weak);
    mock.on('post', '/auth/accept-invite', ready);
    mock.on('post', '/auth/login', { status: 200, data: { data: makeSession(makeUser({ id: 30, email: 'ivan@demo.factoryops.io' })) } });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: '/accept-invite', element: <AcceptInvite /> }, probeRoute('/dashboard')], '/accept-invite?factory=demo&token=tok_0123456789abcdef');

    await user.type(screen.getByLabelText('Your name'), 'Ivan Inspector');
    await user.type(screen.getByLabelText(/^Password\*?$/), 'shortpw');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'shortpw');
    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));

    const problems = await screen.findByRole('list', { name: 'Password problems' });
    expect(within(problems).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Use at least 10 characters.',
      'Add a digit or a symbol: only letters is too easy to guess.',
    ]);

    await user.clear(screen.getByLabelText(/^Password\*?$/));
    await user.type(screen.getByLabelText(/^Password\*?$/), 'kiln-7-glow-Orbit');
    await user.clear(screen.getByLabelText(/^Repeat the password/));
    await user.type(screen.getByLabelText(/^Repeat the password/), 'kiln-7-glow-Orbit');
    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/dashboard'));
    expect(mock.callsTo('post', '/auth/accept-invite')[1]?.body).toEqual({
      factory_slug: 'demo',
      token: 'tok_0123456789abcdef',
      password: 'kiln-7-glow-Orbit',
      full_name: 'Ivan Inspector',
    });
    expect(mock.callsTo('post', '/auth/login')[0]?.body).toEqual({ factory_id: 1, email: 'ivan@demo.factoryops.io', password: 'kiln-7-glow-Orbit' });
    expect(useAuthStore.getState().user?.email).toBe('ivan@demo.factoryops.io');
  });

  it('catches two different entries without asking the server', async () => {
    const mock = mockApi();
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: '/accept-invite', element: <AcceptInvite /> }], '/accept-invite?factory=demo&token=tok_0123456789abcdef');
    await user.type(screen.getByLabelText(/^Password\*?$/), 'kiln-7-glow-Orbit');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'kiln-7-glow-orbit');
    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(screen.getByLabelText(/^Repeat the password/)).toHaveAccessibleDescription('The two passwords do not match.');
    expect(mock.calls).toHaveLength(0);
  });

  it('explains a used or expired link', async () => {
    const mock = mockApi();
    mock.on('post', '/auth/accept-invite', apiError(400, 'INVITE_EXPIRED', 'This invitation link has expired. Ask your administrator to send a new one.'));
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: '/accept-invite', element: <AcceptInvite /> }], '/accept-invite?factory=demo&token=tok_0123456789abcdef');
    await user.type(screen.getByLabelText(/^Password\*?$/), 'kiln-7-glow-Orbit');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'kiln-7-glow-Orbit');
    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation link has expired');
    expect(screen.getByRole('button', { name: 'Set password and sign in' })).toBeDisabled();
  });

  it('says so when the link lacks its token', () => {
    renderRoutes([{ path: '/accept-invite', element: <AcceptInvite /> }], '/accept-invite?factory=demo');
    expect(screen.getByRole('alert')).toHaveTextContent('missing its factory or token');
  });
});

describe('ResetPassword', () => {
  it('sets the new password from the link and signs in', async () => {
    const mock = mockApi();
    mock.on('post', '/auth/reset-password', ready);
    mock.on('post', '/auth/login', { status: 200, data: { data: makeSession(makeUser()) } });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: '/reset-password', element: <ResetPassword /> }, probeRoute('/dashboard')], '/reset-password?factory=demo&token=tok_0123456789abcdef');
    await user.type(screen.getByLabelText(/^New password/), 'kiln-7-glow-Orbit');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'kiln-7-glow-Orbit');
    await user.click(screen.getByRole('button', { name: 'Save password and sign in' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/dashboard'));
    expect(mock.callsTo('post', '/auth/reset-password')[0]?.body).toEqual({ factory_slug: 'demo', token: 'tok_0123456789abcdef', password: 'kiln-7-glow-Orbit' });
  });
});

describe('ForgotPassword', () => {
  it('asks for a link for the chosen factory and always confirms the same way', async () => {
    useAuthStore.getState().selectFactory({ id: 1, name: 'Demo Factory', slug: 'demo' });
    const mock = mockApi();
    mock.on('post', '/auth/forgot-password', { status: 202, data: { data: { message: 'whatever the server says' } } });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: '/forgot-password', element: <ForgotPassword /> }], '/forgot-password');
    expect(screen.getByText('Demo Factory')).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Email/), 'nobody@demo.factoryops.io');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect(await screen.findByRole('status')).toHaveTextContent('If an active account with this email exists in this factory');
    expect(mock.callsTo('post', '/auth/forgot-password')[0]?.body).toEqual({ factory_id: 1, email: 'nobody@demo.factoryops.io' });
  });
});

describe('Profile', () => {
  it('changes the own password and stays signed in with the new tokens', async () => {
    useAuthStore.getState().setSession(makeSession(makeUser(), 'old'));
    const mock = mockApi();
    mock.once('post', '/auth/change-password', apiError(400, 'INVALID_CURRENT_PASSWORD', 'The current password is not correct.'));
    mock.on('post', '/auth/change-password', { status: 200, data: { data: makeSession(makeUser(), 'new') } });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: '/profile', element: <Profile /> }], '/profile');

    expect(screen.getByText('operator@demo.factoryops.io')).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Current password/), 'wrong');
    await user.type(screen.getByLabelText(/^New password/), 'kiln-7-glow-Orbit');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'kiln-7-glow-Orbit');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await waitFor(() => expect(screen.getByLabelText(/^Current password/)).toHaveAccessibleDescription('The current password is not correct.'));

    await user.clear(screen.getByLabelText(/^Current password/));
    await user.type(screen.getByLabelText(/^Current password/), 'demo-operator-2026');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed. You have been signed out everywhere else.')).toBeInTheDocument();
    expect(mock.callsTo('post', '/auth/change-password')[1]?.body).toEqual({ current_password: 'demo-operator-2026', new_password: 'kiln-7-glow-Orbit' });
    expect(useAuthStore.getState()).toMatchObject({ token: 'access-new', refreshToken: 'refresh-new' });
    expect(screen.getByLabelText(/^New password/)).toHaveValue('');
  });
});
