/** Alerts (GET /alerts, /alerts/counts). */
import { membersOf } from '@/types/api';
import type { QueryOf, Schema } from '@/types/api';

export type Alert = Schema<'AlertRead'>;
export type AlertStatus = Alert['status'];
export const ALERT_STATUSES = membersOf<AlertStatus>()(['open', 'acknowledged', 'resolved']);

export type AlertCounts = Schema<'AlertCounts'>;
export type AlertListParams = QueryOf<'/api/v1/alerts'>;
