import { forwardRef, type ReactNode, type TextareaHTMLAttributes } from 'react';
import { Field } from '@/components/ui/Field';
import { cn } from '@/lib/cn';

export interface TextareaProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  label: string;
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: string | null;
  id?: string;
}

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaProps>(function Textarea(
  { label, hideLabel = false, hint, error, id, className, rows = 3, ...rest },
  ref,
) {
  // No required mark here: `required`, if given, stays in `rest` and goes to the textarea only.
  return (
    <Field label={label} hideLabel={hideLabel} hint={hint} error={error} id={id} className={className}>
      {({ id: inputId, describedBy, invalid }) => (
        <textarea
          ref={ref}
          id={inputId}
          rows={rows}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={cn(
            'block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm',
            'placeholder:text-slate-400 focus:ring-2 focus:ring-sky-600 focus:outline-none',
            'disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500',
            error ? 'border-red-500' : 'border-slate-300',
          )}
          {...rest}
        />
      )}
    </Field>
  );
});
