import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, useLocation, type RouteObject } from 'react-router-dom';

export function createTestQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

/** Shows the current path so tests can assert where a redirect landed. */
export function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname}</div>;
}

export function probeRoute(path: string): RouteObject {
  return { path, element: <LocationProbe /> };
}

export function renderRoutes(
  routes: RouteObject[],
  initialPath: string,
  queryClient: QueryClient = createTestQueryClient(),
) {
  const router = createMemoryRouter(routes, { initialEntries: [initialPath] });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, router, queryClient };
}

export function renderAt(
  path: string,
  element: ReactElement,
  extraRoutes: RouteObject[] = [],
  queryClient?: QueryClient,
  /** Where to start when `path` is a pattern such as `/machines/:deviceId`. */
  initialPath: string = path,
) {
  return renderRoutes([{ path, element }, ...extraRoutes], initialPath, queryClient);
}
