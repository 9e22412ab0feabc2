import { useState, type FormEvent } from 'react';
import { ActionsHeader, Button, Card, CardHeader, Checkbox, DataTable, DeleteDialog, EmptyState, ErrorDetailsBanner, FormDialog, Input, QueryState } from '@/components/ui';
import { useCreateShift, useDeleteShift, useShifts, useUpdateShift } from '@/hooks/useProduction';
import type { Shift } from '@/types/production';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function daysText(days: number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.length === 7) return 'Every day';
  if (sorted.join() === '0,1,2,3,4') return 'Mon–Fri';
  return sorted.map((d) => WEEKDAYS[d]).join(', ');
}

function ShiftDialog({ shift, onClose }: { shift: Shift | null; onClose: () => void }) {
  const create = useCreateShift();
  const update = useUpdateShift();
  const mutation = shift ? update : create;
  const [name, setName] = useState(shift?.name ?? '');
  const [start, setStart] = useState(shift?.start ?? '06:00');
  const [end, setEnd] = useState(shift?.end ?? '14:00');
  const [days, setDays] = useState<number[]>(shift?.days ?? [0, 1, 2, 3, 4]);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) return setProblem('Give the shift a name.');
    if (days.length === 0) return setProblem('Choose the days the shift starts on.');
    setProblem(null);
    const body = { name: name.trim(), start, end, days: [...days].sort((a, b) => a - b) };
    if (shift) update.mutate({ id: shift.id, body }, { onSuccess: onClose });
    else create.mutate(body, { onSuccess: onClose });
  };

  return (
    <FormDialog
      formId="shift-form"
      title={shift ? `Edit ${shift.name}` : 'Add a shift'}
      description="On the factory's clock, on quarter hours. A shift ending at or before its start ends the next day."
      onClose={onClose}
      onSubmit={submit}
      pending={mutation.isPending}
      submitLabel={shift ? 'Save' : 'Add shift'}
    >
      <ErrorDetailsBanner error={mutation.error} className="sm:col-span-2" />
      <Input label="Name" required maxLength={100} value={name} placeholder="Night" onChange={(e) => setName(e.target.value)} className="sm:col-span-2" />
      <Input label="Starts" type="time" step={900} required value={start} onChange={(e) => setStart(e.target.value)} />
      <Input label="Ends" type="time" step={900} required value={end} onChange={(e) => setEnd(e.target.value)} />
      <fieldset className="sm:col-span-2">
        <legend className="mb-1.5 text-sm font-medium text-slate-700">Starts on</legend>
        <div className="flex flex-wrap gap-3">
          {WEEKDAYS.map((label, day) => (
            <Checkbox
              key={label}
              label={label}
              checked={days.includes(day)}
              onChange={(e) => setDays((all) => (e.target.checked ? [...all, day] : all.filter((d) => d !== day)))}
            />
          ))}
        </div>
      </fieldset>
      {problem && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-2">
          {problem}
        </p>
      )}
    </FormDialog>
  );
}

/** The factory's shifts: energy, cost, production and EnPI are reported per shift. */
export function ShiftCalendarCard() {
  const shifts = useShifts();
  const remove = useDeleteShift();
  const [editing, setEditing] = useState<Shift | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Shift | null>(null);
  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="Shift calendar"
        description="The Energy page and the shift report give energy, cost, peak, production and energy per unit for each shift."
        actions={<Button size="sm" variant="secondary" onClick={() => setEditing('new')}>Add shift</Button>}
      />
      <QueryState
        query={shifts}
        loadingLabel="Loading shifts"
        errorTitle="Could not load the shifts"
        isEmpty={(s) => s.length === 0}
        empty={<EmptyState title="No shifts" description="Add the shifts the factory works, e.g. Early 06:00–14:00." />}
        inset
        loadingClassName="py-8"
      >
        {(data) => (
          <DataTable
            caption="Shifts"
            head={
              <>
                <th scope="col" className="px-3 py-2">Shift</th>
                <th scope="col" className="px-3 py-2">Time</th>
                <th scope="col" className="px-3 py-2">Days</th>
                <ActionsHeader />
              </>
            }
          >
            {data.map((s) => (
              <tr key={s.id}>
                <td className="px-3 py-2 font-medium text-slate-900">{s.name}</td>
                <td className="px-3 py-2 whitespace-nowrap text-slate-700">
                  {s.start}–{s.end} ({s.hours} h{s.crosses_midnight ? ', into the next day' : ''})
                </td>
                <td className="px-3 py-2 text-slate-700">{daysText(s.days)}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap">
                  <Button size="sm" variant="ghost" aria-label={`Edit ${s.name}`} onClick={() => setEditing(s)}>
                    Edit
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Delete ${s.name}`} onClick={() => setDeleting(s)}>
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      {editing && <ShiftDialog shift={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      <DeleteDialog item={deleting} title={(s) => `Delete ${s.name}?`} confirmLabel="Delete shift" remove={remove} onClose={() => setDeleting(null)}>
        {() => <p>Its hours count as outside every shift from now on.</p>}
      </DeleteDialog>
    </Card>
  );
}
