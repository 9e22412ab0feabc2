import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listAuditEntries } from '@/api/audit';
import { inviteUser, listUsers, resendInvite, setUserActive, updateUser } from '@/api/users';
import { useIsSuperAdmin } from '@/hooks/useFactoryContext';
import type { ManagedUser, UserListParams, UserUpdate } from '@/types/users';
import type { AuditListParams } from '@/types/users';

export const userKeys = {
  all: ['users'] as const,
  list: (params: UserListParams) => ['users', 'list', params] as const,
  directory: () => ['users', 'directory'] as const,
};

export function useUsers(params: UserListParams) {
  return useQuery({
    queryKey: userKeys.list(params),
    queryFn: ({ signal }) => listUsers(params, signal),
    placeholderData: keepPreviousData,
  });
}

const DIRECTORY_PAGES = 5;

/**
 * Every user of the factory, for naming people (who acknowledged, who acted) and picking
 * recipients. Only super admins may list users; for everyone else this stays empty.
 */
export function useUserDirectory() {
  const allowed = useIsSuperAdmin();
  return useQuery({
    queryKey: userKeys.directory(),
    queryFn: async ({ signal }) => {
      const users: ManagedUser[] = [];
      for (let page = 1; page <= DIRECTORY_PAGES; page += 1) {
        const res = await listUsers({ page, per_page: 100 }, signal);
        users.push(...res.data);
        if (res.data.length === 0 || users.length >= res.total) break;
      }
      return users;
    },
    enabled: allowed,
    staleTime: 5 * 60_000,
  });
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: userKeys.all });
    // Each change writes an audit entry.
    void queryClient.invalidateQueries({ queryKey: ['audit'] });
  };
}

// An invitation link shown in the dialog (when email is off) must not outlive it in a cache.
const ONE_TIME_SECRET = { gcTime: 0 } as const;

export function useInviteUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({ mutationFn: inviteUser, onSuccess: invalidate, ...ONE_TIME_SECRET });
}

export function useResendInvite() {
  const invalidate = useInvalidateUsers();
  return useMutation({ mutationFn: (id: number) => resendInvite(id), onSuccess: invalidate, ...ONE_TIME_SECRET });
}

export function useUpdateUser(id: number) {
  const invalidate = useInvalidateUsers();
  return useMutation({ mutationFn: (body: UserUpdate) => updateUser(id, body), onSuccess: invalidate });
}

export function useSetUserActive() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, active }: { id: number; active: boolean }) => setUserActive(id, active),
    onSuccess: invalidate,
  });
}

export function useAuditEntries(params: AuditListParams) {
  return useQuery({
    queryKey: ['audit', params],
    queryFn: ({ signal }) => listAuditEntries(params, signal),
    placeholderData: keepPreviousData,
  });
}
