import { useState, type ReactNode } from 'react';
import { getErrorMessage } from '@/api/errors';
import { JobStatus } from '@/components/jobs/JobStatus';
import { ActionsHeader, Banner, Button, Card, CardHeader, DataTable, DeleteDialog, Pagination, QueryState, type DeleteMutation, type QueryLike } from '@/components/ui';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { isJobActive } from '@/lib/jobResults';
import type { ListResponse } from '@/types/api';
import type { JobRead } from '@/types/jobs';

/** A cancel or delete of one job, as `useMutation` answers it. */
export interface JobMutation extends DeleteMutation {
  variables: number | undefined;
}

/** A column between the job's name and its status. */
export interface JobColumn<J> {
  header: string;
  cell: (job: J) => ReactNode;
  /** Classes of the header and of each cell, e.g. to hide the column on small screens. */
  className?: string;
  /** Classes of each cell only; slate text unless given. */
  cellClassName?: string;
}

interface JobListProps<J extends JobRead> {
  /** The card's heading and the table's accessible name, e.g. "Reports". */
  title: string;
  /** Heading of the name column, e.g. "Report". */
  noun: string;
  description: string;
  /** Plural for the pagination and the loading label, e.g. "reports". */
  what: string;
  query: QueryLike<ListResponse<J>> & { isPlaceholderData: boolean };
  page: number;
  onPage: (page: number) => void;
  /** Shown when the factory has no job of this kind. */
  empty: ReactNode;
  titleOf: (job: J) => string;
  /** Badges after the name. */
  tagsOf?: (job: J) => ReactNode;
  /** The verb under the name: "Started" or "Requested". */
  createdVerb: string;
  columns: JobColumn<J>[];
  /** Buttons before Cancel and Delete (a result, a download). */
  actions?: (job: J, title: string) => ReactNode;
  /** Whether the user may cancel and delete. */
  canManage: boolean;
  cancel: JobMutation;
  remove: JobMutation;
  /** Label of the confirming button, e.g. "Delete report". */
  deleteLabel: string;
  /** What deleting removes, in the confirmation. */
  deleteNote: (job: J) => ReactNode;
  onDeleted?: (job: J) => void;
  selectedId?: number | null;
  timeZone: string;
}

/**
 * A page of analytics jobs or reports: name, the caller's columns, status with progress and
 * the error of a failed job, then the caller's actions, cancel while active, and delete after
 * a confirmation. Both job kinds share the lifecycle (`JobRead`), so they share this list.
 */
export function JobList<J extends JobRead>({
  title,
  noun,
  description,
  what,
  query,
  page,
  onPage,
  empty,
  titleOf,
  tagsOf,
  createdVerb,
  columns,
  actions,
  canManage,
  cancel,
  remove,
  deleteLabel,
  deleteNote,
  onDeleted,
  selectedId = null,
  timeZone,
}: JobListProps<J>) {
  const [deleting, setDeleting] = useState<J | null>(null);
  const failure = cancel.isError ? cancel.error : remove.isError ? remove.error : null;

  return (
    <Card className="overflow-hidden">
      <CardHeader title={title} description={description} />
      <QueryState
        query={query}
        loadingLabel={`Loading ${what}`}
        errorTitle={`Could not load the ${what}`}
        isEmpty={(d) => d.total === 0}
        empty={empty}
        inset
        loadingClassName="py-12"
      >
        {(list) => (
          <>
            {failure !== null && (
              <Banner tone="danger" className="m-3">
                {getErrorMessage(failure)}
              </Banner>
            )}
            <DataTable
              caption={title}
              dimmed={query.isPlaceholderData}
              head={
                <>
                  <th scope="col" className="px-3 py-2">
                    {noun}
                  </th>
                  {columns.map((c) => (
                    <th key={c.header} scope="col" className={cn('px-3 py-2', c.className)}>
                      {c.header}
                    </th>
                  ))}
                  <th scope="col" className="px-3 py-2">
                    Status
                  </th>
                  <ActionsHeader />
                </>
              }
            >
              {list.data.map((job) => {
                const name = titleOf(job);
                return (
                  <tr key={job.id} className={cn(job.id === selectedId && 'bg-sky-50/60')}>
                    <td className="px-3 py-2.5">
                      <p className="font-medium text-slate-900">
                        {name}
                        {tagsOf?.(job)}
                      </p>
                      <p className="text-xs text-slate-500">
                        {createdVerb} {formatDateTime(job.created_at, timeZone)}
                      </p>
                    </td>
                    {columns.map((c) => (
                      <td key={c.header} className={cn('px-3 py-2.5', c.className, c.cellClassName ?? 'text-slate-700')}>
                        {c.cell(job)}
                      </td>
                    ))}
                    <td className="px-3 py-2.5">
                      <JobStatus status={job.status} progress={job.progress} label={name} />
                      {job.status === 'failed' && job.error && <p className="mt-1 max-w-xs text-xs text-red-700">{job.error}</p>}
                    </td>
                    <td className="px-3 py-2.5">
                      <div className="flex flex-wrap items-start justify-end gap-1.5">
                        {actions?.(job, name)}
                        {canManage && isJobActive(job.status) && (
                          <Button
                            size="sm"
                            variant="secondary"
                            loading={cancel.isPending && cancel.variables === job.id}
                            onClick={() => cancel.mutate(job.id)}
                            aria-label={`Cancel ${name}`}
                          >
                            Cancel
                          </Button>
                        )}
                        {canManage && (
                          <Button size="sm" variant="ghost" onClick={() => setDeleting(job)} aria-label={`Delete ${name}`}>
                            Delete
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </DataTable>
            <Pagination page={page} perPage={list.per_page} total={list.total} onPage={onPage} what={what} />
          </>
        )}
      </QueryState>
      <DeleteDialog item={deleting} title={(job) => `Delete ${titleOf(job)}?`} confirmLabel={deleteLabel} remove={remove} onClose={() => setDeleting(null)} onDeleted={onDeleted}>
        {(job) => <p>{deleteNote(job)}</p>}
      </DeleteDialog>
    </Card>
  );
}
