import { Input } from '@/components/ui';
import { PASSWORD_RULES } from '@/lib/passwordPolicy';

interface NewPasswordFieldsProps {
  password: string;
  confirmation: string;
  onPassword: (value: string) => void;
  onConfirmation: (value: string) => void;
  /** The server's words for each rule the last attempt failed (422 WEAK_PASSWORD). */
  policyMessages: string[] | null;
  /** A problem found before asking the server, e.g. the two entries differ. */
  error?: string | null;
  disabled?: boolean;
  label?: string;
}

/** A new password twice, the policy up front, and what the server refused, rule by rule. */
export function NewPasswordFields({
  password,
  confirmation,
  onPassword,
  onConfirmation,
  policyMessages,
  error,
  disabled = false,
  label = 'New password',
}: NewPasswordFieldsProps) {
  return (
    <div className="flex flex-col gap-4">
      <Input
        label={label}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => onPassword(e.target.value)}
        required
        disabled={disabled}
        hint={
          <span>
            {PASSWORD_RULES.join(' · ')}
          </span>
        }
      />
      <Input
        label="Repeat the password"
        type="password"
        autoComplete="new-password"
        value={confirmation}
        onChange={(e) => onConfirmation(e.target.value)}
        required
        disabled={disabled}
        error={error}
      />
      {policyMessages && policyMessages.length > 0 && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3.5 py-2.5 text-sm text-red-900">
          <p className="font-semibold">Choose a stronger password:</p>
          <ul aria-label="Password problems" className="mt-1 list-disc pl-5">
            {policyMessages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
