import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Login from '@/pages/Login';
import { useAuthStore } from '@/stores/authStore';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { apiError, deferredReply, mockApi } from '@/test/mockApi';
import { probeRoute, renderAt } from '@/test/render';

function renderLogin() {
  return renderAt('/login', <Login />, [probeRoute('/dashboard'), probeRoute('/select-factory')]);
}

async function fillAndSubmit(user: ReturnType<typeof userEvent.setup>, password = 'secret-pass') {
  await user.type(screen.getByLabelText(/Email/), 'admin@demo.factoryops.io');
  await user.type(screen.getByLabelText(/Password/), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('Login', () => {
  beforeEach(() => {
    useAuthStore.getState().selectFactory({ id: 1, name: 'Demo Factory', slug: 'demo-factory' });
  });

  it('shows the chosen factory and a way to change it', () => {
    renderLogin();
    expect(screen.getByTestId('login-factory')).toHaveTextContent('Demo Factory');
    expect(screen.getByRole('link', { name: 'Change factory' })).toHaveAttribute('href', '/select-factory');
  });

  it('sends the picked factory with the credentials and opens the dashboard', async () => {
    const mock = mockApi();
    mock.on('post', '/auth/login', { status: 200, data: { data: makeSession(makeSuperAdmin()) } });
    const user = userEvent.setup();
    renderLogin();

    await fillAndSubmit(user);

    expect(await screen.findByTestId('location')).toHaveTextContent('/dashboard');
    expect(mock.callsTo('post', '/auth/login')[0]?.body).toEqual({
      factory_id: 1,
      email: 'admin@demo.factoryops.io',
      password: 'secret-pass',
    });
    expect(useAuthStore.getState().user?.role).toBe('super_admin');
  });

  it('signs in by factory code when the directory was not used', async () => {
    useAuthStore.getState().selectFactory({ id: null, name: 'demo-factory', slug: 'demo-factory' });
    const mock = mockApi();
    mock.on('post', '/auth/login', { status: 200, data: { data: makeSession() } });
    const user = userEvent.setup();
    renderLogin();

    await fillAndSubmit(user);

    await screen.findByTestId('location');
    expect(mock.callsTo('post', '/auth/login')[0]?.body).toMatchObject({ factory_slug: 'demo-factory' });
    expect(mock.callsTo('post', '/auth/login')[0]?.body).not.toHaveProperty('factory_id');
  });

  it('shows why the credentials were refused', async () => {
    const mock = mockApi();
    mock.on('post', '/auth/login', apiError(401, 'INVALID_CREDENTIALS', 'Incorrect email or password.'));
    const user = userEvent.setup();
    renderLogin();

    await fillAndSubmit(user, 'wrong');

    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password.');
    expect(useAuthStore.getState().token).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('lists validation problems without repeating the one the message already names', async () => {
    const mock = mockApi();
    mock.on('post', '/auth/login', {
      status: 422,
      data: {
        error: {
          code: 'VALIDATION_ERROR',
          message: 'email: value is not a valid email address',
          details: [
            { field: 'body.email', message: 'value is not a valid email address' },
            { field: 'body.password', message: 'String should have at least 1 character' },
          ],
        },
      },
    });
    const user = userEvent.setup();
    renderLogin();

    await fillAndSubmit(user);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('email: value is not a valid email address');
    expect(within(alert).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'password: String should have at least 1 character',
    ]);
  });

  it('disables the button while the sign-in is in flight', async () => {
    const mock = mockApi();
    const reply = deferredReply();
    mock.on('post', '/auth/login', reply.responder);
    const user = userEvent.setup();
    renderLogin();

    await fillAndSubmit(user);

    expect(screen.getByRole('button', { name: 'Signing in…' })).toBeDisabled();
    reply.release(apiError(401, 'INVALID_CREDENTIALS', 'Incorrect email or password.'));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('explains a network failure', async () => {
    const mock = mockApi();
    mock.failNetwork('post', '/auth/login');
    const user = userEvent.setup();
    renderLogin();

    await fillAndSubmit(user);

    expect(await screen.findByRole('alert')).toHaveTextContent(/Cannot reach the FactoryOps server/);
  });

  describe('when rate limited', () => {
    beforeEach(() => {
      // The clock and the countdown's ticker are faked; timeouts stay real for user-event.
      vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('counts down the Retry-After delay and blocks new attempts until it ends', async () => {
      const mock = mockApi();
      mock.on(
        'post',
        '/auth/login',
        apiError(429, 'RATE_LIMITED', 'Too many login attempts.', { 'Retry-After': '30' }),
      );
      const user = userEvent.setup();
      renderLogin();

      await fillAndSubmit(user);

      expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts, try again in 30 s');
      expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();

      act(() => {
        vi.advanceTimersByTime(12_000);
      });
      expect(screen.getByRole('alert')).toHaveTextContent('Too many attempts, try again in 18 s');

      act(() => {
        vi.advanceTimersByTime(18_000);
      });
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
      expect(mock.callsTo('post', '/auth/login')).toHaveLength(1);
    });
  });

  it('sends a visitor without a chosen factory to the directory', () => {
    useAuthStore.setState({ factory: null });
    renderLogin();
    expect(screen.getByTestId('location')).toHaveTextContent('/select-factory');
  });

  it('tells the user when the previous session expired', () => {
    useAuthStore.setState({ logoutReason: 'expired' });
    renderLogin();
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired');
  });
});
