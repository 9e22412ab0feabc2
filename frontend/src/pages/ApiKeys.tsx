import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { CreateApiKeyDialog } from '@/components/apiKeys/CreateApiKeyDialog';
import { KeyIcon } from '@/components/icons';
import { ActionsHeader, Badge, Button, Card, ConfirmDialog, DataTable, EmptyState, Pagination, QueryState, type BadgeTone } from '@/components/ui';
import { useApiKeys, useRevokeApiKey } from '@/hooks/useApiKeys';
import { useFactoryLocale } from '@/hooks/useFactoryContext';
import { useSearchParamUpdater } from '@/hooks/useSearchParamUpdater';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { permissionLabel } from '@/lib/permissions';
import type { ApiKey, ApiKeyStatus } from '@/types/apiKeys';

const KEYS_PER_PAGE = 25;

const STATUS: Record<ApiKeyStatus, { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'success' },
  expired: { label: 'Expired', tone: 'warning' },
  revoked: { label: 'Revoked', tone: 'neutral' },
};

function keyPermissions(key: ApiKey): string {
  if (key.permissions.length === 0) return 'Read only';
  return key.permissions
    .map((p) => (p === 'ingest' ? `Send telemetry (${key.ingest_device_ids.length} devices)` : permissionLabel(p)))
    .join(', ');
}

export default function ApiKeys() {
  const [search] = useSearchParams();
  const update = useSearchParamUpdater();
  const pageNumber = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);
  const { timeZone } = useFactoryLocale();
  const keys = useApiKeys({ page: pageNumber, per_page: KEYS_PER_PAGE });
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const closeConfirm = () => {
    setRevoking(null);
    revoke.reset();
  };

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">API keys</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-500">
            Credentials for programs (MES, ERP, building management, gateways). Each key acts with its own permissions, is rate limited, and everything it does is in
            the audit log under its name. The API reference is at{' '}
            <a className="text-sky-700 underline" href="/docs">
              /docs
            </a>
            .
          </p>
        </div>
        <Button onClick={() => setCreating(true)}>Create API key</Button>
      </div>

      <QueryState
        query={keys}
        loadingLabel="Loading API keys"
        errorTitle="Could not load the API keys"
        isEmpty={(d) => d.total === 0}
        empty={
          <EmptyState
            icon={<KeyIcon className="size-8" />}
            title="No API keys yet"
            description="Create one for each program that uses the API, so that each can be revoked alone."
            action={<Button onClick={() => setCreating(true)}>Create API key</Button>}
          />
        }
      >
        {(data) => (
          <Card className="overflow-hidden">
            <DataTable
              caption="API keys"
              dimmed={keys.isPlaceholderData}
              head={
                <>
                  <th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="hidden px-3 py-2 lg:table-cell">Permissions</th>
                  <th scope="col" className="px-3 py-2">Status</th>
                  <th scope="col" className="hidden px-3 py-2 md:table-cell">Last used</th>
                  <th scope="col" className="hidden px-3 py-2 md:table-cell">Expires</th>
                  <ActionsHeader />
                </>
              }
            >
              {data.data.map((k) => (
                <tr key={k.id} className={cn(k.status !== 'active' && 'text-slate-500')}>
                  <td className="px-3 py-2.5">
                    <p className="font-medium text-slate-900">{k.name}</p>
                    <p className="font-mono text-xs text-slate-500">{k.prefix}…</p>
                  </td>
                  <td className="hidden px-3 py-2.5 text-xs lg:table-cell">{keyPermissions(k)}</td>
                  <td className="px-3 py-2.5">
                    <Badge tone={STATUS[k.status].tone}>{STATUS[k.status].label}</Badge>
                  </td>
                  <td className="hidden px-3 py-2.5 whitespace-nowrap md:table-cell">{k.last_used_at ? formatDateTime(k.last_used_at, timeZone) : 'Never'}</td>
                  <td className="hidden px-3 py-2.5 whitespace-nowrap md:table-cell">{k.expires_at ? formatDateTime(k.expires_at, timeZone) : 'Never'}</td>
                  <td className="px-3 py-2.5 text-right">
                    {k.status !== 'revoked' && (
                      <Button size="sm" variant="secondary" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
            <Pagination page={pageNumber} perPage={data.per_page} total={data.total} onPage={(page) => update({ page: String(page) })} what="API keys" />
          </Card>
        )}
      </QueryState>

      {creating && <CreateApiKeyDialog onClose={() => setCreating(false)} />}
      <ConfirmDialog
        open={revoking !== null}
        title={revoking ? `Revoke ${revoking.name}?` : ''}
        confirmLabel="Revoke"
        tone="danger"
        pending={revoke.isPending}
        error={revoke.isError ? getErrorMessage(revoke.error) : null}
        onCancel={closeConfirm}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: closeConfirm })}
      >
        <p>Every request with this key is refused from now on. This cannot be undone; its audit history stays.</p>
      </ConfirmDialog>
    </div>
  );
}
