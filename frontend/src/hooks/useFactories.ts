import { useQuery } from '@tanstack/react-query';
import { FACTORY_DIRECTORY_DISABLED, listFactories } from '@/api/factories';
import { getErrorCode } from '@/api/errors';

export const factoryDirectoryQueryKey = ['factories', 'directory'] as const;

export function useFactoryDirectory() {
  const query = useQuery({
    queryKey: factoryDirectoryQueryKey,
    queryFn: ({ signal }) => listFactories(signal),
    staleTime: 5 * 60_000,
    retry: (failureCount, error) =>
      getErrorCode(error) !== FACTORY_DIRECTORY_DISABLED && failureCount < 2,
  });
  const directoryDisabled = getErrorCode(query.error) === FACTORY_DIRECTORY_DISABLED;
  return { ...query, directoryDisabled };
}
