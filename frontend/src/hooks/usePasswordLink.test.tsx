import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { FormEvent, ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { usePasswordLink } from '@/hooks/usePasswordLink';
import { makeSession, makeUser } from '@/test/fixtures';
import { mockApi } from '@/test/mockApi';
import { createTestQueryClient } from '@/test/render';

function setup(path: string, send = vi.fn((_body: unknown) => Promise.resolve({ user_id: 30, email: 'ivan@demo.factoryops.io', factory_id: 1, factory_slug: 'demo' }))) {
  const client = createTestQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>{children}</MemoryRouter>
    </QueryClientProvider>
  );
  return { send, ...renderHook(() => usePasswordLink<{ full_name?: string }>(send), { wrapper }) };
}

const event = () => ({ preventDefault: vi.fn() }) as unknown as FormEvent<HTMLFormElement>;

describe('usePasswordLink', () => {
  it('knows a link without its token is incomplete', () => {
    const { result } = setup('/accept-invite?factory=demo');
    expect(result.current.complete).toBe(false);
  });

  it('refuses two different entries before asking the server', () => {
    const { result, send } = setup('/accept-invite?factory=demo&token=tok');
    act(() => {
      result.current.fields.onPassword('kiln-7-glow-Orbit');
      result.current.fields.onConfirmation('kiln-7-glow-Orbot');
    });
    act(() => result.current.submit(event(), {}));
    expect(result.current.fields.error).not.toBeNull();
    expect(send).not.toHaveBeenCalled();
  });

  it('sends the link, the password and the extras, then signs in', async () => {
    const mock = mockApi();
    mock.on('post', '/auth/login', { status: 200, data: { data: makeSession(makeUser({ id: 30, email: 'ivan@demo.factoryops.io' })) } });
    const { result, send } = setup('/accept-invite?factory=demo&token=tok');
    act(() => {
      result.current.fields.onPassword('kiln-7-glow-Orbit');
      result.current.fields.onConfirmation('kiln-7-glow-Orbit');
    });
    act(() => result.current.submit(event(), { full_name: 'Ivan' }));
    await waitFor(() => expect(result.current.login.isSuccess).toBe(true));
    expect(send.mock.calls[0]?.[0]).toEqual({ factory_slug: 'demo', token: 'tok', password: 'kiln-7-glow-Orbit', full_name: 'Ivan' });
    expect(mock.callsTo('post', '/auth/login')[0]?.body).toEqual({ factory_id: 1, email: 'ivan@demo.factoryops.io', password: 'kiln-7-glow-Orbit' });
  });
});
