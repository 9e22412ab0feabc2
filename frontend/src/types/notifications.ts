/** Alert channels: the delivery log, webhook endpoints and WhatsApp templates. */
import { membersOf, type QueryOf, type Schema } from '@/types/api';

export type Delivery = Schema<'DeliveryRead'>;
export type DeliveryQuery = NonNullable<QueryOf<'/api/v1/notifications/deliveries'>>;
export type Webhook = Schema<'WebhookRead'>;
/** The answer to creating an endpoint or rotating its secret: the only time it is shown. */
export type WebhookCreated = Schema<'WebhookCreated'>;
export type WebhookCreate = Schema<'WebhookCreate'>;
export type WebhookUpdate = Schema<'WebhookUpdate'>;
export type WebhookEvent = WebhookCreate['events'][number];
export type WebhookFormat = NonNullable<WebhookCreate['format']>;
export type WhatsAppSetup = Schema<'WhatsAppSetup'>;
export type WhatsAppTemplate = Schema<'WhatsAppTemplateRead'>;
export type WhatsAppTemplateIn = Schema<'WhatsAppTemplateIn'>;
export type WhatsAppTemplatesPut = Schema<'WhatsAppTemplatesPut'>;
export type TemplatePurpose = WhatsAppTemplateIn['purpose'];
export type TemplateField = NonNullable<WhatsAppTemplateIn['parameters']>[number];

export const WEBHOOK_EVENTS = membersOf<WebhookEvent>()(['raised', 'acknowledged', 'resolved', 'escalated']);
export const WEBHOOK_FORMATS = membersOf<WebhookFormat>()(['json', 'slack', 'teams']);
export const TEMPLATE_PURPOSES = membersOf<TemplatePurpose>()(['alert', 'resolved', 'digest']);
