import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getCurrentFactory, updateCurrentFactory } from '@/api/factories';
import { useAuthStore } from '@/stores/authStore';
import type { Factory } from '@/types/factory';

export const currentFactoryQueryKey = ['factory', 'current'] as const;

export function useCurrentFactory() {
  return useQuery({
    queryKey: currentFactoryQueryKey,
    queryFn: ({ signal }) => getCurrentFactory(signal),
  });
}

export function useUpdateFactory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCurrentFactory,
    onSuccess: (factory: Factory) => {
      queryClient.setQueryData(currentFactoryQueryKey, factory);
      // Name, time zone and currency are shown everywhere (top bar, chart axes, costs).
      const { user, setUser } = useAuthStore.getState();
      if (user) {
        setUser({
          ...user,
          factory: {
            ...user.factory,
            name: factory.name,
            timezone: factory.timezone,
            currency: factory.currency,
          },
        });
      }
      // Costs, CO2 and online states depend on these settings.
      void queryClient.invalidateQueries({
        predicate: (q) => ['energy', 'dashboard', 'devices', 'kpis'].includes(String(q.queryKey[0])),
      });
    },
  });
}
