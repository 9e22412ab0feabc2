import { useState } from 'react';
import { VirtualMeterDialog } from '@/components/assets/VirtualMeterDialog';
import { ActionsHeader, Button, Card, CardHeader, DataTable, DeleteDialog, EmptyState, QueryState } from '@/components/ui';
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
      <DeleteDialog item={deleting} title={(m) => `Delete ${m.name}?`} confirmLabel="Delete meter" remove={remove} onClose={() => setDeleting(null)}>
        {() => <p>Its energy no longer counts toward its node. The devices keep theirs.</p>}
      </DeleteDialog>
    </Card>
  );
}
