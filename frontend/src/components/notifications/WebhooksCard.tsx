import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { DeliveryLog } from '@/components/notifications/DeliveryLog';
import { WebhookDialog, WebhookSecretDialog } from '@/components/notifications/WebhookDialog';
import { Banner, Button, Card, CardBody, CardHeader, DeleteDialog, EmptyState, QueryState, Switch } from '@/components/ui';
import { useDeleteWebhook, useRotateWebhookSecret, useTestWebhook, useUpdateWebhook, useWebhooks } from '@/hooks/useNotifications';
import { EVENT_LABELS, FORMAT_LABELS } from '@/lib/webhookForm';
import type { Webhook, WebhookCreated, WebhookEvent, WebhookFormat } from '@/types/notifications';

function EndpointRow({ webhook, onEdit, onDelete, onSecret }: { webhook: Webhook; onEdit: () => void; onDelete: () => void; onSecret: (c: WebhookCreated) => void }) {
  const update = useUpdateWebhook();
  const test = useTestWebhook();
  const rotate = useRotateWebhookSecret();
  const [showLog, setShowLog] = useState(false);
  const error = update.error ?? test.error ?? rotate.error;
  return (
    <li className="flex flex-col gap-2 py-3">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-medium text-slate-900">{webhook.name}</p>
          <p className="truncate font-mono text-xs text-slate-500" title={webhook.url}>
            {webhook.url}
          </p>
          <p className="mt-1 text-xs text-slate-600">
            {FORMAT_LABELS[webhook.format as WebhookFormat] ?? webhook.format} · {webhook.events.map((e) => EVENT_LABELS[e as WebhookEvent] ?? e).join(', ')} · secret{' '}
            <span className="font-mono">{webhook.secret_hint}</span>
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Switch
            checked={webhook.is_active}
            label={`Enabled: ${webhook.name}`}
            busy={update.isPending}
            onChange={(on) => update.mutate({ id: webhook.id, body: { is_active: on } })}
          />
          <Button size="sm" variant="secondary" loading={test.isPending} onClick={() => test.mutate(webhook.id, { onSuccess: () => setShowLog(true) })}>
            Send test
          </Button>
          <Button size="sm" variant="secondary" onClick={() => setShowLog((s) => !s)} aria-expanded={showLog}>
            {showLog ? 'Hide log' : 'Delivery log'}
          </Button>
          <Button size="sm" variant="secondary" onClick={onEdit} aria-label={`Edit ${webhook.name}`}>
            Edit
          </Button>
          <Button size="sm" variant="secondary" loading={rotate.isPending} onClick={() => rotate.mutate(webhook.id, { onSuccess: onSecret })}>
            Rotate secret
          </Button>
          <Button size="sm" variant="secondary" onClick={onDelete} aria-label={`Delete ${webhook.name}`}>
            Delete
          </Button>
        </div>
      </div>
      {error && <Banner tone="danger" title={getErrorMessage(error)} />}
      {showLog && <DeliveryLog filter={{ webhook_id: webhook.id }} caption={`Deliveries to ${webhook.name}`} />}
    </li>
  );
}

/** The factory's webhook endpoints: events, format, signing secret, and each one's delivery log. */
export function WebhooksCard() {
  const webhooks = useWebhooks();
  const remove = useDeleteWebhook();
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [secret, setSecret] = useState<WebhookCreated | null>(null);
  return (
    <Card>
      <CardHeader
        title="Webhooks"
        description="Send alert events to other systems (maintenance, ticketing, chat). Each request is signed with the endpoint's secret; see the README for checking it."
        actions={<Button onClick={() => setEditing('new')}>Add endpoint</Button>}
      />
      <CardBody>
        <QueryState
          query={webhooks}
          loadingLabel="Loading webhooks"
          errorTitle="Could not load the webhooks"
          isEmpty={(d) => d.length === 0}
          loadingClassName="py-6"
          empty={<EmptyState title="No webhook endpoints" description="Add one to post alerts to a program, a Slack channel or a Teams channel." />}
        >
          {(data) => (
            <ul className="divide-y divide-slate-100">
              {data.map((w) => (
                <EndpointRow key={w.id} webhook={w} onEdit={() => setEditing(w)} onDelete={() => setDeleting(w)} onSecret={setSecret} />
              ))}
            </ul>
          )}
        </QueryState>
      </CardBody>
      {editing && <WebhookDialog webhook={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      {secret && <WebhookSecretDialog created={secret} onClose={() => setSecret(null)} />}
      <DeleteDialog item={deleting} title={(w) => `Delete ${w.name}?`} confirmLabel="Delete" remove={remove} onClose={() => setDeleting(null)}>
        {() => <p>No more events go to this endpoint. Its past deliveries stay in the log.</p>}
      </DeleteDialog>
    </Card>
  );
}
