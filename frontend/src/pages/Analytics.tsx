import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { JobResult } from '@/components/analytics/JobResult';
import { StartJobForm } from '@/components/analytics/StartJobForm';
import { AnalyticsIcon } from '@/components/icons';
import { JobStatus } from '@/components/jobs/JobStatus';
import { ActionsHeader, Banner, Button, Card, CardHeader, ConfirmDialog, DataTable, EmptyState, Pagination, QueryState } from '@/components/ui';
import { useDeviceNames } from '@/hooks/useDevices';
import { useFactoryLocale, useHasPermission } from '@/hooks/useFactoryContext';
import { useAnalyticsJobs, useCancelAnalyticsJob, useDeleteAnalyticsJob } from '@/hooks/useJobs';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { isJobActive } from '@/lib/jobResults';
import type { AnalyticsJob } from '@/types/jobs';

const JOBS_PER_PAGE = 20;

const KIND_LABELS = { anomaly: 'Anomaly detection', forecast: 'Energy forecast' } as const;

function jobTitle(job: AnalyticsJob): string {
  return `${KIND_LABELS[job.kind] ?? job.kind} #${job.id}`;
}

function requestList(job: AnalyticsJob, key: 'device_ids' | 'parameters'): (number | string)[] {
  const value = job.request[key];
  return Array.isArray(value) ? (value as (number | string)[]) : [];
}

export default function Analytics() {
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);
  const selectedId = Number(search.get('job')) || null;
  const canRun = useHasPermission('run_analytics');
  const { timeZone } = useFactoryLocale();
  const deviceName = useDeviceNames();
  const jobs = useAnalyticsJobs({ page, per_page: JOBS_PER_PAGE });
  const cancel = useCancelAnalyticsJob();
  const remove = useDeleteAnalyticsJob();
  const [deleting, setDeleting] = useState<AnalyticsJob | null>(null);

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: key === 'page' });
  };

  const data = jobs.data;
  const selected = data?.data.find((j) => j.id === selectedId && j.status === 'complete') ?? null;

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Analytics</h1>
        <p className="mt-1 text-sm text-slate-500">Anomaly detection and energy forecasts over recorded telemetry. Times in {timeZone}.</p>
      </div>

      {canRun && <StartJobForm timeZone={timeZone} onStarted={() => setParam('page', null)} />}

      <Card className="overflow-hidden">
        <CardHeader title="Analyses" description="Newest first; progress updates while a job runs." />
        <QueryState
          query={jobs}
          loadingLabel="Loading analyses"
          errorTitle="Could not load the analyses"
          isEmpty={(d) => d.total === 0}
          empty={
            <EmptyState
              icon={<AnalyticsIcon className="size-8" />}
              title="No analyses yet"
              description={canRun ? 'Start one above.' : 'People with the “run analytics” permission start them.'}
            />
          }
          inset
          loadingClassName="py-12"
        >
          {(list) => (
            <>
              {(cancel.isError || remove.isError) && (
                <Banner tone="danger" className="m-3">
                  {getErrorMessage(cancel.error ?? remove.error)}
                </Banner>
              )}
              <DataTable
                caption="Analyses"
                dimmed={jobs.isPlaceholderData}
                head={
                  <>
                    <th scope="col" className="px-3 py-2">Analysis</th>
                    <th scope="col" className="px-3 py-2">Devices</th>
                    <th scope="col" className="hidden px-3 py-2 lg:table-cell">Range</th>
                    <th scope="col" className="px-3 py-2">Status</th>
                    <ActionsHeader />
                  </>
                }
              >
                {list.data.map((job) => {
                  const title = jobTitle(job);
                  const devices = requestList(job, 'device_ids').map((id) => deviceName(Number(id)));
                  const parameters = requestList(job, 'parameters');
                  const start = typeof job.request.start === 'string' ? job.request.start : null;
                  const end = typeof job.request.end === 'string' ? job.request.end : null;
                  return (
                    <tr key={job.id} className={cn(job.id === selectedId && 'bg-sky-50/60')}>
                      <td className="px-3 py-2.5">
                        <p className="font-medium text-slate-900">{title}</p>
                        <p className="text-xs text-slate-500">Started {formatDateTime(job.created_at, timeZone)}</p>
                      </td>
                      <td className="max-w-xs px-3 py-2.5 text-slate-700">
                        <p className="truncate">{devices.join(', ') || '—'}</p>
                        {parameters.length > 0 && <p className="truncate font-mono text-xs text-slate-500">{parameters.join(', ')}</p>}
                      </td>
                      <td className="hidden px-3 py-2.5 whitespace-nowrap text-slate-600 lg:table-cell">
                        {start && end ? `${formatDateTime(start, timeZone)} – ${formatDateTime(end, timeZone)}` : '—'}
                      </td>
                      <td className="px-3 py-2.5">
                        <JobStatus status={job.status} progress={job.progress} label={title} />
                        {job.status === 'failed' && job.error && <p className="mt-1 max-w-xs text-xs text-red-700">{job.error}</p>}
                      </td>
                      <td className="px-3 py-2.5">
                        <div className="flex flex-wrap justify-end gap-1.5">
                          {job.status === 'complete' && (
                            <Button size="sm" variant={job.id === selectedId ? 'primary' : 'secondary'} onClick={() => setParam('job', String(job.id))} aria-label={`Show result of ${title}`}>
                              Result
                            </Button>
                          )}
                          {canRun && isJobActive(job.status) && (
                            <Button size="sm" variant="secondary" loading={cancel.isPending && cancel.variables === job.id} onClick={() => cancel.mutate(job.id)} aria-label={`Cancel ${title}`}>
                              Cancel
                            </Button>
                          )}
                          {canRun && (
                            <Button size="sm" variant="ghost" onClick={() => setDeleting(job)} aria-label={`Delete ${title}`}>
                              Delete
                            </Button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </DataTable>
              <Pagination page={page} perPage={list.per_page} total={list.total} onPage={(p) => setParam('page', String(p))} what="analyses" />
            </>
          )}
        </QueryState>
      </Card>

      {selected && <JobResult key={selected.id} job={selected} title={jobTitle(selected)} timeZone={timeZone} />}

      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete ${jobTitle(deleting)}?` : ''}
        confirmLabel="Delete"
        tone="danger"
        pending={remove.isPending}
        error={remove.isError ? getErrorMessage(remove.error) : null}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              if (deleting.id === selectedId) setParam('job', null);
              setDeleting(null);
            },
          })
        }
      >
        <p>The analysis and its result files are removed{deleting && isJobActive(deleting.status) ? '; it is stopped first' : ''}.</p>
      </ConfirmDialog>
    </div>
  );
}
