import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createApiKey, listApiKeys, revokeApiKey } from '@/api/apiKeys';
import type { PageParams } from '@/types/api';

export const apiKeyKeys = {
  all: ['api-keys'] as const,
  list: (params: PageParams) => ['api-keys', 'list', params] as const,
};

export function useApiKeys(params: PageParams) {
  return useQuery({
    queryKey: apiKeyKeys.list(params),
    queryFn: ({ signal }) => listApiKeys(params, signal),
    placeholderData: keepPreviousData,
  });
}

function useInvalidateApiKeys() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: apiKeyKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['audit'] });
  };
}

export function useCreateApiKey() {
  const invalidate = useInvalidateApiKeys();
  // The answer holds the key itself: it must not outlive the dialog in a cache.
  return useMutation({ mutationFn: createApiKey, onSuccess: invalidate, gcTime: 0 });
}

export function useRevokeApiKey() {
  const invalidate = useInvalidateApiKeys();
  return useMutation({ mutationFn: (id: number) => revokeApiKey(id), onSuccess: invalidate });
}
