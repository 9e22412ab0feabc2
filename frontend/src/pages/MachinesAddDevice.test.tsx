import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Machines from '@/pages/Machines';
import { useAuthStore } from '@/stores/authStore';
import { credentials, deviceList, makeDevice } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { apiError, mockApi } from '@/test/mockApi';
import { probeRoute, renderAt } from '@/test/render';

function setup() {
  useAuthStore.getState().setSession(makeSession(makeSuperAdmin()));
  const mock = mockApi();
  mock.on('get', '/devices', { status: 200, data: deviceList([makeDevice()]) });
  const user = userEvent.setup();
  const { queryClient } = renderAt('/machines', <Machines />, [probeRoute('/machines/:deviceId')]);
  return { mock, user, queryClient };
}

async function openDialog(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Add device' }));
  return screen.getByRole('dialog', { name: 'Add device' });
}

describe('Add device', () => {
  it('checks the key like the API does before sending anything', async () => {
    const { mock, user } = setup();
    const dialog = await openDialog(user);

    await user.click(within(dialog).getByRole('button', { name: 'Add device' }));
    expect(within(dialog).getByText('Enter a device key.')).toBeInTheDocument();
    expect(within(dialog).getByText('Enter a name.')).toBeInTheDocument();

    const key = within(dialog).getByLabelText(/Device key/);
    for (const [typed, message] of [
      ['press 7', /spaces/],
      ['hall/press', /must not contain \/, \+ or #/],
      ['$SYS', /must not start with \$/],
    ] as const) {
      await user.clear(key);
      await user.type(key, typed);
      expect(key).toHaveAccessibleDescription(message);
      expect(key).toHaveAttribute('aria-invalid', 'true');
    }
    await user.click(within(dialog).getByRole('button', { name: 'Add device' }));
    expect(mock.callsTo('post', '/devices')).toHaveLength(0);
  });

  it('sends trimmed fields, shows the credentials once, and forgets them when closed', async () => {
    const { mock, user, queryClient } = setup();
    const created = makeDevice({ id: 9, device_key: 'press-7', name: 'Press 7' });
    mock.on('post', '/devices', { status: 201, data: { data: { device: created, credentials } } });
    const dialog = await openDialog(user);

    await user.type(within(dialog).getByLabelText(/Device key/), 'press-7');
    await user.type(within(dialog).getByLabelText(/^Name/), '  Press 7 ');
    await user.type(within(dialog).getByLabelText('Type'), 'press');
    await user.type(within(dialog).getByLabelText('Area'), 'Stamping');
    await user.click(within(dialog).getByRole('button', { name: 'Add device' }));

    const shown = await screen.findByRole('dialog', { name: 'Device “Press 7” added' });
    expect(mock.callsTo('post', '/devices')[0]?.body).toEqual({
      device_key: 'press-7',
      name: 'Press 7',
      type: 'press',
      location: null,
      area: 'Stamping',
      manufacturer: null,
      model: null,
    });
    expect(within(shown).getByRole('alert')).toHaveTextContent('This token will not be shown again');
    expect(within(shown).getByLabelText('Password (device token)')).toHaveValue('tok_5ecret-once');
    expect(within(shown).getByLabelText('Topic')).toHaveValue('factories/demo/devices/press-7/telemetry');
    expect(within(shown).getByLabelText('Username')).toHaveValue('demo/press-7');
    expect(within(shown).getByLabelText(/mosquitto_pub/)).toHaveValue(credentials.example);
    expect(within(shown).getByRole('button', { name: 'Copy password' })).toBeInTheDocument();
    expect(within(shown).getByRole('button', { name: 'Copy example command' })).toBeInTheDocument();

    // Escape must not throw away a token that cannot be shown again.
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: 'Device “Press 7” added' })).toBeInTheDocument();

    await user.click(within(shown).getByRole('button', { name: 'Done, I saved the token' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain('tok_5ecret-once');

    // Not kept in the query cache either.
    await waitFor(() =>
      expect(JSON.stringify(queryClient.getMutationCache().getAll().map((m) => m.state.data))).not.toContain('tok_5ecret'),
    );

    // Opening the dialog again starts blank: the token is gone for good.
    const again = await openDialog(user);
    expect(within(again).getByLabelText(/Device key/)).toHaveValue('');
    expect(document.body.innerHTML).not.toContain('tok_5ecret-once');
  });

  it('copies a credential to the clipboard', async () => {
    const { mock, user } = setup();
    mock.on('post', '/devices', { status: 201, data: { data: { device: makeDevice({ id: 9 }), credentials } } });
    const dialog = await openDialog(user);
    await user.type(within(dialog).getByLabelText(/Device key/), 'press-7');
    await user.type(within(dialog).getByLabelText(/^Name/), 'Press 7');
    await user.click(within(dialog).getByRole('button', { name: 'Add device' }));

    await user.click(await screen.findByRole('button', { name: 'Copy password' }));
    expect(await navigator.clipboard.readText()).toBe('tok_5ecret-once');
    expect(screen.getByRole('button', { name: 'Copy password' })).toHaveTextContent('Copied');
  });

  it('shows the server’s refusal and keeps what was typed', async () => {
    const { mock, user } = setup();
    mock.on('post', '/devices', apiError(409, 'DEVICE_EXISTS', 'A device with key "compressor-1" exists.'));
    const dialog = await openDialog(user);

    await user.type(within(dialog).getByLabelText(/Device key/), 'compressor-1');
    await user.type(within(dialog).getByLabelText(/^Name/), 'Second compressor');
    await user.click(within(dialog).getByRole('button', { name: 'Add device' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A device with key "compressor-1" exists.');
    expect(within(dialog).getByLabelText(/Device key/)).toHaveValue('compressor-1');
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Add device' })).toBeEnabled());
  });
});
