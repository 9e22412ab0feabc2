import { useState } from 'react';
import { NodeComparisonChart } from '@/components/charts/LazyCharts';
import { Card, CardBody, CardHeader, combineQueries, EmptyState, QueryState } from '@/components/ui';
import { flattenTree, useAssetTree } from '@/hooks/useAssets';
import { useNodeEnergies } from '@/hooks/useEnergy';
import { nodeComparisonRows } from '@/lib/energyCharts';
import type { EnergyParams } from '@/types/energy';

const COMPARE_MAX = 6;

/** Lines, areas or machines side by side: each chosen node's energy per bucket of the page's range. */
export function NodeComparisonCard({ params }: { params: EnergyParams | null }) {
  const tree = useAssetTree();
  const nodes = flattenTree(tree.data?.roots ?? []);
  const [chosen, setChosen] = useState<number[]>([]);
  const energies = combineQueries(useNodeEnergies(chosen, params));
  const toggle = (id: number, on: boolean) => setChosen((all) => (on ? [...all, id].slice(0, COMPARE_MAX) : all.filter((x) => x !== id)));

  if (nodes.length < 2) return null;
  return (
    <Card>
      <CardHeader title="Compare nodes" description={`Up to ${COMPARE_MAX} nodes' energy over the same range, bucket by bucket.`} />
      <CardBody className="flex flex-col gap-4">
        <fieldset>
          <legend className="sr-only">Nodes to compare</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1.5">
            {nodes.map(({ node, path }) => (
              <label key={node.id} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  className="size-4 accent-sky-700"
                  checked={chosen.includes(node.id)}
                  disabled={!chosen.includes(node.id) && chosen.length >= COMPARE_MAX}
                  onChange={(e) => toggle(node.id, e.target.checked)}
                />
                {path}
              </label>
            ))}
          </div>
        </fieldset>
        <QueryState
          query={energies}
          loadingLabel="Loading node energy"
          errorTitle="Could not load the energy of the nodes"
          isEmpty={(loaded) => loaded.length === 0}
          empty={<EmptyState title="Choose nodes to compare" />}
          loadingClassName="h-40 items-center"
        >
          {(loaded) => <NodeComparisonChart {...nodeComparisonRows(loaded)} />}
        </QueryState>
      </CardBody>
    </Card>
  );
}
