import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import Users from '@/pages/Users';
import { useAuthStore } from '@/stores/authStore';
import { makeManagedUser, page } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { apiError, mockApi, type MockApi } from '@/test/mockApi';
import { renderRoutes } from '@/test/render';

const me = makeManagedUser({ id: 1, email: 'admin@demo.factoryops.io', full_name: 'Ada Admin', role: 'super_admin', permissions: [] });
const olga = makeManagedUser();
const invited = makeManagedUser({ id: 21, email: 'new@demo.factoryops.io', full_name: '', status: 'invited', last_login_at: null, permissions: [] });
const gone = makeManagedUser({ id: 22, email: 'gone@demo.factoryops.io', full_name: 'Gus Gone', is_active: false, status: 'deactivated' });

function platform(): MockApi {
  const mock = mockApi();
  mock.on('get', '/users', { status: 200, data: page([me, olga, invited, gone]) });
  return mock;
}

function renderUsers() {
  return renderRoutes([{ path: '/users', element: <Users /> }], '/users');
}

describe('Users', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeSuperAdmin())));

  it('lists users with role, permissions, account state and last sign-in', async () => {
    platform();
    renderUsers();
    const rows = within(await screen.findByRole('table', { name: 'Users' })).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent(/Ada Admin\s*You/);
    expect(rows[0]).toHaveTextContent('Super adminEverythingActive');
    expect(rows[1]).toHaveTextContent('UserAcknowledge alertsActive');
    expect(rows[2]).toHaveTextContent('No name yet');
    expect(rows[2]).toHaveTextContent('View onlyInvited');
    expect(rows[3]).toHaveTextContent('Deactivated');
    // Nobody can deactivate themselves: the button is not offered.
    expect(within(rows[0]!).queryByRole('button', { name: /Deactivate/ })).not.toBeInTheDocument();
    expect(within(rows[2]!).getByRole('button', { name: 'Resend invitation to new@demo.factoryops.io' })).toBeInTheDocument();
    expect(within(rows[3]!).getByRole('button', { name: 'Reactivate Gus Gone' })).toBeInTheDocument();
  });

  it('invites a user with the chosen role and permissions', async () => {
    const mock = platform();
    mock.on('post', '/users', { status: 201, data: { data: { ...invited, email: 'ivan@demo.factoryops.io' } } });
    const user = userEvent.setup({ delay: null });
    renderUsers();

    await user.click(await screen.findByRole('button', { name: 'Invite user' }));
    const dialog = screen.getByRole('dialog', { name: 'Invite user' });
    await user.type(within(dialog).getByLabelText(/^Email/), ' Ivan@Demo.FactoryOps.io ');
    await user.type(within(dialog).getByLabelText('Name'), 'Ivan Inspector');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Run analytics' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Acknowledge alerts' }));
    await user.type(within(dialog).getByLabelText('Phone for WhatsApp alerts'), '+49 151 2345 6789');
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));

    expect(await screen.findByRole('dialog', { name: 'Invitation sent' })).toHaveTextContent('ivan@demo.factoryops.io receives an email');
    expect(mock.callsTo('post', '/users')[0]?.body).toEqual({
      email: 'ivan@demo.factoryops.io',
      full_name: 'Ivan Inspector',
      role: 'user',
      permissions: ['acknowledge_alerts', 'run_analytics'],
      phone: '+4915123456789',
    });
  });

  it('sends no permissions for a super admin, and shows the link when email is off', async () => {
    const mock = platform();
    mock.on('post', '/users', {
      status: 201,
      data: { data: { ...invited, role: 'super_admin', invite_link: 'http://plant.example/accept-invite?factory=demo&token=abc' } },
    });
    const user = userEvent.setup({ delay: null });
    renderUsers();

    await user.click(await screen.findByRole('button', { name: 'Invite user' }));
    const dialog = screen.getByRole('dialog', { name: 'Invite user' });
    await user.type(within(dialog).getByLabelText(/^Email/), 'boss@demo.factoryops.io');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Manage rules' }));
    await user.selectOptions(within(dialog).getByLabelText('Role'), 'super_admin');
    expect(within(dialog).getByRole('checkbox', { name: 'Manage devices' })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Manage devices' })).toBeDisabled();
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));

    const sent = await screen.findByRole('dialog', { name: 'Invitation sent' });
    expect(within(sent).getByRole('textbox', { name: 'Invitation link' })).toHaveValue('http://plant.example/accept-invite?factory=demo&token=abc');
    expect(mock.callsTo('post', '/users')[0]?.body).toEqual({
      email: 'boss@demo.factoryops.io',
      full_name: '',
      role: 'super_admin',
      permissions: [],
    });
  });

  it('refuses a malformed email before asking the server', async () => {
    const mock = platform();
    const user = userEvent.setup({ delay: null });
    renderUsers();
    await user.click(await screen.findByRole('button', { name: 'Invite user' }));
    const dialog = screen.getByRole('dialog', { name: 'Invite user' });
    await user.type(within(dialog).getByLabelText(/^Email/), 'not-an-email');
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    expect(within(dialog).getByLabelText(/^Email/)).toHaveAccessibleDescription('Enter an email address.');
    expect(mock.callsTo('post', '/users')).toHaveLength(0);
  });

  it('deactivates after confirmation and explains the API’s safeguards', async () => {
    const mock = platform();
    mock.once('post', '/users/20/deactivate', apiError(409, 'LAST_SUPER_ADMIN', 'The factory must keep at least one active super admin.'));
    mock.on('post', '/users/20/deactivate', { status: 200, data: { data: { ...olga, is_active: false, status: 'deactivated' } } });
    const user = userEvent.setup({ delay: null });
    renderUsers();

    await user.click(await screen.findByRole('button', { name: 'Deactivate Olga Operator' }));
    const dialog = screen.getByRole('dialog', { name: 'Deactivate Olga Operator?' });
    expect(dialog).toHaveTextContent('signed out everywhere');
    await user.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    expect(await within(dialog).findByText('The factory must keep at least one active super admin.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(mock.callsTo('post', '/users/20/deactivate')).toHaveLength(2);
  });

  it('changes role and permissions, sending only what changed', async () => {
    const mock = platform();
    mock.on('patch', '/users/20', { status: 200, data: { data: olga } });
    const user = userEvent.setup({ delay: null });
    renderUsers();

    await user.click(await screen.findByRole('button', { name: 'Edit Olga Operator' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Olga Operator' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Generate reports' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Acknowledge alerts' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(mock.callsTo('patch', '/users/20')).toHaveLength(1));
    expect(mock.callsTo('patch', '/users/20')[0]?.body).toEqual({ permissions: ['generate_reports'] });
  });

  it('keeps a super admin from removing their own role', async () => {
    platform();
    const user = userEvent.setup({ delay: null });
    renderUsers();
    await user.click(await screen.findByRole('button', { name: 'Edit Ada Admin' }));
    const role = within(screen.getByRole('dialog', { name: 'Edit Ada Admin' })).getByLabelText('Role');
    expect(role).toBeDisabled();
    expect(role).toHaveAccessibleDescription('You cannot remove your own super admin role.');
  });
});
