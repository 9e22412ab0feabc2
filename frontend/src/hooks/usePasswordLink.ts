import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useLogin } from '@/hooks/useAuth';
import { newPasswordProblem, passwordPolicyMessages } from '@/lib/passwordPolicy';
import type { AccountReady } from '@/types/users';

/** What an emailed link's page sends: the link's factory and token, and the chosen password. */
export interface PasswordLinkBody {
  factory_slug: string;
  token: string;
  password: string;
}

/**
 * A page opened from an emailed link (`?factory=<slug>&token=<token>`) that sets a password
 * and then signs in: the link, the two password entries, the request and the sign-in after it.
 */
export function usePasswordLink<TExtra extends object = Record<never, never>>(
  send: (body: PasswordLinkBody & NoInfer<TExtra>) => Promise<AccountReady>,
) {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const factory = search.get('factory') ?? '';
  const token = search.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const request = useMutation({ mutationFn: send });
  const login = useLogin();

  const submit = (event: FormEvent<HTMLFormElement>, extra: TExtra) => {
    event.preventDefault();
    const local = newPasswordProblem(password, confirmation);
    setProblem(local);
    if (local) return;
    request.mutate(
      { factory_slug: factory, token, password, ...extra },
      {
        onSuccess: (account) =>
          login.mutate(
            { factory_id: account.factory_id, email: account.email, password },
            { onSuccess: () => void navigate('/dashboard', { replace: true }) },
          ),
      },
    );
  };

  const policy = passwordPolicyMessages(request.error);
  return {
    /** False when the link lacks its factory or token. */
    complete: Boolean(factory && token),
    request,
    login,
    submit,
    pending: request.isPending || login.isPending,
    policy,
    /** Props for NewPasswordFields. */
    fields: {
      password,
      confirmation,
      onPassword: setPassword,
      onConfirmation: setConfirmation,
      policyMessages: policy,
      error: problem,
    },
  };
}
