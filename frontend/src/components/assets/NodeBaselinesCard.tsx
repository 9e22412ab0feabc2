import { useState } from 'react';
import { Link } from 'react-router-dom';
import { BaselineDialog } from '@/components/energy/BaselineDialog';
import { ActionsHeader, Button, Card, CardHeader, DataTable, DeleteDialog, EmptyState, QueryState } from '@/components/ui';
import { useBaselines, useDeleteBaseline } from '@/hooks/useProduction';
import { formatNumber } from '@/lib/format';
import { addDays } from '@/lib/periods';
import type { AssetNode } from '@/types/assets';
import type { Baseline } from '@/types/production';

/** A node's energy baselines: their fit, and a way to the savings on the Energy page. */
export function NodeBaselinesCard({ node, today, canManage }: { node: AssetNode; today: string; canManage: boolean }) {
  const baselines = useBaselines();
  const remove = useDeleteBaseline();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Baseline | null>(null);
  const mine = (baselines.data ?? []).filter((b) => b.node_id === node.id);
  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="Baselines"
        as="h3"
        description="Energy regressed on production over a reference period (ISO 50006)."
        actions={canManage && <Button size="sm" variant="secondary" onClick={() => setCreating(true)}>Set a baseline</Button>}
      />
      <QueryState
        query={baselines}
        loadingLabel="Loading baselines"
        errorTitle="Could not load the baselines"
        isEmpty={() => mine.length === 0}
        empty={<EmptyState title="No baseline for this node" />}
        inset
        loadingClassName="py-8"
      >
        {() => (
          <DataTable
            caption={`Baselines of ${node.name}`}
            head={
              <>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="px-3 py-2">Model</th>
                <th scope="col" className="px-3 py-2 text-right">R²</th>
                <th scope="col" className="hidden px-3 py-2 md:table-cell">Period</th>
                <ActionsHeader />
              </>
            }
          >
            {mine.map((b) => (
              <tr key={b.id}>
                <td className="px-3 py-2 font-medium text-slate-900">{b.name}</td>
                <td className="px-3 py-2 font-mono text-xs text-slate-700">{b.formula ?? 'Not fitted yet'}</td>
                <td className="px-3 py-2 text-right">{formatNumber(b.model?.r2, 3)}</td>
                <td className="hidden px-3 py-2 whitespace-nowrap text-slate-600 md:table-cell">
                  {b.period_start} – {b.period_end}
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap">
                  <Link className="px-2 text-sm text-sky-700 hover:underline" to={`/energy?node=${node.id}&range=month`}>
                    Savings
                  </Link>
                  {canManage && (
                    <Button size="sm" variant="ghost" aria-label={`Delete ${b.name}`} onClick={() => setDeleting(b)}>
                      Delete
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      {creating && <BaselineDialog nodeId={node.id} defaultPeriod={{ start: addDays(today, -28), end: addDays(today, -1) }} onClose={() => setCreating(false)} />}
      <DeleteDialog item={deleting} title={(b) => `Delete ${b.name}?`} confirmLabel="Delete baseline" remove={remove} onClose={() => setDeleting(null)}>
        {() => <p>Savings can no longer be read against it.</p>}
      </DeleteDialog>
    </Card>
  );
}
