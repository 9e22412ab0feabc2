import { useState, type FormEvent } from 'react';
import { PermissionFields } from '@/components/users/PermissionFields';
import { Banner, Button, ErrorDetailsBanner, FormDialog, Input, Modal, SecretValue, Select } from '@/components/ui';
import { useInviteUser } from '@/hooks/useUsers';
import { invitePayload, type InviteValues } from '@/lib/userForm';
import type { Role } from '@/types/auth';
import type { ManagedUser } from '@/types/users';

/** Invites a user by email; they choose their own password with the emailed link. */
export function InviteUserDialog({ onClose }: { onClose: () => void }) {
  const invite = useInviteUser();
  const [values, setValues] = useState<InviteValues>({ email: '', fullName: '', role: 'user', permissions: [], phone: '' });
  const [errors, setErrors] = useState<Partial<Record<'email' | 'phone', string>>>({});
  // Held here only: an invitation link is a secret for one person.
  const [invited, setInvited] = useState<ManagedUser | null>(null);

  const set = (changes: Partial<InviteValues>) => setValues((v) => ({ ...v, ...changes }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: problems } = invitePayload(values);
    setErrors(problems);
    if (!body) return;
    invite.mutate(body, {
      onSuccess: (user) => {
        setInvited(user);
        invite.reset();
      },
    });
  };

  if (invited) {
    return (
      <Modal
        open
        onClose={onClose}
        title="Invitation sent"
        size="md"
        footer={<Button onClick={onClose}>Done</Button>}
      >
        <div className="flex flex-col gap-3 text-sm text-slate-700">
          {invited.invite_link ? (
            <>
              <Banner tone="warning" title="Email is not set up on this platform">
                Send this link to {invited.email} yourself. It works once and expires.
              </Banner>
              <SecretValue value={invited.invite_link} what="invitation link" />
            </>
          ) : (
            <p>
              <strong>{invited.email}</strong> receives an email with a link to choose a password. The link works once and
              expires; you can send a new one from the user list.
            </p>
          )}
        </div>
      </Modal>
    );
  }

  return (
    <FormDialog
      formId="invite-user-form"
      title="Invite user"
      description="They receive an email with a link to choose their password."
      onClose={onClose}
      onSubmit={submit}
      pending={invite.isPending}
      submitLabel="Send invitation"
    >
      <ErrorDetailsBanner error={invite.error} className="sm:col-span-2" />
      <Input
        label="Email"
        type="email"
        required
        autoComplete="off"
        value={values.email}
        onChange={(e) => set({ email: e.target.value })}
        error={errors.email}
        disabled={invite.isPending}
      />
      <Input
        label="Name"
        value={values.fullName}
        maxLength={200}
        autoComplete="off"
        onChange={(e) => set({ fullName: e.target.value })}
        hint="Optional; they can set it when accepting."
        disabled={invite.isPending}
      />
      <Select
        label="Role"
        value={values.role}
        onChange={(e) => set({ role: e.target.value as Role })}
        disabled={invite.isPending}
      >
        <option value="user">User</option>
        <option value="super_admin">Super admin</option>
      </Select>
      <Input
        label="Phone for WhatsApp alerts"
        type="tel"
        value={values.phone}
        onChange={(e) => set({ phone: e.target.value })}
        placeholder="+4915112345678"
        error={errors.phone}
        hint="Optional."
        disabled={invite.isPending}
      />
      <div className="sm:col-span-2">
        <PermissionFields
          role={values.role}
          value={values.permissions}
          onChange={(permissions) => set({ permissions })}
          disabled={invite.isPending}
        />
      </div>
    </FormDialog>
  );
}
