import { Link } from 'react-router-dom';
import { Badge, EmptyState, TableHead } from '@/components/ui';
import { formatNumber } from '@/lib/format';
import type { DryRunResult } from '@/types/rules';

interface DryRunResultsProps {
  results: DryRunResult[];
  /** When the test ran, for the caption. */
  testedAt?: string;
}

/** Per device: whether the condition holds now, the values it read, and what it could not read. */
export function DryRunResults({ results, testedAt }: DryRunResultsProps) {
  if (results.length === 0) {
    return <EmptyState title="No devices in scope" description="The scope matches no active device, so nothing was tested." />;
  }
  const matched = results.filter((r) => r.matched).length;
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm text-slate-700" role="status">
        <span className="font-semibold">
          {matched} of {results.length}
        </span>{' '}
        {results.length === 1 ? 'device matches' : 'devices match'} right now{testedAt ? ` (tested ${testedAt})` : ''}.
      </p>
      <div className="overflow-x-auto rounded-md border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Test against live values</caption>
          <TableHead>
            <th scope="col" className="px-3 py-2">Device</th>
            <th scope="col" className="px-3 py-2">Result</th>
            <th scope="col" className="px-3 py-2">Values used</th>
            <th scope="col" className="px-3 py-2">Missing</th>
          </TableHead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {results.map((r) => (
              <tr key={r.device_id}>
                <td className="px-3 py-2">
                  <Link to={`/machines/${r.device_id}`} className="font-medium text-slate-900 hover:text-sky-800 hover:underline">
                    {r.device_name}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  {r.matched ? (
                    <Badge tone="danger" dot>
                      Matched
                    </Badge>
                  ) : (
                    <Badge tone="neutral" dot>
                      Not matched
                    </Badge>
                  )}
                </td>
                <td className="px-3 py-2 font-mono text-xs text-slate-700">
                  {Object.keys(r.values).length === 0
                    ? '—'
                    : Object.entries(r.values)
                        .map(([key, v]) => `${key} = ${formatNumber(v, 4)}`)
                        .join(', ')}
                </td>
                <td className="px-3 py-2 text-xs">
                  {r.missing.length === 0 ? (
                    <span className="text-slate-400">—</span>
                  ) : (
                    <span className="font-mono text-amber-800">{r.missing.join(', ')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {results.some((r) => r.missing.length > 0) && (
        <p className="text-xs text-slate-500">A comparison on a parameter without a current value does not hold.</p>
      )}
    </div>
  );
}
