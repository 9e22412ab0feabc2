import { Checkbox, QueryState } from '@/components/ui';
import { useUserDirectory } from '@/hooks/useUsers';
import { toggled } from '@/lib/lists';

interface RecipientUsersProps {
  selected: number[];
  onChange: (ids: number[]) => void;
  disabled: boolean;
}

/** People of the factory who receive the rule's notifications, chosen one by one. */
export function RecipientUsers({ selected, onChange, disabled }: RecipientUsersProps) {
  const users = useUserDirectory();
  return (
    <QueryState query={users} loadingLabel="Loading users" errorTitle="Could not load the users" loadingClassName="py-4">
      {(people) => {
        const listed = new Set(people.map((u) => u.id));
        // Chosen earlier and deactivated since: still shown, so that they can be taken off.
        const gone = selected.filter((id) => !listed.has(id));
        return (
          <fieldset disabled={disabled}>
            <legend className="mb-1.5 text-sm font-medium text-slate-700">Users</legend>
            <div className="grid max-h-40 grid-cols-1 gap-1 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 sm:grid-cols-2">
              {people.map((u) => (
                <Checkbox
                  key={u.id}
                  label={u.full_name ? `${u.full_name} (${u.email})` : u.email}
                  checked={selected.includes(u.id)}
                  onChange={(e) => onChange(toggled(selected, u.id, e.target.checked))}
                />
              ))}
              {gone.map((id) => (
                <Checkbox
                  key={id}
                  label={`User #${id} (no longer active)`}
                  checked
                  onChange={(e) => onChange(toggled(selected, id, e.target.checked))}
                />
              ))}
            </div>
          </fieldset>
        );
      }}
    </QueryState>
  );
}
