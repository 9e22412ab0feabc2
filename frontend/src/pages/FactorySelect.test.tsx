import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '@/lib/queryClient';
import FactorySelect from '@/pages/FactorySelect';
import { useAuthStore } from '@/stores/authStore';
import { apiError, mockApi } from '@/test/mockApi';
import { probeRoute, renderAt } from '@/test/render';

const factories = [
  { id: 1, name: 'Demo Factory', slug: 'demo-factory' },
  { id: 2, name: 'North Plant', slug: 'plant-north' },
  { id: 3, name: 'Südwerk Stamping', slug: 'suedwerk' },
];

function directory() {
  const mock = mockApi();
  mock.on('get', '/factories', {
    status: 200,
    data: { data: factories, total: factories.length, page: 1, per_page: 100 },
  });
  return mock;
}

function renderPage(queryClient?: QueryClient) {
  return renderAt('/select-factory', <FactorySelect />, [probeRoute('/login')], queryClient);
}

describe('FactorySelect', () => {
  it('lists the factories of the directory with their codes', async () => {
    directory();
    renderPage();

    const list = await screen.findByRole('list', { name: 'Factories' });
    const items = within(list).getAllByRole('button');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('Demo Factory');
    expect(items[0]).toHaveTextContent('demo-factory');
  });

  it('narrows the list by name or code as the user types', async () => {
    directory();
    const user = userEvent.setup();
    renderPage();

    await screen.findByRole('list', { name: 'Factories' });
    await user.type(screen.getByRole('searchbox', { name: 'Search factories' }), 'NORTH');

    const items = within(screen.getByRole('list', { name: 'Factories' })).getAllByRole('button');
    expect(items.map((b) => b.textContent)).toEqual([expect.stringContaining('North Plant')]);

    await user.clear(screen.getByRole('searchbox', { name: 'Search factories' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search factories' }), 'nowhere');
    expect(screen.getByText('No matching factory')).toBeInTheDocument();
  });

  it('stores the picked factory and moves on to sign-in', async () => {
    directory();
    const user = userEvent.setup();
    renderPage();

    await user.click(await screen.findByRole('button', { name: /North Plant/ }));

    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(useAuthStore.getState().factory).toEqual({ id: 2, name: 'North Plant', slug: 'plant-north' });
    expect(useAuthStore.getState().lastFactory?.slug).toBe('plant-north');
  });

  it('puts the factory used last first and marks it', async () => {
    directory();
    useAuthStore.setState({ lastFactory: { id: 3, name: 'Südwerk Stamping', slug: 'suedwerk' } });
    renderPage();

    const items = within(await screen.findByRole('list', { name: 'Factories' })).getAllByRole('button');
    expect(items[0]).toHaveTextContent('Südwerk Stamping');
    expect(items[0]).toHaveTextContent('Last used');
  });

  it('asks for a factory code when the directory is switched off', async () => {
    const mock = mockApi();
    mock.on(
      'get',
      '/factories',
      apiError(404, 'FACTORY_DIRECTORY_DISABLED', 'The factory directory is disabled.'),
    );
    const user = userEvent.setup();
    // The application's own retry policy, to prove the 404 is not retried.
    renderPage(createQueryClient());

    const code = await screen.findByLabelText(/Factory code/);
    expect(screen.queryByRole('list', { name: 'Factories' })).not.toBeInTheDocument();
    // A disabled directory is a setting, not an outage: it is asked once, never retried.
    expect(mock.callsTo('get', '/factories')).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByText('Enter the code of your factory.')).toBeInTheDocument();

    await user.type(code, '  Plant-North ');
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(useAuthStore.getState().factory).toEqual({ id: null, name: 'plant-north', slug: 'plant-north' });
  });

  it('offers a retry when the directory cannot be loaded', async () => {
    const mock = mockApi();
    mock.once('get', '/factories', apiError(500, 'INTERNAL_ERROR', 'Database unavailable.'));
    mock.on('get', '/factories', {
      status: 200,
      data: { data: factories, total: 3, page: 1, per_page: 100 },
    });
    const user = userEvent.setup();
    renderPage();

    expect(await screen.findByText('Database unavailable.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('list', { name: 'Factories' })).toBeInTheDocument();
  });
});
