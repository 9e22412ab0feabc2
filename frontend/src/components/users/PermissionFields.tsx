import { Checkbox } from '@/components/ui';
import { PERMISSION_LABELS } from '@/lib/permissions';
import { PERMISSIONS, type Permission, type Role } from '@/types/auth';

interface PermissionFieldsProps {
  role: Role;
  value: Permission[];
  onChange: (value: Permission[]) => void;
  disabled?: boolean;
}

/** What a user may do beyond viewing; a super admin may do everything. */
export function PermissionFields({ role, value, onChange, disabled = false }: PermissionFieldsProps) {
  const admin = role === 'super_admin';
  return (
    <fieldset disabled={disabled || admin} className="flex flex-col gap-2">
      <legend className="mb-1 text-sm font-medium text-slate-700">Permissions</legend>
      {admin && <p className="text-xs text-slate-500">A super admin may do everything, including managing users.</p>}
      {PERMISSIONS.map((p) => (
        <Checkbox
          key={p}
          label={PERMISSION_LABELS[p].label}
          hint={PERMISSION_LABELS[p].hint}
          checked={admin || value.includes(p)}
          onChange={(e) => onChange(e.target.checked ? [...value, p] : value.filter((x) => x !== p))}
        />
      ))}
    </fieldset>
  );
}
