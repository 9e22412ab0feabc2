import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listAuditEntries } from '@/api/audit';
import { inviteUser, listUserDirectory, listUsers, resendInvite, setUserActive, updateUser } from '@/api/users';
import { useIsSuperAdmin } from '@/hooks/useFactoryContext';
import type { ListResponse } from '@/types/api';
import type { DirectoryUser, ManagedUser, UserListParams, UserUpdate } from '@/types/users';
import type { AuditListParams } from '@/types/users';

export const userKeys = {
  all: ['users'] as const,
  list: (params: UserListParams) => ['users', 'list', params] as const,
  everyone: () => ['users', 'everyone'] as const,
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

async function allPages<T>(fetchPage: (page: number) => Promise<ListResponse<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= DIRECTORY_PAGES; page += 1) {
    const res = await fetchPage(page);
    items.push(...res.data);
    if (res.data.length === 0 || items.length >= res.total) break;
  }
  return items;
}

/**
 * Every user of the factory, deactivated ones included, for naming people in the audit
 * trail. Only super admins may list users; for everyone else this stays empty.
 */
export function useAllUsers() {
  const allowed = useIsSuperAdmin();
  return useQuery({
    queryKey: userKeys.everyone(),
    queryFn: ({ signal }) => allPages<ManagedUser>((page) => listUsers({ page, per_page: 100 }, signal)),
    enabled: allowed,
    staleTime: 5 * 60_000,
  });
}

/** The factory's active users by name and email, open to every user: e.g. to pick alert recipients. */
export function useUserDirectory() {
  return useQuery({
    queryKey: userKeys.directory(),
    queryFn: ({ signal }) => allPages<DirectoryUser>((page) => listUserDirectory({ page, per_page: 100 }, signal)),
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
