import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { WebhooksCard } from '@/components/notifications/WebhooksCard';
import { WhatsAppTemplatesCard } from '@/components/notifications/WhatsAppTemplatesCard';
import { useAuthStore } from '@/stores/authStore';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { apiError, deferredReply, mockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';
import type { Delivery, Webhook, WhatsAppSetup } from '@/types/notifications';

const SETUP: WhatsAppSetup = {
  provider: 'meta',
  fields: ['severity', 'title', 'device', 'link'],
  meta_callback_url: 'https://ops.example.com/api/v1/callbacks/whatsapp/meta',
  twilio_callback_url: 'https://ops.example.com/api/v1/callbacks/whatsapp/twilio',
  callbacks_verified: true,
  templates: ['alert', 'resolved', 'digest'].map((purpose) => ({
    purpose,
    meta_name: null,
    meta_language: null,
    twilio_content_sid: null,
    parameters: [],
    configured: false,
    updated_at: null,
  })),
};

const FAILED: Delivery = {
  id: 7,
  alert_id: 31,
  channel: 'whatsapp',
  recipient: '+4915100000001',
  event: 'raised',
  step: 0,
  kind: 'alert',
  status: 'failed',
  attempts: 1,
  last_error: 'Re-engagement message',
  error_code: '131047',
  webhook_id: null,
  sent_at: '2026-12-04T08:00:00Z',
  delivered_at: null,
  read_at: null,
  created_at: '2026-12-04T08:00:00Z',
  updated_at: '2026-12-04T08:00:05Z',
};

const HOOK: Webhook = {
  id: 3,
  name: 'CMMS',
  url: 'https://cmms.example.com/hooks',
  events: ['raised', 'resolved'],
  format: 'json',
  is_active: true,
  secret_hint: '…abcd',
  created_at: '2026-12-04T08:00:00Z',
  updated_at: '2026-12-04T08:00:00Z',
};

describe('alert channel cards', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeSuperAdmin())));

  it('saves the templates in order and shows what providers reported', async () => {
    const mock = mockApi();
    mock.on('get', '/whatsapp/setup', { status: 200, data: { data: SETUP } });
    mock.on('get', '/notifications/deliveries', { status: 200, data: { data: [FAILED], total: 1, page: 1, per_page: 10 } });
    mock.on('put', '/whatsapp/templates', { status: 200, data: { data: SETUP } });
    const user = userEvent.setup({ delay: null });
    renderAt('/settings', <WhatsAppTemplatesCard />);

    const log = await screen.findByRole('table', { name: 'WhatsApp deliveries' });
    expect(within(log).getByText('Failed')).toBeInTheDocument();
    expect(within(log).getByText(/131047/)).toBeInTheDocument();
    expect(mock.callsTo('get', '/notifications/deliveries')[0]?.params).toMatchObject({ channel: 'whatsapp' });

    const [name] = screen.getAllByLabelText('Meta template name');
    const [language] = screen.getAllByLabelText('Language');
    const [variables] = screen.getAllByLabelText(/Variables/);
    await user.type(name!, 'factory_alert');
    await user.type(language!, 'en_US');
    await user.type(variables!, 'severity, title, link');
    await user.click(screen.getByRole('button', { name: 'Save templates' }));
    expect(await screen.findByText('Templates saved.')).toBeInTheDocument();
    expect(mock.callsTo('put', '/whatsapp/templates')[0]?.body).toEqual({
      templates: [{ purpose: 'alert', meta_name: 'factory_alert', meta_language: 'en_US', twilio_content_sid: null, parameters: ['severity', 'title', 'link'] }],
    });
  });

  it('shows the templates loading, then why they failed, with a retry', async () => {
    const mock = mockApi();
    const first = deferredReply();
    mock.once('get', '/whatsapp/setup', first.responder);
    mock.on('get', '/whatsapp/setup', { status: 200, data: { data: SETUP } });
    mock.on('get', '/notifications/deliveries', { status: 200, data: { data: [], total: 0, page: 1, per_page: 10 } });
    const user = userEvent.setup({ delay: null });
    renderAt('/settings', <WhatsAppTemplatesCard />);

    expect(screen.getByText('Loading WhatsApp templates')).toBeInTheDocument();
    first.release(apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));
    const failure = await screen.findByRole('alert');
    expect(failure).toHaveTextContent('Could not load the WhatsApp templates');
    expect(failure).toHaveTextContent('The metadata database is unavailable. Try again shortly.');
    expect(screen.queryByRole('form', { name: 'WhatsApp templates' })).not.toBeInTheDocument();

    await user.click(within(failure).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('form', { name: 'WhatsApp templates' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('adds an endpoint and shows its secret once', async () => {
    const mock = mockApi();
    mock.on('get', '/webhooks', { status: 200, data: { data: [HOOK] } });
    mock.on('post', '/webhooks', { status: 201, data: { data: { ...HOOK, id: 4, name: 'Slack', format: 'slack', secret: 'whsec_example_secret' } } });
    const user = userEvent.setup({ delay: null });
    renderAt('/settings', <WebhooksCard />);

    expect(await screen.findByText('CMMS')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add endpoint' }));
    await user.type(screen.getByLabelText(/^Name/), 'Slack');
    await user.type(screen.getByLabelText(/^URL/), 'https://hooks.slack.com/services/T0/B0/x');
    await user.selectOptions(screen.getByLabelText('Format'), 'slack');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Add endpoint' }));
    expect(await screen.findByLabelText('Signing secret')).toHaveValue('whsec_example_secret');
    expect(mock.callsTo('post', '/webhooks')[0]?.body).toEqual({
      name: 'Slack',
      url: 'https://hooks.slack.com/services/T0/B0/x',
      events: ['raised', 'resolved'],
      format: 'slack',
      is_active: true,
    });
  });

  it('deletes an endpoint after a confirmation', async () => {
    const mock = mockApi();
    mock.on('get', '/webhooks', { status: 200, data: { data: [HOOK] } });
    mock.on('delete', '/webhooks/3', { status: 204 });
    const user = userEvent.setup({ delay: null });
    renderAt('/settings', <WebhooksCard />);

    await user.click(await screen.findByRole('button', { name: 'Delete CMMS' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete CMMS?' });
    expect(dialog).toHaveTextContent('No more events go to this endpoint.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(mock.callsTo('delete', '/webhooks/3')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete CMMS' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete CMMS?' })).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete CMMS?' })).not.toBeInTheDocument());
    expect(mock.callsTo('delete', '/webhooks/3')).toHaveLength(1);
  });

  it('refuses an endpoint without events before asking the API', async () => {
    const mock = mockApi();
    mock.on('get', '/webhooks', { status: 200, data: { data: [] } });
    const user = userEvent.setup({ delay: null });
    renderAt('/settings', <WebhooksCard />);
    await user.click(await screen.findByRole('button', { name: 'Add endpoint' }));
    await user.type(screen.getByLabelText(/^Name/), 'No events');
    await user.type(screen.getByLabelText(/^URL/), 'https://example.com/hook');
    await user.click(screen.getByLabelText('Alert raised'));
    await user.click(screen.getByLabelText('Alert resolved'));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Add endpoint' }));
    expect(await screen.findByText('Choose at least one event.')).toBeInTheDocument();
    expect(mock.callsTo('post', '/webhooks')).toHaveLength(0);
  });
});
