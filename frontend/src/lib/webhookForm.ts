import type { Webhook, WebhookCreate, WebhookEvent, WebhookFormat } from '@/types/notifications';

export interface WebhookValues {
  name: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  isActive: boolean;
}

export type WebhookErrors = Partial<Record<'name' | 'url' | 'events', string>>;

export const EMPTY_WEBHOOK: WebhookValues = { name: '', url: '', events: ['raised', 'resolved'], format: 'json', isActive: true };

export const EVENT_LABELS: Record<WebhookEvent, string> = {
  raised: 'Alert raised',
  acknowledged: 'Alert acknowledged',
  resolved: 'Alert resolved',
  escalated: 'Alert escalated',
};

export const FORMAT_LABELS: Record<WebhookFormat, string> = {
  json: 'Signed JSON (for programs)',
  slack: 'Slack incoming webhook',
  teams: 'Microsoft Teams workflow',
};

export function webhookValues(webhook: Webhook): WebhookValues {
  return {
    name: webhook.name,
    url: webhook.url,
    events: webhook.events as WebhookEvent[],
    format: webhook.format as WebhookFormat,
    isActive: webhook.is_active,
  };
}

/** The request for an endpoint, or what to fix first. The server checks where the URL leads. */
export function webhookPayload(values: WebhookValues): { body: WebhookCreate | null; errors: WebhookErrors } {
  const errors: WebhookErrors = {};
  const name = values.name.trim();
  const url = values.url.trim();
  if (!name) errors.name = 'Give the endpoint a name; the delivery log shows it.';
  if (!/^https?:\/\/[^/\s]+/i.test(url)) errors.url = 'Enter an http:// or https:// address.';
  if (values.events.length === 0) errors.events = 'Choose at least one event.';
  if (Object.keys(errors).length > 0) return { body: null, errors };
  return { body: { name, url, events: values.events, format: values.format, is_active: values.isActive }, errors };
}
