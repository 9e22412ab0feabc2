import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ActionsHeader, DataTable, TableHead } from '@/components/ui/Table';

describe('DataTable', () => {
  it('names the table by its caption and renders the header cells and rows', () => {
    render(
      <DataTable caption="Rules" head={<><th scope="col">Name</th><ActionsHeader /></>} bodyClassName="align-top">
        <tr>
          <td>Overload</td>
          <td />
        </tr>
      </DataTable>,
    );
    const table = screen.getByRole('table', { name: 'Rules' });
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Name', 'Actions']);
    expect(within(table).getByRole('cell', { name: 'Overload' })).toBeInTheDocument();
    expect(table.querySelector('tbody')).toHaveClass('align-top');
    expect(table).not.toHaveClass('opacity-60');
  });

  it('fades the rows while dimmed', () => {
    render(<DataTable caption="Users" head={<th scope="col">Name</th>} dimmed>{null}</DataTable>);
    expect(screen.getByRole('table', { name: 'Users' })).toHaveClass('opacity-60');
  });
});

describe('TableHead', () => {
  it('puts its cells in one header row', () => {
    render(
      <table>
        <TableHead>
          <th scope="col">From</th>
          <th scope="col">To</th>
        </TableHead>
      </table>,
    );
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(1);
    expect(within(rows[0]!).getAllByRole('columnheader')).toHaveLength(2);
  });
});
