import { useQuery } from '@tanstack/react-query';
import { FACTORY_DIRECTORY_DISABLED, listFactories } from '@/api/factories';
import { getErrorCode } from '@/api/errors';

export const factoryDirectoryQueryKey = ['factories', 'directory'] as const;

/**
 * The public factory list. A switched-off directory answers 404, which the default retry
 * policy never retries (client errors do not heal), so the code form shows at once.
 */
export function useFactoryDirectory() {
  const query = useQuery({
    queryKey: factoryDirectoryQueryKey,
    queryFn: ({ signal }) => listFactories(signal),
    staleTime: 5 * 60_000,
  });
  const directoryDisabled = getErrorCode(query.error) === FACTORY_DIRECTORY_DISABLED;
  return { ...query, directoryDisabled };
}
