import { cn } from '@/lib/cn';

/** A section's error that belongs to no single input (the schedule, the recipients). */
export function FieldError({ message, className }: { message?: string | null; className?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className={cn('text-xs font-medium text-red-700', className)}>
      {message}
    </p>
  );
}
