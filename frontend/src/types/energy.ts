/** Energy figures (GET /devices/{id}/energy, /energy) and the dashboard summary. */
import type { QueryOf, Schema } from '@/types/api';

export type DeviceEnergy = Schema<'DeviceEnergy'>;
export type EnergyBucketSize = DeviceEnergy['bucket'];
export type EnergySource = DeviceEnergy['source'];
export type EnergyFigures = Schema<'EnergyFigures'>;
export type EnergyBucket = Schema<'EnergyBucket'>;
export type EnergyParams = QueryOf<'/api/v1/devices/{device_id}/energy'>;

export type EnergyAmount = Schema<'EnergyAmount'>;
export type TopConsumer = Schema<'TopConsumer'>;
export type AlertBrief = Schema<'AlertBrief'>;
export type AlertSeverity = AlertBrief['severity'];
export type DashboardSummary = Schema<'DashboardSummary'>;
