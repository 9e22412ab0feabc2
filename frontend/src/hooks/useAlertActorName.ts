import { useCurrentUserId } from '@/hooks/useFactoryContext';

/** Names who acknowledged or resolved an alert: "you" for oneself, else the name the API sends. */
export function useAlertActorName(): (id: number | null, name: string | null) => string | null {
  const me = useCurrentUserId();
  return (id, name) => {
    if (id === null) return null;
    if (id === me) return 'you';
    return name ?? `user #${id}`;
  };
}
