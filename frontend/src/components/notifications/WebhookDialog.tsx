import { useState, type FormEvent } from 'react';
import { Banner, Button, Checkbox, ErrorDetailsBanner, FormDialog, Input, Modal, SecretValue, Select } from '@/components/ui';
import { useCreateWebhook, useUpdateWebhook } from '@/hooks/useNotifications';
import { EMPTY_WEBHOOK, EVENT_LABELS, FORMAT_LABELS, webhookPayload, webhookValues, type WebhookErrors, type WebhookValues } from '@/lib/webhookForm';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type Webhook, type WebhookCreated, type WebhookFormat } from '@/types/notifications';

/** The signing secret, once: after this dialog closes nobody can see it again. */
export function WebhookSecretDialog({ created, onClose }: { created: WebhookCreated; onClose: () => void }) {
  return (
    <Modal open onClose={onClose} title={`Signing secret of ${created.name}`} size="md" footer={<Button onClick={onClose}>Done</Button>}>
      <div className="flex flex-col gap-3 text-sm text-slate-700">
        <Banner tone="warning" title="Copy the secret now">
          It is shown only this once. Give it to the receiver, which checks every request with it; a lost secret is replaced with “Rotate secret”.
        </Banner>
        <SecretValue value={created.secret} what="signing secret" />
        <p>
          Each request carries <code className="font-mono text-xs">X-FactoryOps-Signature: t=&lt;unix time&gt;,v1=&lt;hex&gt;</code>, the HMAC-SHA256 of{' '}
          <code className="font-mono text-xs">&lt;t&gt;.&lt;body&gt;</code> with this secret. Refuse a request whose signature differs or whose time is more than 5
          minutes off.
        </p>
      </div>
    </Modal>
  );
}

/** Adds an endpoint, or changes one (`webhook`). */
export function WebhookDialog({ webhook, onClose }: { webhook?: Webhook; onClose: () => void }) {
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const [values, setValues] = useState<WebhookValues>(() => (webhook ? webhookValues(webhook) : EMPTY_WEBHOOK));
  const [errors, setErrors] = useState<WebhookErrors>({});
  // Held in this dialog only, never in a query cache.
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const mutation = webhook ? update : create;

  const set = (changes: Partial<WebhookValues>) => setValues((v) => ({ ...v, ...changes }));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: problems } = webhookPayload(values);
    setErrors(problems);
    if (!body) return;
    if (webhook) update.mutate({ id: webhook.id, body }, { onSuccess: onClose });
    else create.mutate(body, { onSuccess: (answer) => setCreated(answer) });
  };

  if (created) return <WebhookSecretDialog created={created} onClose={onClose} />;

  const pending = mutation.isPending;
  return (
    <FormDialog
      formId="webhook-form"
      title={webhook ? `Edit ${webhook.name}` : 'Add webhook endpoint'}
      description="Alert events are POSTed to this address, signed with the endpoint's own secret and retried with backoff when it does not answer."
      onClose={onClose}
      onSubmit={submit}
      pending={pending}
      submitLabel={webhook ? 'Save endpoint' : 'Add endpoint'}
    >
      <ErrorDetailsBanner error={mutation.error} className="sm:col-span-2" />
      <Input label="Name" required maxLength={100} value={values.name} placeholder="Maintenance system" error={errors.name} disabled={pending} onChange={(e) => set({ name: e.target.value })} />
      <Select label="Format" value={values.format} disabled={pending} onChange={(e) => set({ format: e.target.value as WebhookFormat })}>
        {WEBHOOK_FORMATS.map((f) => (
          <option key={f} value={f}>
            {FORMAT_LABELS[f]}
          </option>
        ))}
      </Select>
      <Input
        label="URL"
        required
        className="sm:col-span-2"
        inputMode="url"
        autoComplete="off"
        value={values.url}
        placeholder="https://cmms.example.com/hooks/factoryops"
        hint="Addresses on private or loopback networks are refused unless the platform allows them."
        error={errors.url}
        disabled={pending}
        onChange={(e) => set({ url: e.target.value })}
      />
      <fieldset disabled={pending} className="flex flex-col gap-2 sm:col-span-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <Checkbox
            key={event}
            label={EVENT_LABELS[event]}
            checked={values.events.includes(event)}
            onChange={(e) => set({ events: e.target.checked ? [...values.events, event] : values.events.filter((x) => x !== event) })}
          />
        ))}
        {errors.events && <p className="text-sm text-red-700">{errors.events}</p>}
      </fieldset>
      <Checkbox label="Enabled" checked={values.isActive} disabled={pending} onChange={(e) => set({ isActive: e.target.checked })} />
    </FormDialog>
  );
}
