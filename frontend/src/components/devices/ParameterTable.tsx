import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { Banner, Button, EmptyState, TableHead } from '@/components/ui';
import { useUpdateParameters } from '@/hooks/useDevices';
import { useNow } from '@/hooks/useNow';
import { cn } from '@/lib/cn';
import { formatAgo, formatValue } from '@/lib/format';
import { bulkItems, draftOf, type ParameterDraft } from '@/lib/parameterDrafts';
import { ROLE_LABELS } from '@/lib/parameters';
import { PARAMETER_ROLES, type DeviceParameter, type ParameterRole } from '@/types/device';

interface ParameterTableProps {
  deviceId: number;
  parameters: DeviceParameter[];
  canEdit: boolean;
}

const cellInput =
  'h-8 w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 focus:outline-none focus:ring-2 focus:ring-sky-600';

function LatestCell({ p, now }: { p: DeviceParameter; now: number }) {
  if (!p.latest) return <span className="text-slate-400">No value yet</span>;
  return (
    <span className="flex flex-col">
      <span className="font-medium text-slate-900">{formatValue(p.latest.value, p.unit)}</span>
      <span className="text-xs text-slate-500">{formatAgo(p.latest.ts, now)}</span>
    </span>
  );
}

/**
 * The device's discovered parameters: names, units, the roles energy figures are computed
 * from, and which ones get a KPI card. Edits collect locally and are saved in one request.
 */
export function ParameterTable({ deviceId, parameters, canEdit }: ParameterTableProps) {
  const now = useNow(5000);
  const save = useUpdateParameters(deviceId);
  const [drafts, setDrafts] = useState<Record<number, ParameterDraft>>({});
  const [savedCount, setSavedCount] = useState<number | null>(null);

  const items = bulkItems(parameters, drafts);
  const dirty = items.length > 0;

  const edit = (p: DeviceParameter, patch: Partial<ParameterDraft>) => {
    setSavedCount(null);
    setDrafts((current) => ({ ...current, [p.id]: { ...(current[p.id] ?? draftOf(p)), ...patch } }));
  };

  const submit = () => {
    if (!dirty) return;
    save.mutate(items, {
      onSuccess: () => {
        setDrafts({});
        setSavedCount(items.length);
      },
    });
  };

  if (parameters.length === 0) {
    return (
      <EmptyState
        title="No parameters yet"
        description="Parameters appear here as soon as the device publishes its first telemetry."
      />
    );
  }

  return (
    <div className="flex flex-col gap-3">
      {canEdit && (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-600" role="status">
            {dirty
              ? `${items.length} unsaved ${items.length === 1 ? 'change' : 'changes'}`
              : savedCount !== null
                ? `Saved ${savedCount} ${savedCount === 1 ? 'parameter' : 'parameters'}.`
                : 'Name parameters, set units and roles, and choose the KPI cards.'}
          </p>
          <div className="flex gap-2">
            <Button
              variant="ghost"
              size="sm"
              disabled={!dirty || save.isPending}
              onClick={() => {
                setDrafts({});
                save.reset();
              }}
            >
              Discard
            </Button>
            <Button size="sm" onClick={submit} disabled={!dirty} loading={save.isPending}>
              Save changes
            </Button>
          </div>
        </div>
      )}
      {save.isError && <Banner tone="danger">{getErrorMessage(save.error)}</Banner>}
      <div className="overflow-x-auto rounded-lg border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Parameters</caption>
          <TableHead>
            <th scope="col" className="px-3 py-2">Parameter</th>
            <th scope="col" className="px-3 py-2">Display name</th>
            <th scope="col" className="px-3 py-2">Unit</th>
            <th scope="col" className="px-3 py-2">Role</th>
            <th scope="col" className="px-3 py-2 text-center">KPI</th>
            <th scope="col" className="px-3 py-2">Latest</th>
          </TableHead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {parameters.map((p) => {
              const draft = drafts[p.id] ?? draftOf(p);
              const key = p.parameter_key;
              const changed = items.some((item) => item.id === p.id);
              return (
                <tr key={p.id} className={cn(changed && 'bg-sky-50/60')}>
                  <td className="px-3 py-2 align-middle font-mono text-xs break-all text-slate-700">{key}</td>
                  {canEdit ? (
                    <>
                      <td className="px-3 py-1.5">
                        <input
                          aria-label={`Display name for ${key}`}
                          className={cn(cellInput, 'min-w-36')}
                          value={draft.display_name}
                          maxLength={200}
                          placeholder={key}
                          onChange={(e) => edit(p, { display_name: e.target.value })}
                        />
                      </td>
                      <td className="px-3 py-1.5">
                        <input
                          aria-label={`Unit for ${key}`}
                          className={cn(cellInput, 'w-20')}
                          value={draft.unit}
                          maxLength={32}
                          onChange={(e) => edit(p, { unit: e.target.value })}
                        />
                      </td>
                      <td className="px-3 py-1.5">
                        <select
                          aria-label={`Role for ${key}`}
                          className={cn(cellInput, 'min-w-36')}
                          value={draft.role}
                          onChange={(e) => edit(p, { role: e.target.value as ParameterRole | '' })}
                        >
                          <option value="">No role</option>
                          {PARAMETER_ROLES.map((role) => (
                            <option key={role} value={role}>
                              {ROLE_LABELS[role]}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td className="px-3 py-1.5 text-center">
                        <input
                          type="checkbox"
                          aria-label={`KPI card for ${key}`}
                          className="size-4 accent-sky-700"
                          checked={draft.is_kpi_selected}
                          onChange={(e) => edit(p, { is_kpi_selected: e.target.checked })}
                        />
                      </td>
                    </>
                  ) : (
                    <>
                      <td className="px-3 py-2 text-slate-900">{p.display_name ?? <span className="text-slate-400">—</span>}</td>
                      <td className="px-3 py-2 text-slate-700">{p.unit ?? '—'}</td>
                      <td className="px-3 py-2 text-slate-700">{p.role ? ROLE_LABELS[p.role] : '—'}</td>
                      <td className="px-3 py-2 text-center text-slate-700">{p.is_kpi_selected ? 'Yes' : '—'}</td>
                    </>
                  )}
                  <td className="px-3 py-2">
                    <LatestCell p={p} now={now} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
