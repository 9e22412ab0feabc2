import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, useSearchParams } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { useSearchParamUpdater } from '@/hooks/useSearchParamUpdater';

function setup(initial: string) {
  const wrapper = ({ children }: { children: ReactNode }) => <MemoryRouter initialEntries={[initial]}>{children}</MemoryRouter>;
  return renderHook(() => ({ update: useSearchParamUpdater(), search: useSearchParams()[0] }), { wrapper });
}

describe('useSearchParamUpdater', () => {
  it('sets and clears keys and goes back to the first page', () => {
    const { result } = setup('/rules?q=pump&severity=critical&page=3');
    act(() => result.current.update({ q: 'fan', severity: '' }));
    expect(result.current.search.toString()).toBe('q=fan');
  });

  it('keeps the other keys when only the page changes', () => {
    const { result } = setup('/rules?q=pump');
    act(() => result.current.update({ page: '2' }));
    expect(result.current.search.toString()).toBe('q=pump&page=2');
  });
});
