import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Machines from '@/pages/Machines';
import { useAuthStore } from '@/stores/authStore';
import { deviceList, makeDevice } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { mockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';

const ANSWER =
  'row,device_key,name,action,mqtt_host,mqtt_port,tls,client_id,username,password,topic\r\n' +
  '1,press-1,Press 1,created,mqtt.example,8883,true,demo:press-1,demo:press-1,secret-token,factories/demo/devices/press-1/telemetry\r\n' +
  '2,press-2,Press 2,updated,,,,,,,\r\n';

describe('Import devices', () => {
  let saved: Blob[];
  let names: string[];

  beforeEach(() => {
    saved = [];
    names = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:import';
    });
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
  });

  afterEach(() => {
    // @ts-expect-error jsdom has none: the test put them there.
    delete URL.createObjectURL;
    // @ts-expect-error as above
    delete URL.revokeObjectURL;
    vi.restoreAllMocks();
  });

  function setup() {
    useAuthStore.getState().setSession(makeSession(makeSuperAdmin()));
    const mock = mockApi();
    mock.on('get', '/devices', { status: 200, data: deviceList([makeDevice()]) });
    renderAt('/machines', <Machines />);
    return { mock, user: userEvent.setup() };
  }

  it('sends the file as CSV and saves the credentials it answers with', async () => {
    const { mock, user } = setup();
    mock.on('post', '/devices/import', { status: 200, data: ANSWER });
    await user.click(await screen.findByRole('button', { name: 'Import' }));
    const dialog = screen.getByRole('dialog', { name: 'Import devices' });
    const file = new File(['device_key,name\npress-1,Press 1\npress-2,Press 2\n'], 'plant.csv', { type: 'text/csv' });
    await user.upload(within(dialog).getByLabelText('CSV file'), file);
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    expect(await screen.findByText(/1 created, 1 updated/)).toBeInTheDocument();
    expect(mock.callsTo('post', '/devices/import')[0]?.body).toBe('device_key,name\npress-1,Press 1\npress-2,Press 2\n');
    expect(names).toEqual(['device-credentials.csv']);
    expect(await saved[0]?.text()).toBe(ANSWER);
  });

  it('lists every invalid row the server reports', async () => {
    const { mock, user } = setup();
    mock.on('post', '/devices/import', {
      status: 422,
      data: {
        error: {
          code: 'IMPORT_INVALID',
          message: '2 of 3 rows are not valid; nothing was imported.',
          details: [
            { row: 2, field: 'device_key', message: 'String should match pattern' },
            { row: 3, field: 'device_key', message: 'the same device_key as row 1' },
          ],
        },
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Import' }));
    const dialog = screen.getByRole('dialog', { name: 'Import devices' });
    await user.upload(within(dialog).getByLabelText('CSV file'), new File(['x'], 'plant.csv', { type: 'text/csv' }));
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    expect(await within(dialog).findByText('2 of 3 rows are not valid; nothing was imported.')).toBeInTheDocument();
    expect(within(dialog).getByText('Row 3, device_key: the same device_key as row 1')).toBeInTheDocument();
    expect(names).toEqual([]);
  });
});
