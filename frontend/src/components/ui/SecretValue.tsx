import { CopyButton } from '@/components/ui/CopyButton';

interface SecretValueProps {
  value: string;
  /** What the value is, lower case: the field's name and "Copy <what>". */
  what: string;
}

/** A secret shown once (an API key, an invitation link): selectable text and a copy button. */
export function SecretValue({ value, what }: SecretValueProps) {
  return (
    <div className="flex items-center gap-2">
      <input
        readOnly
        aria-label={what.charAt(0).toUpperCase() + what.slice(1)}
        value={value}
        onFocus={(e) => e.currentTarget.select()}
        className="h-9 min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2 font-mono text-xs"
      />
      <CopyButton value={value} what={what} />
    </div>
  );
}
