import { Select } from '@/components/ui';
import { flattenTree, useAssetTree } from '@/hooks/useAssets';

interface NodeSelectProps {
  label: string;
  value: number | null;
  onChange: (nodeId: number | null) => void;
  /** The label of the "no node" choice; without it a node must be chosen. */
  noneLabel?: string;
  hint?: string;
  error?: string | null;
  className?: string;
}

/** Chooses a node of the asset tree, listed in tree order and indented by depth. */
export function NodeSelect({ label, value, onChange, noneLabel, hint, error, className }: NodeSelectProps) {
  const tree = useAssetTree();
  const nodes = flattenTree(tree.data?.roots ?? []);
  return (
    <Select
      label={label}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
      hint={hint}
      error={error}
      className={className}
      disabled={tree.isPending}
    >
      {(noneLabel !== undefined || value === null) && <option value="">{noneLabel ?? 'Choose a node'}</option>}
      {nodes.map(({ node, depth }) => (
        <option key={node.id} value={node.id}>
          {`${'\u2003'.repeat(depth - 1)}${node.name}`}
        </option>
      ))}
    </Select>
  );
}
