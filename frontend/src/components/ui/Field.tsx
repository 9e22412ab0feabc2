import { useId, type ReactNode } from 'react';
import { cn } from '@/lib/cn';

/** What a form control needs to be tied to its label, hint and error. */
export interface FieldControlProps {
  id: string;
  describedBy: string | undefined;
  invalid: true | undefined;
}

export interface FieldProps {
  label: string;
  /** Visually hide the label while keeping it for assistive technology. */
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: string | null;
  id?: string;
  /** Shows the required mark after the label; the control carries `required` itself. */
  required?: boolean;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** The label, hint and error around one form control (Input, Select, Textarea). */
export function Field({ label, hideLabel = false, hint, error, id, required = false, className, children }: FieldProps) {
  const autoId = useId();
  const controlId = id ?? autoId;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;

  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      <label htmlFor={controlId} className={cn('text-sm font-medium text-slate-700', hideLabel && 'sr-only')}>
        {label}
        {required && (
          <span aria-hidden="true" className="ml-0.5 text-red-600">
            *
          </span>
        )}
      </label>
      {children({ id: controlId, describedBy, invalid: error ? true : undefined })}
      {hint && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
