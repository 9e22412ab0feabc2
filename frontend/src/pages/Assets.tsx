import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { AssetTreeList } from '@/components/assets/AssetTreeList';
import { NodeBaselinesCard } from '@/components/assets/NodeBaselinesCard';
import { NodeDialog } from '@/components/assets/NodeDialog';
import { NodeProductionCard } from '@/components/assets/NodeProductionCard';
import { NodeDevicesCard } from '@/components/assets/NodeDevicesCard';
import { VirtualMetersCard } from '@/components/assets/VirtualMetersCard';
import { Button, Card, CardBody, CardHeader, DeleteDialog, EmptyState, QueryState } from '@/components/ui';
import { flattenTree, useAssetTree, useDeleteNode } from '@/hooks/useAssets';
import { useDeviceNames } from '@/hooks/useDevices';
import { useCanManageDevices, useFactoryLocale } from '@/hooks/useFactoryContext';
import { useNow } from '@/hooks/useNow';
import { useSearchParamUpdater } from '@/hooks/useSearchParamUpdater';
import { NODE_KIND_LABELS } from '@/lib/assetKinds';
import { localDate } from '@/lib/periods';
import type { AssetNode } from '@/types/assets';

type Editing = { node: AssetNode | null; parent: AssetNode | null };

export default function Assets() {
  const tree = useAssetTree();
  const [search] = useSearchParams();
  const update = useSearchParamUpdater<'node'>();
  const canManage = useCanManageDevices();
  const { timeZone } = useFactoryLocale();
  const today = localDate(useNow(60_000), timeZone);
  const deviceName = useDeviceNames();
  const remove = useDeleteNode();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<AssetNode | null>(null);

  const flat = flattenTree(tree.data?.roots ?? []);
  const selectedId = Number(search.get('node')) || null;
  const selected = flat.find((f) => f.node.id === selectedId) ?? null;
  const select = (id: number | null) => update({ node: id ? String(id) : '' });
  const maxDepth = tree.data?.max_depth ?? 0;

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Assets</h1>
          <p className="mt-1 text-sm text-slate-500">Sites, areas, lines and machines, the devices on them and virtual meters. Energy rolls up the tree.</p>
        </div>
        {canManage && <Button onClick={() => setEditing({ node: null, parent: null })}>Add site</Button>}
      </div>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[20rem_1fr]">
        <Card className="self-start">
          <CardHeader title="Tree" description={maxDepth ? `Up to ${maxDepth} levels deep.` : undefined} />
          <CardBody>
            <QueryState
              query={tree}
              loadingLabel="Loading the asset tree"
              errorTitle="Could not load the asset tree"
              isEmpty={(t) => t.roots.length === 0}
              empty={<EmptyState title="No sites yet" description={canManage ? 'Add a site, then its areas, lines and machines.' : 'People who manage devices build the tree.'} />}
              loadingClassName="py-8"
            >
              {(t) => (
                <div className="flex flex-col gap-4">
                  <AssetTreeList nodes={t.roots} selected={selectedId} onSelect={select} />
                  {t.unattached_device_ids.length > 0 && (
                    <p className="text-xs text-slate-500">
                      On no node: {t.unattached_device_ids.map(deviceName).join(', ')}
                    </p>
                  )}
                </div>
              )}
            </QueryState>
          </CardBody>
        </Card>

        <div className="flex flex-col gap-6">
          {selected ? (
            <>
              <Card>
                <CardHeader
                  title={selected.node.name}
                  description={`${NODE_KIND_LABELS[selected.node.kind]} · ${selected.path}${selected.node.production_unit ? ` · production in ${selected.node.production_unit}` : ''}`}
                  actions={
                    <>
                      <Link className="text-sm text-sky-700 hover:underline" to={`/energy?node=${selected.node.id}`}>
                        Energy
                      </Link>
                      {canManage && (
                        <>
                          <Button size="sm" variant="secondary" disabled={selected.depth >= maxDepth} title={selected.depth >= maxDepth ? `The tree is at most ${maxDepth} levels deep` : undefined} onClick={() => setEditing({ node: null, parent: selected.node })}>
                            Add child
                          </Button>
                          <Button size="sm" variant="secondary" onClick={() => setEditing({ node: selected.node, parent: null })}>
                            Edit
                          </Button>
                          <Button size="sm" variant="ghost" disabled={selected.node.children.length > 0} title={selected.node.children.length > 0 ? 'Delete its children first' : undefined} onClick={() => setDeleting(selected.node)}>
                            Delete
                          </Button>
                        </>
                      )}
                    </>
                  }
                />
              </Card>
              <NodeDevicesCard key={selected.node.id} node={selected.node} canManage={canManage} />
              <VirtualMetersCard nodeId={selected.node.id} canManage={canManage} />
              <NodeProductionCard node={selected.node} path={selected.path} today={today} canManage={canManage} />
              <NodeBaselinesCard node={selected.node} today={today} canManage={canManage} />
            </>
          ) : (
            <>
              <Card>
                <CardBody>
                  <EmptyState title="Choose a node" description="Its devices, virtual meters and baselines are shown here." />
                </CardBody>
              </Card>
              <VirtualMetersCard nodeId={null} canManage={canManage} />
            </>
          )}
        </div>
      </div>

      {editing && <NodeDialog node={editing.node} parent={editing.parent} onClose={() => setEditing(null)} onSaved={(n) => select(n.id)} />}
      <DeleteDialog
        item={deleting}
        title={(n) => `Delete ${n.name}?`}
        confirmLabel="Delete node"
        remove={remove}
        onClose={() => setDeleting(null)}
        onDeleted={(n) => select(n.parent_id)}
      >
        {() => <p>Its devices stay, attached to no node.</p>}
      </DeleteDialog>
    </div>
  );
}
