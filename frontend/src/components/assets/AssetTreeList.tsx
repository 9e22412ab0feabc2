import { Badge } from '@/components/ui';
import { NODE_KIND_LABELS } from '@/lib/assetKinds';
import { cn } from '@/lib/cn';
import type { AssetNode } from '@/types/assets';

interface AssetTreeListProps {
  nodes: AssetNode[];
  selected: number | null;
  onSelect: (id: number) => void;
  /** Nested lists are named for screen readers by their parent. */
  label?: string;
}

/** The tree as nested lists, each node a button that selects it. */
export function AssetTreeList({ nodes, selected, onSelect, label = 'Asset tree' }: AssetTreeListProps) {
  return (
    <ul aria-label={label} className="flex flex-col gap-0.5">
      {nodes.map((node) => (
        <li key={node.id}>
          <button
            type="button"
            aria-current={selected === node.id || undefined}
            onClick={() => onSelect(node.id)}
            className={cn(
              'flex w-full items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm',
              selected === node.id ? 'bg-sky-50 font-medium text-sky-900 ring-1 ring-sky-200' : 'text-slate-800 hover:bg-slate-50',
            )}
          >
            <span className="truncate">{node.name}</span>
            <span className="flex shrink-0 items-center gap-1">
              <Badge>{NODE_KIND_LABELS[node.kind]}</Badge>
              {node.device_ids.length > 0 && <span className="text-xs text-slate-500">{node.device_ids.length} dev.</span>}
            </span>
          </button>
          {node.children.length > 0 && (
            <div className="ml-4 border-l border-slate-200 pl-2">
              <AssetTreeList nodes={node.children} selected={selected} onSelect={onSelect} label={`Below ${node.name}`} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
