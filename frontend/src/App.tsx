import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { useSessionValidation } from '@/hooks/useAuth';
import { createQueryClient } from '@/lib/queryClient';
import { routes } from '@/router';
import { useAuthStore } from '@/stores/authStore';

/**
 * Validates a stored session on start-up and drops every cached response when the signed-in
 * user changes, so one tenant's data can never be shown to the next user of the browser.
 */
function SessionGuard({ queryClient }: { queryClient: QueryClient }) {
  useSessionValidation();
  useEffect(
    () =>
      useAuthStore.subscribe((state, previous) => {
        if (previous.user && (!state.user || state.user.id !== previous.user.id)) {
          queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'factories' });
        }
      }),
    [queryClient],
  );
  return null;
}

export default function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(routes));

  return (
    <QueryClientProvider client={queryClient}>
      <SessionGuard queryClient={queryClient} />
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
