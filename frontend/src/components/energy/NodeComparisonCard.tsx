import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { NodeComparisonChart } from '@/components/charts/LazyCharts';
import { Banner, Card, CardBody, CardHeader, EmptyState, Spinner } from '@/components/ui';
import { flattenTree, useAssetTree } from '@/hooks/useAssets';
import { useNodeEnergies } from '@/hooks/useEnergy';
import { nodeComparisonRows } from '@/lib/energyCharts';
import type { EnergyParams, MeterEnergy } from '@/types/energy';

const COMPARE_MAX = 6;

/** Lines, areas or machines side by side: each chosen node's energy per bucket of the page's range. */
export function NodeComparisonCard({ params }: { params: EnergyParams | null }) {
  const tree = useAssetTree();
  const nodes = flattenTree(tree.data?.roots ?? []);
  const [chosen, setChosen] = useState<number[]>([]);
  const energies = useNodeEnergies(chosen, params);
  const loaded = energies.map((q) => q.data).filter((d): d is MeterEnergy => d !== undefined);
  const failed = energies.find((q) => q.isError);
  const { series, rows } = nodeComparisonRows(loaded);
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
        {failed && <Banner tone="danger">{getErrorMessage(failed.error)}</Banner>}
        {chosen.length === 0 ? (
          <EmptyState title="Choose nodes to compare" />
        ) : loaded.length < chosen.length && !failed ? (
          <div className="flex h-40 items-center justify-center">
            <Spinner label="Loading node energy" showLabel />
          </div>
        ) : (
          <NodeComparisonChart series={series} rows={rows} />
        )}
      </CardBody>
    </Card>
  );
}
