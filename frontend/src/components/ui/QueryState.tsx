import type { ReactNode } from 'react';
import { getErrorMessage } from '@/api/errors';
import { ErrorState } from '@/components/ui/ErrorState';
import { Spinner } from '@/components/ui/Spinner';
import { cn } from '@/lib/cn';

/** The parts of a React Query result that QueryState reads. */
export interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  refetch: () => Promise<unknown>;
}

interface QueryStateProps<T> {
  query: QueryLike<T>;
  /** Spoken and shown next to the spinner, e.g. "Loading rules". */
  loadingLabel: string;
  /** Heading of the error panel, e.g. "Could not load the rules". */
  errorTitle: string;
  /** Whether the answer has nothing to show; a single record is never empty. */
  isEmpty?: (data: T) => boolean;
  /** Shown instead of `children` when `isEmpty` says so. */
  empty?: ReactNode;
  /** Pad the error and empty panels, for use inside a card. */
  inset?: boolean;
  /** Vertical room around the spinner. */
  loadingClassName?: string;
  children: (data: T) => ReactNode;
}

/**
 * A panel's loading, failed and empty states, else its content: every panel that shows a
 * query uses it, so they all load, fail and retry alike. A failed refresh keeps the
 * data already loaded on screen; only a first load that failed shows the error panel.
 */
export function QueryState<T>({
  query,
  loadingLabel,
  errorTitle,
  isEmpty = () => false,
  empty = null,
  inset = false,
  loadingClassName = 'py-16',
  children,
}: QueryStateProps<T>) {
  const panel = (content: ReactNode) => (inset ? <div className="p-4">{content}</div> : content);
  if (query.isPending) {
    return (
      <div className={cn('flex justify-center', loadingClassName)}>
        <Spinner label={loadingLabel} showLabel />
      </div>
    );
  }
  if (query.isError && !query.data) {
    return panel(
      <ErrorState title={errorTitle} message={getErrorMessage(query.error)} onRetry={() => void query.refetch()} retrying={query.isFetching} />,
    );
  }
  if (!query.data || isEmpty(query.data)) return panel(empty);
  return children(query.data);
}
