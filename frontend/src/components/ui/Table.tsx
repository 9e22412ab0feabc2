import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

/** The grey header row every list table shares; `children` are its `<th>` cells. */
export function TableHead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
      <tr>{children}</tr>
    </thead>
  );
}

/** A header cell for a column of row buttons: named for screen readers, blank on screen. */
export function ActionsHeader() {
  return (
    <th scope="col" className="px-3 py-2">
      <span className="sr-only">Actions</span>
    </th>
  );
}

interface DataTableProps {
  /** Names the table for screen readers; not shown. */
  caption: string;
  /** The header cells. */
  head: ReactNode;
  /** The body rows. */
  children: ReactNode;
  /** Fade the rows, e.g. while the previous page stays on screen as the next one loads. */
  dimmed?: boolean;
  bodyClassName?: string;
}

/** A full-width list table that scrolls sideways on narrow screens. */
export function DataTable({ caption, head, children, dimmed = false, bodyClassName }: DataTableProps) {
  return (
    <div className="overflow-x-auto">
      <table className={cn('min-w-full divide-y divide-slate-200 text-sm', dimmed && 'opacity-60')}>
        <caption className="sr-only">{caption}</caption>
        <TableHead>{head}</TableHead>
        <tbody className={cn('divide-y divide-slate-100 bg-white', bodyClassName)}>{children}</tbody>
      </table>
    </div>
  );
}
