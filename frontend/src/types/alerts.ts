/** Alerts (GET /alerts, /alerts/counts). */
import { membersOf } from '@/types/api';
import type { QueryOf, Schema } from '@/types/api';

export type Alert = Schema<'AlertRead'>;
export type AlertStatus = Alert['status'];
export const ALERT_STATUSES = membersOf<AlertStatus>()(['open', 'acknowledged', 'resolved']);

export type AlertCounts = Schema<'AlertCounts'>;
export type AlertListParams = QueryOf<'/api/v1/alerts'>;
export type AlertTimeline = Schema<'AlertTimeline'>;
export type AlertEvent = Schema<'AlertEventRead'>;
/** One `data:` of GET /alerts/stream (the route answers text/event-stream, outside the schema). */
export interface AlertStreamEvent {
  id: number;
  kind: AlertEvent['kind'];
  alert: Alert;
}
export type AlertDelivery = Schema<'DeliveryRead'>;
export type MaintenanceWindow = Schema<'MaintenanceWindowRead'>;
export type MaintenanceWindowCreate = Schema<'MaintenanceWindowCreate'>;
