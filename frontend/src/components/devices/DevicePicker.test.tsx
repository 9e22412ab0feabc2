import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { deviceList, makeDevice } from '@/test/domainFixtures';
import { apiError, deferredReply, mockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';

function Picker() {
  const [selected, setSelected] = useState<number[]>([]);
  return <DevicePicker label="Devices" selected={selected} onChange={setSelected} />;
}

describe('DevicePicker', () => {
  it('shows the directory loading, then why it failed, with a retry', async () => {
    const mock = mockApi();
    const first = deferredReply();
    mock.once('get', '/devices', first.responder);
    mock.on('get', '/devices', { status: 200, data: deviceList([makeDevice(), makeDevice({ id: 6, name: 'CNC Line 1', device_key: 'cnc-1' })]) });
    const user = userEvent.setup({ delay: null });
    renderAt('/analytics', <Picker />);

    expect(screen.getByRole('status')).toHaveTextContent('Loading devices');
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));
    const failure = await screen.findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the devices');
    expect(failure).toHaveTextContent('The metadata database is unavailable. Try again shortly.');

    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    await user.click(await screen.findByRole('checkbox', { name: /CNC Line 1/ }));
    expect(within(screen.getByRole('list', { name: 'Chosen devices' })).getByRole('listitem')).toHaveTextContent('CNC Line 1');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says when the factory has no devices', async () => {
    mockApi().on('get', '/devices', { status: 200, data: deviceList([]) });
    renderAt('/analytics', <Picker />);
    expect(await screen.findByText('No devices yet.')).toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });

  it('says when no device matches the filter', async () => {
    mockApi().on('get', '/devices', { status: 200, data: deviceList([makeDevice()]) });
    const user = userEvent.setup({ delay: null });
    renderAt('/analytics', <Picker />);
    await screen.findByRole('checkbox', { name: /Air Compressor 1/ });
    await user.type(screen.getByRole('searchbox', { name: 'Filter devices' }), 'chiller');
    expect(screen.getByText('No device matches.')).toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });
});
