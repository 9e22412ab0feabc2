import type { QueryLike } from '@/components/ui/QueryState';

/**
 * Several queries read as one by QueryState (one per node compared, one per device whose
 * parameters are offered): loaded once all of them are, failed while one of them failed
 * (a retry fetches the failed ones again), and never pending once one has failed, so the
 * failure shows without waiting for the rest.
 */
export function combineQueries<T>(queries: readonly QueryLike<T>[]): QueryLike<T[]> {
  const failed = queries.filter((q) => q.isError);
  const loaded = queries.map((q) => q.data).filter((d): d is T => d !== undefined);
  return {
    data: loaded.length === queries.length ? loaded : undefined,
    error: failed[0]?.error ?? null,
    isPending: failed.length === 0 && queries.some((q) => q.isPending),
    isError: failed.length > 0,
    isFetching: queries.some((q) => q.isFetching),
    refetch: () => Promise.all((failed.length > 0 ? failed : queries).map((q) => q.refetch())),
  };
}
