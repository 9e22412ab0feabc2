import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createNode,
  createVirtualMeter,
  deleteNode,
  deleteVirtualMeter,
  getAssetTree,
  listVirtualMeters,
  setNodeDevices,
  updateNode,
  updateVirtualMeter,
} from '@/api/assets';
import type { AssetNode, NodeCreate, NodeUpdate, VirtualMeterWrite } from '@/types/assets';

export const assetKeys = {
  all: ['assets'] as const,
  tree: () => ['assets', 'tree'] as const,
  meters: () => ['assets', 'meters'] as const,
};

export function useAssetTree(enabled = true) {
  return useQuery({ queryKey: assetKeys.tree(), queryFn: ({ signal }) => getAssetTree(signal), staleTime: 30_000, enabled });
}

/** A node's path of names by id, for lists that mention nodes; fetched only when `enabled`. */
export function useNodeNames(enabled: boolean): (id: number) => string | undefined {
  const tree = useAssetTree(enabled);
  const names = new Map(flattenTree(tree.data?.roots ?? []).map((n) => [n.node.id, n.path]));
  return (id) => names.get(id);
}

export function useVirtualMeters() {
  return useQuery({ queryKey: assetKeys.meters(), queryFn: ({ signal }) => listVirtualMeters(signal), staleTime: 30_000 });
}

/** Every write to the tree or a meter refreshes both, and any energy figure built on them. */
function useAssetMutation<Args>(fn: (args: Args) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: assetKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['energy'] });
    },
  });
}

export const useCreateNode = () => useAssetMutation((body: NodeCreate) => createNode(body));
export const useUpdateNode = () => useAssetMutation(({ id, body }: { id: number; body: NodeUpdate }) => updateNode(id, body));
export const useDeleteNode = () => useAssetMutation((id: number) => deleteNode(id));
export const useSetNodeDevices = () =>
  useAssetMutation(({ id, deviceIds }: { id: number; deviceIds: number[] }) => setNodeDevices(id, deviceIds));
export const useCreateVirtualMeter = () => useAssetMutation((body: VirtualMeterWrite) => createVirtualMeter(body));
export const useUpdateVirtualMeter = () =>
  useAssetMutation(({ id, body }: { id: number; body: Partial<VirtualMeterWrite> }) => updateVirtualMeter(id, body));
export const useDeleteVirtualMeter = () => useAssetMutation((id: number) => deleteVirtualMeter(id));

export interface FlatNode {
  node: AssetNode;
  /** "Site / Line 1 / Press". */
  path: string;
  depth: number;
}

/** The tree in reading order (parents before children), each node with its path of names. */
export function flattenTree(roots: AssetNode[]): FlatNode[] {
  const out: FlatNode[] = [];
  const walk = (nodes: AssetNode[], prefix: string) => {
    for (const node of nodes) {
      const path = prefix ? `${prefix} / ${node.name}` : node.name;
      out.push({ node, path, depth: node.depth });
      walk(node.children, path);
    }
  };
  walk(roots, '');
  return out;
}
