import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { SearchIcon, UsersIcon } from '@/components/icons';
import {
  ActionsHeader,
  Badge,
  Banner,
  Button,
  Card,
  ConfirmDialog,
  CopyButton,
  DataTable,
  EmptyState,
  Input,
  Pagination,
  QueryState,
  Select,
  type BadgeTone,
} from '@/components/ui';
import { EditUserDialog } from '@/components/users/EditUserDialog';
import { InviteUserDialog } from '@/components/users/InviteUserDialog';
import { useDebouncedValue } from '@/hooks/useDebouncedValue';
import { useCurrentUserId, useFactoryLocale } from '@/hooks/useFactoryContext';
import { useSearchParamUpdater } from '@/hooks/useSearchParamUpdater';
import { useResendInvite, useSetUserActive, useUsers } from '@/hooks/useUsers';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { permissionLabel } from '@/lib/permissions';
import type { ManagedUser, UserListParams, UserStatus } from '@/types/users';

const USERS_PER_PAGE = 25;

const STATUS: Record<UserStatus, { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'success' },
  invited: { label: 'Invited', tone: 'info' },
  deactivated: { label: 'Deactivated', tone: 'neutral' },
};

function readParams(search: URLSearchParams): UserListParams {
  const page = Number.parseInt(search.get('page') ?? '1', 10);
  const role = search.get('role');
  const active = search.get('active');
  return {
    q: search.get('q') ?? undefined,
    role: role === 'super_admin' || role === 'user' ? role : undefined,
    is_active: active === 'yes' ? true : active === 'no' ? false : undefined,
    page: Number.isFinite(page) && page > 0 ? page : 1,
    per_page: USERS_PER_PAGE,
  };
}

type Pending = { kind: 'deactivate' | 'reactivate'; user: ManagedUser } | null;

export default function Users() {
  const [search] = useSearchParams();
  const update = useSearchParamUpdater();
  const params = useMemo(() => readParams(search), [search]);
  const me = useCurrentUserId();
  const { timeZone } = useFactoryLocale();
  const [text, setText] = useState(params.q ?? '');
  const debounced = useDebouncedValue(text, 300);
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<ManagedUser | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [resent, setResent] = useState<ManagedUser | null>(null);
  const users = useUsers(params);
  const setActive = useSetUserActive();
  const resend = useResendInvite();

  useEffect(() => {
    if (debounced !== (params.q ?? '')) update({ q: debounced.trim() });
    // Only a settled change of the search box moves the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const closeConfirm = () => {
    setPending(null);
    setActive.reset();
  };

  const filtered = Boolean(params.q || params.role || params.is_active !== undefined);

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Users</h1>
          <p className="mt-1 text-sm text-slate-500">Who can sign in to the factory and what they may do. Users are never deleted, only deactivated.</p>
        </div>
        <Button onClick={() => setInviting(true)}>Invite user</Button>
      </div>

      <Card className="p-4">
        <div role="search" aria-label="Filter users" className="grid grid-cols-1 gap-3 sm:grid-cols-[2fr_1fr_1fr]">
          <Input
            label="Search"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Name or email"
            leading={<SearchIcon className="size-4" />}
            autoComplete="off"
          />
          <Select label="Role" value={params.role ?? ''} onChange={(e) => update({ role: e.target.value })}>
            <option value="">Any role</option>
            <option value="super_admin">Super admin</option>
            <option value="user">User</option>
          </Select>
          <Select
            label="Account"
            value={params.is_active === undefined ? '' : params.is_active ? 'yes' : 'no'}
            onChange={(e) => update({ active: e.target.value })}
          >
            <option value="">Active or deactivated</option>
            <option value="yes">Active and invited</option>
            <option value="no">Deactivated</option>
          </Select>
        </div>
      </Card>

      {resent && (
        <Banner tone={resent.invite_link ? 'warning' : 'success'} title={`New invitation for ${resent.email}`}>
          {resent.invite_link ? (
            <span className="mt-1 flex items-center gap-2">
              Email is not set up: send this link yourself.
              <CopyButton value={resent.invite_link} what="invitation link" />
            </span>
          ) : (
            'The email is on its way; the previous link no longer works.'
          )}
        </Banner>
      )}
      {resend.isError && <Banner tone="danger">{getErrorMessage(resend.error)}</Banner>}

      <QueryState
        query={users}
        loadingLabel="Loading users"
        errorTitle="Could not load the users"
        isEmpty={(d) => d.total === 0}
        empty={
          filtered ? (
            <EmptyState title="No users match these filters" description="Change the search or the filters to see more." />
          ) : (
            <EmptyState icon={<UsersIcon className="size-8" />} title="No users yet" action={<Button onClick={() => setInviting(true)}>Invite user</Button>} />
          )
        }
      >
        {(data) => (
          <Card className="overflow-hidden">
            <DataTable
              caption="Users"
              dimmed={users.isPlaceholderData}
              head={
                <>
                  <th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="px-3 py-2">Role</th>
                  <th scope="col" className="hidden px-3 py-2 lg:table-cell">Permissions</th>
                  <th scope="col" className="px-3 py-2">Account</th>
                  <th scope="col" className="hidden px-3 py-2 md:table-cell">Last sign-in</th>
                  <ActionsHeader />
                </>
              }
            >
              {data.data.map((u) => {
                const self = u.id === me;
                const name = u.full_name || u.email;
                return (
                  <tr key={u.id} className={cn(!u.is_active && 'text-slate-500')}>
                    <td className="px-3 py-2.5">
                      <p className="font-medium text-slate-900">
                        {u.full_name || <span className="text-slate-500 italic">No name yet</span>}
                        {self && (
                          <Badge tone="info" className="ml-2">
                            You
                          </Badge>
                        )}
                      </p>
                      <p className="text-xs text-slate-500">{u.email}</p>
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap">{u.role === 'super_admin' ? 'Super admin' : 'User'}</td>
                    <td className="hidden px-3 py-2.5 lg:table-cell">
                      {u.role === 'super_admin' ? (
                        <span className="text-xs text-slate-500">Everything</span>
                      ) : u.permissions.length === 0 ? (
                        <span className="text-xs text-slate-500">View only</span>
                      ) : (
                        <span className="flex flex-wrap gap-1">
                          {u.permissions.map((p) => (
                            <Badge key={p}>{permissionLabel(p)}</Badge>
                          ))}
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2.5">
                      <Badge tone={STATUS[u.status].tone}>{STATUS[u.status].label}</Badge>
                    </td>
                    <td className="hidden px-3 py-2.5 whitespace-nowrap text-slate-600 md:table-cell">
                      {u.last_login_at ? formatDateTime(u.last_login_at, timeZone) : u.status === 'invited' && u.invited_at ? `Invited ${formatDateTime(u.invited_at, timeZone)}` : 'Never'}
                    </td>
                    <td className="px-3 py-2.5">
                      <div className="flex flex-wrap justify-end gap-1.5">
                        <Button size="sm" variant="secondary" onClick={() => setEditing(u)} aria-label={`Edit ${name}`}>
                          Edit
                        </Button>
                        {u.status === 'invited' && (
                          <Button
                            size="sm"
                            variant="secondary"
                            loading={resend.isPending && resend.variables === u.id}
                            onClick={() => {
                              setResent(null);
                              resend.mutate(u.id, {
                                onSuccess: (user) => {
                                  setResent(user);
                                  resend.reset();
                                },
                              });
                            }}
                            aria-label={`Resend invitation to ${name}`}
                          >
                            Resend invite
                          </Button>
                        )}
                        {u.is_active
                          ? !self && (
                              <Button size="sm" variant="secondary" onClick={() => setPending({ kind: 'deactivate', user: u })} aria-label={`Deactivate ${name}`}>
                                Deactivate
                              </Button>
                            )
                          : (
                              <Button size="sm" variant="secondary" onClick={() => setPending({ kind: 'reactivate', user: u })} aria-label={`Reactivate ${name}`}>
                                Reactivate
                              </Button>
                            )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </DataTable>
            <Pagination page={params.page ?? 1} perPage={data.per_page} total={data.total} onPage={(page) => update({ page: String(page) })} what="users" />
          </Card>
        )}
      </QueryState>

      {inviting && <InviteUserDialog onClose={() => setInviting(false)} />}
      {editing && <EditUserDialog user={editing} isSelf={editing.id === me} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${pending.kind === 'deactivate' ? 'Deactivate' : 'Reactivate'} ${pending.user.full_name || pending.user.email}?` : ''}
        confirmLabel={pending?.kind === 'deactivate' ? 'Deactivate' : 'Reactivate'}
        tone={pending?.kind === 'deactivate' ? 'danger' : 'primary'}
        pending={setActive.isPending}
        error={setActive.isError ? getErrorMessage(setActive.error) : null}
        onCancel={closeConfirm}
        onConfirm={() => pending && setActive.mutate({ id: pending.user.id, active: pending.kind === 'reactivate' }, { onSuccess: closeConfirm })}
      >
        {pending?.kind === 'deactivate' ? (
          <p>They are signed out everywhere at once and cannot sign in until reactivated. Their alerts and audit history stay.</p>
        ) : (
          <p>They can sign in again with their password{pending?.user.status === 'invited' ? ', or accept a new invitation' : ''}.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}
