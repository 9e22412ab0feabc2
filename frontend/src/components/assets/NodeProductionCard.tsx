import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Banner, Button, Card, CardBody, CardHeader, DataTable, EmptyState, ErrorDetailsBanner, Input, QueryState } from '@/components/ui';
import { useDeleteProductionEntry, useProductionTable, useSaveProduction, useUploadProduction } from '@/hooks/useProduction';
import { formatNumber } from '@/lib/format';
import { addDays } from '@/lib/periods';
import type { AssetNode } from '@/types/assets';

const DAYS_SHOWN = 14;

/** A node's production per day: what its counters counted, what was entered, and the figure used. */
export function NodeProductionCard({ node, path, today, canManage }: { node: AssetNode; path: string; today: string; canManage: boolean }) {
  const days = { start: addDays(today, -(DAYS_SHOWN - 1)), end: today };
  const table = useProductionTable(node.id, days);
  const save = useSaveProduction();
  const upload = useUploadProduction();
  const remove = useDeleteProductionEntry();
  const [day, setDay] = useState(addDays(today, -1));
  const [quantity, setQuantity] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const unit = node.production_unit ?? 'units';

  const enter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const amount = Number(quantity);
    if (!day || quantity.trim() === '' || !Number.isFinite(amount) || amount < 0) {
      setProblem('Enter a day and a quantity of at least 0.');
      return;
    }
    setProblem(null);
    save.mutate([{ node_id: node.id, day, quantity: amount }], { onSuccess: () => setQuantity('') });
  };

  const uploadFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setUploaded(null);
    upload.mutate(await file.text(), { onSuccess: (result) => setUploaded(result.saved) });
  };

  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="Production"
        as="h3"
        description={`Per day, in ${unit}: counters with the production count role, or figures entered here (an entry replaces the counters for its day).`}
      />
      {canManage && (
        <CardBody className="flex flex-col gap-3 border-b border-slate-200">
          <form onSubmit={enter} noValidate aria-label={`Enter production of ${node.name}`} className="flex flex-wrap items-end gap-3">
            <Input label="Day" type="date" value={day} max={today} onChange={(e) => setDay(e.target.value)} />
            <Input label={`Quantity (${unit})`} inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} error={problem} />
            <Button type="submit" variant="secondary" loading={save.isPending}>
              Save figure
            </Button>
            <label className="inline-flex h-9 cursor-pointer items-center rounded-md px-3 text-sm text-sky-700 ring-1 ring-slate-300 ring-inset hover:bg-slate-50">
              Upload CSV
              <input type="file" accept=".csv,text/csv" className="sr-only" onChange={(e) => void uploadFile(e)} />
            </label>
          </form>
          <p className="text-xs text-slate-500">CSV columns: node,day,quantity — the node by its path, here “{path}”. Every row is saved, or none.</p>
          <ErrorDetailsBanner error={save.error ?? upload.error ?? remove.error} />
          {uploaded !== null && <Banner tone="success">{`${uploaded} figures saved.`}</Banner>}
        </CardBody>
      )}
      <QueryState
        query={table}
        loadingLabel="Loading production"
        errorTitle="Could not load the production"
        isEmpty={(t) => t.days.length === 0}
        empty={<EmptyState title="No production figures" />}
        inset
        loadingClassName="py-8"
      >
        {(t) => (
          <DataTable
            caption={`Production of ${node.name}`}
            head={
              <>
                <th scope="col" className="px-3 py-2">Day</th>
                <th scope="col" className="px-3 py-2 text-right">Counted</th>
                <th scope="col" className="px-3 py-2 text-right">Entered</th>
                <th scope="col" className="px-3 py-2 text-right">Production</th>
                {canManage && (
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </>
            }
          >
            {[...t.days].reverse().map((d) => (
              <tr key={d.day}>
                <td className="px-3 py-2 whitespace-nowrap text-slate-800">{d.day}</td>
                <td className="px-3 py-2 text-right">{formatNumber(d.counted)}</td>
                <td className="px-3 py-2 text-right">{formatNumber(d.entered)}</td>
                <td className="px-3 py-2 text-right font-medium">{formatNumber(d.total)}</td>
                {canManage && (
                  <td className="px-3 py-2 text-right">
                    {d.entry_id !== null && (
                      <Button size="sm" variant="ghost" aria-label={`Remove the figure of ${d.day}`} onClick={() => d.entry_id !== null && remove.mutate(d.entry_id)}>
                        Remove
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
    </Card>
  );
}
