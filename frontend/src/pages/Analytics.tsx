import { useSearchParams } from 'react-router-dom';
import { JobResult } from '@/components/analytics/JobResult';
import { StartJobForm } from '@/components/analytics/StartJobForm';
import { AnalyticsIcon } from '@/components/icons';
import { JobList } from '@/components/jobs/JobList';
import { Button, EmptyState } from '@/components/ui';
import { useDeviceNames } from '@/hooks/useDevices';
import { useFactoryLocale, useHasPermission } from '@/hooks/useFactoryContext';
import { useAnalyticsJobs, useCancelAnalyticsJob, useDeleteAnalyticsJob } from '@/hooks/useJobs';
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

      <JobList
        title="Analyses"
        noun="Analysis"
        description="Newest first; progress updates while a job runs."
        what="analyses"
        query={jobs}
        page={page}
        onPage={(p) => setParam('page', String(p))}
        empty={
          <EmptyState
            icon={<AnalyticsIcon className="size-8" />}
            title="No analyses yet"
            description={canRun ? 'Start one above.' : 'People with the “run analytics” permission start them.'}
          />
        }
        titleOf={jobTitle}
        createdVerb="Started"
        columns={[
          {
            header: 'Devices',
            cellClassName: 'max-w-xs text-slate-700',
            cell: (job) => {
              const parameters = requestList(job, 'parameters');
              return (
                <>
                  <p className="truncate">{requestList(job, 'device_ids').map((id) => deviceName(Number(id))).join(', ') || '—'}</p>
                  {parameters.length > 0 && <p className="truncate font-mono text-xs text-slate-500">{parameters.join(', ')}</p>}
                </>
              );
            },
          },
          {
            header: 'Range',
            className: 'hidden lg:table-cell',
            cellClassName: 'whitespace-nowrap text-slate-600',
            cell: (job) => {
              const { start, end } = job.request;
              return typeof start === 'string' && typeof end === 'string' ? `${formatDateTime(start, timeZone)} – ${formatDateTime(end, timeZone)}` : '—';
            },
          },
        ]}
        actions={(job, title) =>
          job.status === 'complete' && (
            <Button size="sm" variant={job.id === selectedId ? 'primary' : 'secondary'} onClick={() => setParam('job', String(job.id))} aria-label={`Show result of ${title}`}>
              Result
            </Button>
          )
        }
        canManage={canRun}
        cancel={cancel}
        remove={remove}
        deleteLabel="Delete"
        deleteNote={(job) => `The analysis and its result files are removed${isJobActive(job.status) ? '; it is stopped first' : ''}.`}
        onDeleted={(job) => job.id === selectedId && setParam('job', null)}
        selectedId={selectedId}
        timeZone={timeZone}
      />

      {selected && <JobResult key={selected.id} job={selected} title={jobTitle(selected)} timeZone={timeZone} />}

    </div>
  );
}
