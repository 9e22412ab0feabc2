import { useState, type FormEvent } from 'react';
import { ErrorDetailsBanner, FormDialog, Input, Select } from '@/components/ui';
import { useCreateNode, useUpdateNode } from '@/hooks/useAssets';
import { NODE_KIND_LABELS } from '@/lib/assetKinds';
import { NODE_KINDS, type AssetNode, type NodeKind } from '@/types/assets';

/** The kind a new node under `parent` most likely is: site → area → line → machine. */
function kindBelow(parent: AssetNode | null): NodeKind {
  if (!parent) return 'site';
  const next: Partial<Record<NodeKind, NodeKind>> = { site: 'area', area: 'line', line: 'machine' };
  return next[parent.kind] ?? 'other';
}

interface NodeDialogProps {
  /** The node to rename, or null to add one under `parent`. */
  node: AssetNode | null;
  parent: AssetNode | null;
  onClose: () => void;
  onSaved?: (node: AssetNode) => void;
}

export function NodeDialog({ node, parent, onClose, onSaved }: NodeDialogProps) {
  const create = useCreateNode();
  const update = useUpdateNode();
  const [name, setName] = useState(node?.name ?? '');
  const [kind, setKind] = useState<NodeKind>(node?.kind ?? kindBelow(parent));
  const [unit, setUnit] = useState(node?.production_unit ?? '');
  const [nameError, setNameError] = useState<string | null>(null);
  const mutation = node ? update : create;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError('Give the node a name.');
      return;
    }
    setNameError(null);
    const fields = { name: name.trim(), kind, production_unit: unit.trim() || null };
    const done = (saved: unknown) => {
      onSaved?.(saved as AssetNode);
      onClose();
    };
    if (node) update.mutate({ id: node.id, body: fields }, { onSuccess: done });
    else create.mutate({ ...fields, parent_id: parent?.id ?? null }, { onSuccess: done });
  };

  return (
    <FormDialog
      formId="asset-node-form"
      title={node ? `Edit ${node.name}` : parent ? `Add a node under ${parent.name}` : 'Add a site'}
      onClose={onClose}
      onSubmit={submit}
      pending={mutation.isPending}
      submitLabel={node ? 'Save' : 'Add node'}
    >
      <ErrorDetailsBanner error={mutation.error} className="sm:col-span-2" />
      <Input label="Name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} error={nameError} />
      <Select label="Kind" value={kind} onChange={(e) => setKind(e.target.value as NodeKind)}>
        {NODE_KINDS.map((k) => (
          <option key={k} value={k}>
            {NODE_KIND_LABELS[k]}
          </option>
        ))}
      </Select>
      <Input label="Production unit" maxLength={32} value={unit} placeholder="parts" hint="What the node's production is counted in, for energy per unit." onChange={(e) => setUnit(e.target.value)} />
    </FormDialog>
  );
}
