import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { QueryState, type QueryLike } from '@/components/ui/QueryState';

type List = { total: number; names: string[] };

function query(overrides: Partial<QueryLike<List>>): QueryLike<List> {
  return { data: undefined, error: null, isPending: false, isError: false, isFetching: false, refetch: vi.fn(() => Promise.resolve()), ...overrides };
}

function renderState(q: QueryLike<List>, inset = false) {
  return render(
    <QueryState query={q} loadingLabel="Loading rules" errorTitle="Could not load the rules" isEmpty={(d) => d.total === 0} empty={<p>No rules yet</p>} inset={inset}>
      {(data) => <ul>{data.names.map((n) => <li key={n}>{n}</li>)}</ul>}
    </QueryState>,
  );
}

describe('QueryState', () => {
  it('shows a labelled spinner while the first load runs', () => {
    renderState(query({ isPending: true }));
    expect(screen.getByRole('status')).toHaveTextContent('Loading rules');
  });

  it('shows the error with a retry when nothing was loaded', async () => {
    const q = query({ isError: true, error: new Error('boom') });
    renderState(q);
    expect(screen.getByRole('alert')).toHaveTextContent('Could not load the rules');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(q.refetch).toHaveBeenCalledOnce();
  });

  it('keeps showing loaded data when a refresh fails', () => {
    renderState(query({ isError: true, error: new Error('boom'), data: { total: 1, names: ['Overload'] } }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('listitem')).toHaveTextContent('Overload');
  });

  it('shows the empty state, padded when inset', () => {
    const { container } = renderState(query({ data: { total: 0, names: [] } }), true);
    expect(screen.getByText('No rules yet').parentElement).toHaveClass('p-4');
    expect(container.querySelector('ul')).toBeNull();
  });
});
