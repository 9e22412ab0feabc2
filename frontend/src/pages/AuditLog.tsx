import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { AuditIcon } from '@/components/icons';
import { Banner, Button, Card, DataTable, EmptyState, Input, Pagination, QueryState, Select } from '@/components/ui';
import { useDebouncedValue } from '@/hooks/useDebouncedValue';
import { useFactoryLocale } from '@/hooks/useFactoryContext';
import { useSearchParamUpdater } from '@/hooks/useSearchParamUpdater';
import { useAuditEntries, useAllUsers } from '@/hooks/useUsers';
import { formatDateTime } from '@/lib/format';
import { addDays, startOfLocalDay } from '@/lib/periods';
import type { AuditListParams } from '@/types/users';

const ENTRIES_PER_PAGE = 50;

// What the platform records today; the field also takes any action typed in full.
const KNOWN_ACTIONS = [
  'device.created',
  'device.updated',
  'device.activated',
  'device.deactivated',
  'device.deleted',
  'device.token_rotated',
  'device.parameters_updated',
  'factory.updated',
  'rule.created',
  'rule.updated',
  'rule.enabled',
  'rule.disabled',
  'rule.deleted',
  'user.invited',
  'user.invite_resent',
  'user.invite_accepted',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.password_changed',
  'user.password_reset',
  'user.password_reset_requested',
  'auth.login',
  'auth.login_failed',
  'api_key.created',
  'api_key.revoked',
];

const ENTITY_TYPES = ['device', 'rule', 'user', 'factory', 'report_schedule', 'alert', 'api_key'];

interface AuditFilters {
  action: string;
  entity: string;
  user: string;
  from: string;
  to: string;
  page: number;
}

function readFilters(search: URLSearchParams): AuditFilters {
  const page = Number.parseInt(search.get('page') ?? '1', 10);
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  return {
    action: search.get('action') ?? '',
    entity: search.get('entity_type') ?? '',
    user: /^\d+$/.test(search.get('user_id') ?? '') ? (search.get('user_id') ?? '') : '',
    from: date(search.get('from')),
    to: date(search.get('to')),
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** The API query: whole local days from `from` to `to`, both included, on the factory's clock. */
function auditParams(filters: AuditFilters, timeZone: string): AuditListParams {
  return {
    action: filters.action.trim() || undefined,
    entity_type: filters.entity || undefined,
    user_id: filters.user ? Number(filters.user) : undefined,
    since: filters.from ? startOfLocalDay(filters.from, timeZone)?.toISOString() : undefined,
    until: filters.to ? startOfLocalDay(addDays(filters.to, 1), timeZone)?.toISOString() : undefined,
    page: filters.page,
    per_page: ENTRIES_PER_PAGE,
  };
}

function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="flex gap-1">
          <dt className="text-slate-500">{key}</dt>
          <dd className="font-mono break-all text-slate-800">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function AuditLog() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => readFilters(search), [search]);
  const { timeZone } = useFactoryLocale();
  const users = useAllUsers();
  const [action, setAction] = useState(filters.action);
  const debouncedAction = useDebouncedValue(action, 400);
  const entries = useAuditEntries(auditParams(filters, timeZone));
  const update = useSearchParamUpdater<'action' | 'entity_type' | 'user_id' | 'from' | 'to' | 'page'>();

  useEffect(() => {
    if (debouncedAction.trim() !== filters.action) update({ action: debouncedAction.trim() });
    // Only a settled change of the action box moves the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedAction]);

  const rangeError = filters.from && filters.to && filters.to < filters.from ? 'The end date is before the start date.' : null;
  const filtered = Boolean(filters.action || filters.entity || filters.user || filters.from || filters.to);

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Audit log</h1>
        <p className="mt-1 text-sm text-slate-500">Who changed what, and when; newest first. Times in {timeZone}.</p>
      </div>

      <Card className="p-4">
        <div role="search" aria-label="Filter the audit log" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
          <Input
            label="Action"
            value={action}
            onChange={(e) => setAction(e.target.value)}
            list="audit-actions"
            placeholder="Any action"
            autoComplete="off"
          />
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <Select label="Entity" value={filters.entity} onChange={(e) => update({ entity_type: e.target.value })}>
            <option value="">Any entity</option>
            {ENTITY_TYPES.map((t) => (
              <option key={t} value={t}>
                {t.replace('_', ' ')}
              </option>
            ))}
          </Select>
          <Select label="User" value={filters.user} onChange={(e) => update({ user_id: e.target.value })}>
            <option value="">Anyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.full_name ? `${u.full_name} (${u.email})` : u.email}
              </option>
            ))}
          </Select>
          <Input label="From" type="date" value={filters.from} onChange={(e) => update({ from: e.target.value })} />
          <Input label="To" type="date" value={filters.to} onChange={(e) => update({ to: e.target.value })} error={rangeError} />
        </div>
      </Card>

      <QueryState
        query={entries}
        loadingLabel="Loading the audit log"
        errorTitle="Could not load the audit log"
        isEmpty={(d) => d.total === 0}
        empty={
          <EmptyState
            icon={<AuditIcon className="size-8" />}
            title={filtered ? 'No entries match these filters' : 'Nothing recorded yet'}
            action={
              filtered ? (
                <Button
                  variant="secondary"
                  onClick={() => {
                    setAction('');
                    setSearch(new URLSearchParams(), { replace: true });
                  }}
                >
                  Clear filters
                </Button>
              ) : undefined
            }
          />
        }
      >
        {(data) => (
          <Card className="overflow-hidden">
            {entries.isError && (
              <Banner tone="warning" className="m-3">
                Showing the last page loaded: {getErrorMessage(entries.error)}
              </Banner>
            )}
            <DataTable
              caption="Audit log"
              dimmed={entries.isPlaceholderData}
              bodyClassName="align-top"
              head={
                <>
                  <th scope="col" className="px-3 py-2">Time</th>
                  <th scope="col" className="px-3 py-2">User</th>
                  <th scope="col" className="px-3 py-2">Action</th>
                  <th scope="col" className="px-3 py-2">Entity</th>
                  <th scope="col" className="px-3 py-2">Details</th>
                  <th scope="col" className="hidden px-3 py-2 lg:table-cell">IP address</th>
                </>
              }
            >
              {data.data.map((entry) => (
                <tr key={entry.id}>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-700">{formatDateTime(entry.created_at, timeZone, true)}</td>
                  <td className="px-3 py-2">
                    {entry.user ? (
                      <>
                        <p className="text-slate-900">{entry.user.full_name || entry.user.email}</p>
                        {entry.user.kind === 'service' ? (
                          <p className="text-xs text-slate-500">API key</p>
                        ) : (
                          entry.user.full_name && <p className="text-xs text-slate-500">{entry.user.email}</p>
                        )}
                      </>
                    ) : (
                      <span className="text-slate-500">{entry.user_id !== null ? `User #${entry.user_id}` : 'System'}</span>
                    )}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-slate-800">{entry.action}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-700">
                    {entry.entity_type}
                    {entry.entity_id && <span className="text-slate-500"> #{entry.entity_id}</span>}
                  </td>
                  <td className="max-w-md px-3 py-2">
                    <Details details={entry.details} />
                  </td>
                  <td className="hidden px-3 py-2 font-mono text-xs text-slate-500 lg:table-cell">{entry.ip_address ?? '—'}</td>
                </tr>
              ))}
            </DataTable>
            <Pagination page={filters.page} perPage={data.per_page} total={data.total} onPage={(page) => update({ page: String(page) })} what="audit entries" />
          </Card>
        )}
      </QueryState>
    </div>
  );
}
