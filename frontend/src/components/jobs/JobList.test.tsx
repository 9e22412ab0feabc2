import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { JobList, type JobMutation } from '@/components/jobs/JobList';
import { makeJob, page } from '@/test/domainFixtures';
import type { ListResponse } from '@/types/api';
import type { AnalyticsJob } from '@/types/jobs';

/** A mutation that records the ids it was asked for and succeeds at once. */
function recorder(): JobMutation & { ids: number[] } {
  const ids: number[] = [];
  return {
    ids,
    mutate: (id, options) => {
      ids.push(id);
      options?.onSuccess?.();
    },
    reset: () => undefined,
    isPending: false,
    isError: false,
    error: null,
    variables: undefined,
  };
}

function loaded(data: ListResponse<AnalyticsJob> | undefined, overrides: { isPending?: boolean; isError?: boolean; error?: unknown } = {}) {
  return { data, error: null, isPending: false, isError: false, isFetching: false, isPlaceholderData: false, refetch: () => Promise.resolve(), ...overrides };
}

const running = makeJob<AnalyticsJob>({ id: 1, status: 'running', progress: 40 });
const failed = makeJob<AnalyticsJob>({ id: 2, status: 'failed', error: 'No data in the range' });
const done = makeJob<AnalyticsJob>({ id: 3, status: 'complete' });

function renderList({
  data = page([running, failed, done]),
  canManage = true,
  query,
}: { data?: ListResponse<AnalyticsJob>; canManage?: boolean; query?: ReturnType<typeof loaded> } = {}) {
  const cancel = recorder();
  const remove = recorder();
  const deleted: number[] = [];
  const pages: number[] = [];
  render(
    <JobList<AnalyticsJob>
      title="Analyses"
      noun="Analysis"
      description="Newest first."
      what="analyses"
      query={query ?? loaded(data)}
      page={1}
      onPage={(p) => pages.push(p)}
      empty={<p>Nothing yet</p>}
      titleOf={(job) => `Job #${job.id}`}
      createdVerb="Started"
      columns={[{ header: 'Devices', cell: (job) => `devices of #${job.id}`, className: 'hidden lg:table-cell' }]}
      actions={(job, title) => job.status === 'complete' && <button type="button">{`Open ${title}`}</button>}
      canManage={canManage}
      cancel={cancel}
      remove={remove}
      deleteLabel="Delete analysis"
      deleteNote={(job) => `Removes #${job.id}.`}
      onDeleted={(job) => deleted.push(job.id)}
      timeZone="UTC"
    />,
  );
  return { cancel, remove, deleted, pages };
}

function row(name: string) {
  return screen.getByRole('row', { name: new RegExp(name) });
}

describe('JobList', () => {
  it('shows each job with its columns, status, error and the caller’s actions', () => {
    renderList();
    const table = screen.getByRole('table', { name: 'Analyses' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Analysis', 'Devices', 'Status', 'Actions']);
    expect(within(row('Job #1')).getByRole('progressbar', { name: 'Progress of Job #1' })).toHaveAttribute('aria-valuenow', '40');
    expect(within(row('Job #2')).getByText('No data in the range')).toBeInTheDocument();
    expect(within(row('Job #3')).getByText('devices of #3')).toBeInTheDocument();
    expect(within(row('Job #3')).getByText(/^Started .*2026.*08:00$/)).toBeInTheDocument();
    expect(within(row('Job #3')).getByRole('button', { name: 'Open Job #3' })).toBeInTheDocument();
    expect(within(row('Job #1')).queryByRole('button', { name: /^Open/ })).not.toBeInTheDocument();
  });

  it('cancels only an active job', async () => {
    const user = userEvent.setup({ delay: null });
    const { cancel } = renderList();
    expect(screen.getAllByRole('button', { name: /^Cancel Job/ })).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Cancel Job #1' }));
    expect(cancel.ids).toEqual([1]);
  });

  it('deletes after a confirmation that says what goes, then tells the caller', async () => {
    const user = userEvent.setup({ delay: null });
    const { remove, deleted } = renderList();
    await user.click(screen.getByRole('button', { name: 'Delete Job #2' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Job #2?' });
    expect(within(dialog).getByText('Removes #2.')).toBeInTheDocument();
    expect(remove.ids).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Delete analysis' }));
    expect(remove.ids).toEqual([2]);
    expect(deleted).toEqual([2]);
  });

  it('offers neither cancel nor delete to someone who may not manage jobs', () => {
    renderList({ canManage: false });
    expect(screen.queryByRole('button', { name: /^(Cancel|Delete) Job/ })).not.toBeInTheDocument();
  });

  it('pages through the list', async () => {
    const user = userEvent.setup({ delay: null });
    const { pages } = renderList({ data: page([done], 45, 20) });
    await user.click(within(screen.getByRole('navigation', { name: 'Pages of analyses' })).getByRole('button', { name: 'Next' }));
    expect(pages).toEqual([2]);
  });

  it('shows the empty state when the factory has none', () => {
    renderList({ data: page([]) });
    expect(screen.getByText('Nothing yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the failure of a first load', () => {
    renderList({ query: loaded(undefined, { isError: true, error: new Error('boom') }) });
    expect(screen.getByRole('alert')).toHaveTextContent('Could not load the analyses');
    expect(screen.getByRole('alert')).toHaveTextContent('boom');
  });
});
