import { describe, expect, it, vi } from 'vitest';
import { combineQueries } from '@/components/ui/combineQueries';
import type { QueryLike } from '@/components/ui/QueryState';

function query(overrides: Partial<QueryLike<number>>): QueryLike<number> {
  return { data: undefined, error: null, isPending: false, isError: false, isFetching: false, refetch: vi.fn(() => Promise.resolve()), ...overrides };
}

describe('combineQueries', () => {
  it('has data once every query has', () => {
    expect(combineQueries([query({ data: 1 }), query({ data: 2 })]).data).toEqual([1, 2]);
    const partly = combineQueries([query({ data: 1 }), query({ isPending: true })]);
    expect(partly.data).toBeUndefined();
    expect(partly.isPending).toBe(true);
  });

  it('is loaded and empty with no queries at all', () => {
    const none = combineQueries<number>([]);
    expect(none.data).toEqual([]);
    expect(none.isPending).toBe(false);
    expect(none.isError).toBe(false);
  });

  it('fails as soon as one query failed, without waiting for the others, and retries only the failed', async () => {
    const failed = query({ isError: true, error: new Error('boom') });
    const loading = query({ isPending: true, isFetching: true });
    const combined = combineQueries([query({ data: 1 }), failed, loading]);
    expect(combined.isPending).toBe(false);
    expect(combined.isError).toBe(true);
    expect(combined.error).toEqual(new Error('boom'));
    expect(combined.isFetching).toBe(true);
    await combined.refetch();
    expect(failed.refetch).toHaveBeenCalledOnce();
    expect(loading.refetch).not.toHaveBeenCalled();
  });

  it('keeps the data when a refresh of one query failed', () => {
    const combined = combineQueries([query({ data: 1 }), query({ data: 2, isError: true, error: new Error('boom') })]);
    expect(combined.data).toEqual([1, 2]);
    expect(combined.isError).toBe(true);
  });
});
