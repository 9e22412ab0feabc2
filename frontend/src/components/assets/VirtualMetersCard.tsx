import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { VirtualMeterDialog } from '@/components/assets/VirtualMeterDialog';
import { ActionsHeader, Button, Card, CardHeader, ConfirmDialog, DataTable, EmptyState, QueryState } from '@/components/ui';
import { useDeleteVirtualMeter, useVirtualMeters } from '@/hooks/useAssets';
import type { VirtualMeter } from '@/types/assets';

/** Virtual meters, all of them or those counted on one node. */
export function VirtualMetersCard({ nodeId, canManage }: { nodeId: number | null; canManage: boolean }) {
  const meters = useVirtualMeters();
  const remove = useDeleteVirtualMeter();
  const [editing, setEditing] = useState<VirtualMeter | 'new' | null>(null);
  const [deleting, setDeleting] = useState<VirtualMeter | null>(null);
  const shown = (meters.data ?? []).filter((m) => nodeId === null || m.node_id === nodeId);
  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="Virtual meters"
        as="h3"
        description="Sums and differences of devices, e.g. main meter − sub-meters = unmetered loss."
        actions={canManage && <Button size="sm" variant="secondary" onClick={() => setEditing('new')}>New virtual meter</Button>}
      />
      <QueryState
        query={meters}
        loadingLabel="Loading virtual meters"
        errorTitle="Could not load the virtual meters"
        isEmpty={() => shown.length === 0}
        empty={<EmptyState title="No virtual meter here" />}
        inset
        loadingClassName="py-8"
      >
        {() => (
          <DataTable
            caption="Virtual meters"
            head={
              <>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="px-3 py-2">Formula</th>
                {canManage && <ActionsHeader />}
              </>
            }
          >
            {shown.map((m) => (
              <tr key={m.id}>
                <td className="px-3 py-2 font-medium text-slate-900">{m.name}</td>
                <td className="px-3 py-2 text-slate-700">{m.formula}</td>
                {canManage && (
                  <td className="px-3 py-2 text-right whitespace-nowrap">
                    <Button size="sm" variant="ghost" aria-label={`Edit ${m.name}`} onClick={() => setEditing(m)}>
                      Edit
                    </Button>
                    <Button size="sm" variant="ghost" aria-label={`Delete ${m.name}`} onClick={() => setDeleting(m)}>
                      Delete
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      {editing && <VirtualMeterDialog meter={editing === 'new' ? null : editing} nodeId={nodeId} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete ${deleting.name}?` : ''}
        confirmLabel="Delete meter"
        tone="danger"
        pending={remove.isPending}
        error={remove.isError ? getErrorMessage(remove.error) : null}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
      >
        <p>Its energy no longer counts toward its node. The devices keep theirs.</p>
      </ConfirmDialog>
    </Card>
  );
}
