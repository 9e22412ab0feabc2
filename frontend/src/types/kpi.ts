/** Live KPIs and history (GET /devices/{id}/kpis/live and /kpis/history). */
import { membersOf } from '@/types/api';
import type { QueryOf, Schema } from '@/types/api';

export type LiveKPI = Schema<'LiveKpi'>;
export type LiveKPIs = Schema<'LiveKpis'>;

export type KPIHistory = Schema<'KpiHistory'>;
export type Aggregation = KPIHistory['agg'];
export const AGGREGATIONS = membersOf<Aggregation>()(['mean', 'min', 'max', 'last']);
export type HistorySeries = Schema<'HistorySeries'>;
export type SeriesPoint = HistorySeries['points'][number];

/**
 * The API takes any duration text; the web app sends these. `auto` lets the server pick an
 * interval that keeps each series near a thousand points.
 */
export type HistoryInterval = 'auto' | `${number}${'s' | 'm' | 'h' | 'd'}`;
export type HistoryParams = QueryOf<'/api/v1/devices/{device_id}/kpis/history'> & {
  interval?: HistoryInterval;
};
