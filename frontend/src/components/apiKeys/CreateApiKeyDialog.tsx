import { useState, type FormEvent } from 'react';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { Banner, Button, Checkbox, ErrorDetailsBanner, FormDialog, Input, Modal, SecretValue } from '@/components/ui';
import { useCreateApiKey } from '@/hooks/useApiKeys';
import { apiKeyPayload, EMPTY_API_KEY, type ApiKeyErrors, type ApiKeyValues } from '@/lib/apiKeyForm';
import { toggled } from '@/lib/lists';
import { PERMISSION_LABELS } from '@/lib/permissions';
import { API_KEY_PERMISSIONS, type ApiKeyCreated, type ApiKeyPermission } from '@/types/apiKeys';

const MAX_INGEST_DEVICES = 1000;

const KEY_PERMISSION_LABELS: Record<ApiKeyPermission, { label: string; hint: string }> = {
  ...PERMISSION_LABELS,
  ingest: { label: 'Send telemetry', hint: 'POST /api/v1/ingest for the devices chosen below' },
};

/** The key, once: after this dialog closes nobody can see it again. */
function CreatedKey({ created, onClose }: { created: ApiKeyCreated; onClose: () => void }) {
  return (
    <Modal open onClose={onClose} title="API key created" size="md" footer={<Button onClick={onClose}>Done</Button>}>
      <div className="flex flex-col gap-3 text-sm text-slate-700">
        <Banner tone="warning" title="Copy the key now">
          It is shown only this once; the platform keeps only a fingerprint of it. Lost keys are revoked and replaced.
        </Banner>
        <SecretValue value={created.key} what="API key" />
        <p>
          Send it as <code className="font-mono text-xs">X-API-Key: {created.prefix}…</code> or{' '}
          <code className="font-mono text-xs">Authorization: Bearer {created.prefix}…</code>.
        </p>
      </div>
    </Modal>
  );
}

export function CreateApiKeyDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateApiKey();
  const [values, setValues] = useState<ApiKeyValues>(EMPTY_API_KEY);
  const [errors, setErrors] = useState<ApiKeyErrors>({});
  // Held in this dialog only, never in a query cache.
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);

  const set = (changes: Partial<ApiKeyValues>) => setValues((v) => ({ ...v, ...changes }));
  const togglePermission = (p: ApiKeyPermission, on: boolean) =>
    set({ permissions: toggled(values.permissions, p, on) });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: problems } = apiKeyPayload(values);
    setErrors(problems);
    if (!body) return;
    create.mutate(body, {
      onSuccess: (key) => {
        setCreated(key);
        create.reset();
      },
    });
  };

  if (created) return <CreatedKey created={created} onClose={onClose} />;

  const pending = create.isPending;
  return (
    <FormDialog
      formId="create-api-key-form"
      title="Create API key"
      description="A key lets a program use the API with the permissions chosen here. It can read the factory's data and is never a super admin."
      onClose={onClose}
      onSubmit={submit}
      pending={pending}
      submitLabel="Create key"
    >
      <ErrorDetailsBanner error={create.error} className="sm:col-span-2" />
      <Input
        label="Name"
        required
        maxLength={100}
        autoComplete="off"
        value={values.name}
        placeholder="MES line 2"
        onChange={(e) => set({ name: e.target.value })}
        error={errors.name}
        hint="Shown in the audit log for everything the key does."
        disabled={pending}
      />
      <Input
        label="Expires on"
        type="date"
        value={values.expiresOn}
        onChange={(e) => set({ expiresOn: e.target.value })}
        error={errors.expiresOn}
        hint="Optional; empty means it never expires."
        disabled={pending}
      />
      <fieldset disabled={pending} className="flex flex-col gap-2 sm:col-span-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">Permissions</legend>
        {API_KEY_PERMISSIONS.map((p) => (
          <Checkbox
            key={p}
            label={KEY_PERMISSION_LABELS[p].label}
            hint={KEY_PERMISSION_LABELS[p].hint}
            checked={values.permissions.includes(p)}
            onChange={(e) => togglePermission(p, e.target.checked)}
          />
        ))}
      </fieldset>
      {values.permissions.includes('ingest') && (
        <DevicePicker
          label="Devices it may send for"
          className="sm:col-span-2"
          selected={values.ingestDeviceIds}
          onChange={(ingestDeviceIds) => set({ ingestDeviceIds })}
          max={MAX_INGEST_DEVICES}
          error={errors.devices}
          disabled={pending}
        />
      )}
    </FormDialog>
  );
}
