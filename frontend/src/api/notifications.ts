import { api } from '@/api/client';
import type { ItemResponse, ListResponse } from '@/types/api';
import type {
  Delivery,
  DeliveryQuery,
  Webhook,
  WebhookCreate,
  WebhookCreated,
  WebhookUpdate,
  WhatsAppSetup,
  WhatsAppTemplatesPut,
} from '@/types/notifications';

export async function listDeliveries(params: DeliveryQuery, signal?: AbortSignal): Promise<ListResponse<Delivery>> {
  const res = await api.get<ListResponse<Delivery>>('/notifications/deliveries', { params, signal });
  return res.data;
}

export async function listWebhooks(signal?: AbortSignal): Promise<Webhook[]> {
  const res = await api.get<ItemResponse<Webhook[]>>('/webhooks', { signal });
  return res.data.data;
}

export async function createWebhook(body: WebhookCreate): Promise<WebhookCreated> {
  const res = await api.post<ItemResponse<WebhookCreated>>('/webhooks', body);
  return res.data.data;
}

export async function updateWebhook(id: number, body: WebhookUpdate): Promise<Webhook> {
  const res = await api.patch<ItemResponse<Webhook>>(`/webhooks/${id}`, body);
  return res.data.data;
}

export async function rotateWebhookSecret(id: number): Promise<WebhookCreated> {
  const res = await api.post<ItemResponse<WebhookCreated>>(`/webhooks/${id}/rotate-secret`);
  return res.data.data;
}

export async function testWebhook(id: number): Promise<Delivery> {
  const res = await api.post<ItemResponse<Delivery>>(`/webhooks/${id}/test`);
  return res.data.data;
}

export async function deleteWebhook(id: number): Promise<void> {
  await api.delete(`/webhooks/${id}`);
}

export async function getWhatsAppSetup(signal?: AbortSignal): Promise<WhatsAppSetup> {
  const res = await api.get<ItemResponse<WhatsAppSetup>>('/whatsapp/setup', { signal });
  return res.data.data;
}

export async function saveWhatsAppTemplates(body: WhatsAppTemplatesPut): Promise<WhatsAppSetup> {
  const res = await api.put<ItemResponse<WhatsAppSetup>>('/whatsapp/templates', body);
  return res.data.data;
}
