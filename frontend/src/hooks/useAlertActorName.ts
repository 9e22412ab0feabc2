import { useCurrentUserId } from '@/hooks/useFactoryContext';
import { useUserDirectory } from '@/hooks/useUsers';

/**
 * Names the user behind `acknowledged_by` / `resolved_by`. Alerts carry only the id; super
 * admins can list users, everyone else sees "you" for themselves and a number otherwise.
 */
export function useAlertActorName(): (id: number | null) => string | null {
  const me = useCurrentUserId();
  const users = useUserDirectory();
  const byId = new Map((users.data ?? []).map((u) => [u.id, u.full_name || u.email]));
  return (id) => {
    if (id === null) return null;
    if (id === me) return 'you';
    return byId.get(id) ?? `user #${id}`;
  };
}
