import { forwardRef, type InputHTMLAttributes, type ReactNode } from 'react';
import { Field } from '@/components/ui/Field';
import { cn } from '@/lib/cn';

export interface InputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  /** Visually hide the label while keeping it for assistive technology. */
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: string | null;
  leading?: ReactNode;
  id?: string;
}

export const Input = forwardRef<HTMLInputElement, InputProps>(function Input(
  { label, hideLabel = false, hint, error, leading, id, className, required, ...rest },
  ref,
) {
  return (
    <Field label={label} hideLabel={hideLabel} hint={hint} error={error} id={id} required={required} className={className}>
      {({ id: inputId, describedBy, invalid }) => (
        <div className="relative">
          {leading && (
            <span className="pointer-events-none absolute inset-y-0 left-0 flex items-center pl-3 text-slate-400">
              {leading}
            </span>
          )}
          <input
            ref={ref}
            id={inputId}
            required={required}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            className={cn(
              'block h-10 w-full rounded-md border bg-white px-3 text-sm text-slate-900 shadow-sm',
              'placeholder:text-slate-400',
              'focus:outline-none focus:ring-2 focus:ring-sky-600 focus:ring-offset-0',
              'disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500',
              error ? 'border-red-500' : 'border-slate-300',
              leading ? 'pl-9' : undefined,
            )}
            {...rest}
          />
        </div>
      )}
    </Field>
  );
});
