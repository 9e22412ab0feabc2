import { forwardRef, type ReactNode, type SelectHTMLAttributes } from 'react';
import { Field } from '@/components/ui/Field';
import { cn } from '@/lib/cn';

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: string;
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: string | null;
  id?: string;
  /** Class of the select itself; `className` goes to the wrapper. */
  selectClassName?: string;
}

export const Select = forwardRef<HTMLSelectElement, SelectProps>(function Select(
  { label, hideLabel = false, hint, error, id, className, selectClassName, required, children, ...rest },
  ref,
) {
  return (
    <Field label={label} hideLabel={hideLabel} hint={hint} error={error} id={id} required={required} className={className}>
      {({ id: selectId, describedBy, invalid }) => (
        <select
          ref={ref}
          id={selectId}
          required={required}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={cn(
            'block h-10 w-full rounded-md border bg-white px-2.5 text-sm text-slate-900 shadow-sm',
            'focus:outline-none focus:ring-2 focus:ring-sky-600',
            'disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500',
            error ? 'border-red-500' : 'border-slate-300',
            selectClassName,
          )}
          {...rest}
        >
          {children}
        </select>
      )}
    </Field>
  );
});
