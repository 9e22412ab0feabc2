/** Devices and their parameters (/devices, /devices/{id}/parameters). */
import { membersOf } from '@/types/api';
import type { QueryOf, Schema } from '@/types/api';

export type Device = Schema<'DeviceRead'>;
export type DeviceStatus = Device['status'];
export const DEVICE_STATUSES = membersOf<DeviceStatus>()(['discovered', 'active', 'disabled']);

export type DeviceParameter = Schema<'ParameterRead'>;
export type ParameterRole = NonNullable<DeviceParameter['role']>;
// In the order of backend/app/models/device_parameter.py (PARAMETER_ROLES).
export const PARAMETER_ROLES = membersOf<ParameterRole>()([
  'active_power',
  'reactive_power',
  'apparent_power',
  'energy_counter',
  'power_factor',
  'voltage',
  'current',
  'frequency',
  'thd',
  'temperature',
  'production_count',
  'other',
]);

export type DeviceListParams = QueryOf<'/api/v1/devices'>;
export type DeviceSort = NonNullable<DeviceListParams['sort']>;
export const DEVICE_SORTS = membersOf<DeviceSort>()([
  'name',
  '-name',
  'device_key',
  '-device_key',
  'last_seen_at',
  '-last_seen_at',
  'created_at',
  '-created_at',
]);

export type DeviceCredentials = Schema<'DeviceCredentials'>;
export type DeviceWithCredentials = Schema<'DeviceWithCredentials'>;
export type DeviceCreate = Schema<'DeviceCreate'>;
export type DeviceUpdate = Schema<'DeviceUpdate'>;
export type LatestValue = Schema<'LatestRead'>;
export type ParameterChanges = Schema<'ParameterUpdate'>;
export type ParameterBulkItem = Schema<'ParameterBulkItem'>;
