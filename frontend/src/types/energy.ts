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

/** The Energy page (GET /energy/analysis) and the energy of a node or virtual meter. */
export type EnergyAnalysis = Schema<'EnergyAnalysis'>;
export type EnergyAnalysisParams = QueryOf<'/api/v1/energy/analysis'>;
export type EnergyComparison = Schema<'Comparison'>;
export type ShareRow = Schema<'ShareRow'>;
export type MeterRow = Schema<'MeterRow'>;
export type TariffPeriodRow = Schema<'TariffPeriodRow'>;
export type PeakEventRow = Schema<'PeakEventRow'>;
export type MeterEnergy = Schema<'MeterEnergy'>;
