import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { Button } from '@/components/ui';

function isChunkLoadError(error: unknown): boolean {
  return (
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed|Loading chunk/i.test(error.message)
  );
}

/** Last resort for a page that crashed or whose code could not be loaded. */
export default function RouteError() {
  const error = useRouteError();
  // After a deploy the old page's chunks are gone; a reload picks up the new build.
  const stale = isChunkLoadError(error);
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : null;

  if (error) console.error(error);

  return (
    <main role="alert" className="flex min-h-dvh items-center justify-center bg-slate-50 px-4">
      <div className="max-w-md text-center">
        <h1 className="text-xl font-semibold text-slate-900">
          {stale ? 'A new version is available' : 'Something went wrong'}
        </h1>
        <p className="mt-2 text-sm text-slate-600">
          {stale
            ? 'FactoryOps was updated while this page was open. Reload to continue.'
            : 'This page hit an unexpected error. Reloading usually helps; if it keeps happening, tell your administrator.'}
        </p>
        {detail && !stale && <p className="mt-3 font-mono text-xs break-words text-slate-500">{detail}</p>}
        <Button className="mt-6" onClick={() => window.location.reload()}>
          Reload
        </Button>
      </div>
    </main>
  );
}
