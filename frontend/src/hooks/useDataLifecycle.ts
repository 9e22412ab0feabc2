import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getDataLifecycle, updateRetention } from '@/api/lifecycle';
import type { DataLifecycle } from '@/types/lifecycle';

export const dataLifecycleQueryKey = ['factory', 'data-lifecycle'] as const;

export function useDataLifecycle() {
  return useQuery({ queryKey: dataLifecycleQueryKey, queryFn: ({ signal }) => getDataLifecycle(signal) });
}

export function useUpdateRetention() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateRetention,
    onSuccess: (next: DataLifecycle) => queryClient.setQueryData(dataLifecycleQueryKey, next),
  });
}
