import { getErrorDetails, getErrorMessage } from '@/api/errors';
import { Banner } from '@/components/ui/Banner';

interface ErrorDetailsBannerProps {
  /** A failed request's error; nothing is shown while it is null. */
  error: unknown;
  className?: string;
}

/** A failed save: the error's message as the title, then each detail when there are several. */
export function ErrorDetailsBanner({ error, className }: ErrorDetailsBannerProps) {
  if (error == null) return null;
  const details = getErrorDetails(error);
  return (
    <Banner tone="danger" className={className} title={getErrorMessage(error)}>
      {details.length > 1 && (
        <ul className="list-disc pl-5">
          {details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </Banner>
  );
}
