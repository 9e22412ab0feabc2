import { useState, type FormEvent } from 'react';
import { getErrorMessage } from '@/api/errors';
import { PermissionFields } from '@/components/users/PermissionFields';
import { Banner, FormDialog, Input, Select } from '@/components/ui';
import { useUpdateUser } from '@/hooks/useUsers';
import { normalisePhone } from '@/lib/ruleForm';
import { E164 } from '@/lib/userForm';
import { PERMISSIONS, type Permission, type Role } from '@/types/auth';
import type { ManagedUser, UserUpdate } from '@/types/users';

function knownPermissions(values: string[]): Permission[] {
  return values.filter((p): p is Permission => (PERMISSIONS as readonly string[]).includes(p));
}

interface EditUserDialogProps {
  user: ManagedUser;
  isSelf: boolean;
  onClose: () => void;
}

/** Name, role, permissions and WhatsApp number of a user; only what changed is sent. */
export function EditUserDialog({ user, isSelf, onClose }: EditUserDialogProps) {
  const update = useUpdateUser(user.id);
  const [fullName, setFullName] = useState(user.full_name);
  const [role, setRole] = useState<Role>(user.role);
  const [permissions, setPermissions] = useState<Permission[]>(knownPermissions(user.permissions));
  const [phone, setPhone] = useState(user.phone ?? '');
  const [phoneError, setPhoneError] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: UserUpdate = {};
    if (fullName.trim() !== user.full_name) body.full_name = fullName.trim();
    if (role !== user.role) body.role = role;
    const sorted = [...permissions].sort();
    if (role === 'user' && JSON.stringify(sorted) !== JSON.stringify([...knownPermissions(user.permissions)].sort())) {
      body.permissions = sorted;
    }
    const number = normalisePhone(phone);
    if (number && !E164.test(number)) {
      setPhoneError('Use the international form, e.g. +4915112345678.');
      return;
    }
    setPhoneError(null);
    if ((number || null) !== user.phone) body.phone = number || null;
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    update.mutate(body, { onSuccess: onClose });
  };

  return (
    <FormDialog
      formId="edit-user-form"
      title={`Edit ${user.full_name || user.email}`}
      description={user.email}
      onClose={onClose}
      onSubmit={submit}
      pending={update.isPending}
      submitLabel="Save changes"
    >
      {update.isError && (
        <Banner tone="danger" className="sm:col-span-2">
          {getErrorMessage(update.error)}
        </Banner>
      )}
      <Input label="Name" value={fullName} maxLength={200} onChange={(e) => setFullName(e.target.value)} disabled={update.isPending} />
      <Select
        label="Role"
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        disabled={update.isPending || (isSelf && user.role === 'super_admin')}
        hint={isSelf && user.role === 'super_admin' ? 'You cannot remove your own super admin role.' : undefined}
      >
        <option value="user">User</option>
        <option value="super_admin">Super admin</option>
      </Select>
      <Input
        label="Phone for WhatsApp alerts"
        type="tel"
        value={phone}
        onChange={(e) => setPhone(e.target.value)}
        placeholder="+4915112345678"
        error={phoneError}
        disabled={update.isPending}
      />
      <div className="sm:col-span-2">
        <PermissionFields role={role} value={permissions} onChange={setPermissions} disabled={update.isPending} />
      </div>
    </FormDialog>
  );
}
