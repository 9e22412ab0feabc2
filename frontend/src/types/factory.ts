/** The factory's settings (GET/PATCH /factories/current). */
import type { Schema } from '@/types/api';

export type FlatTariff = Schema<'FlatTariff'>;
export type TouPeriod = Schema<'TouPeriod'>;
/** As read back: the API fills in an omitted period list. */
export type TouTariff = Required<Schema<'TouTariff'>>;
export type Tariff = FlatTariff | TouTariff;

export interface FactorySettings {
  allow_auto_register?: boolean;
  online_threshold_seconds?: number;
  [key: string]: unknown;
}

/**
 * The API declares `tariff` and `settings` as open objects (a factory without a tariff has
 * `{}`); the web app reads them as what PATCH accepts.
 */
export type Factory = Omit<Schema<'FactoryRead'>, 'tariff' | 'settings'> & {
  tariff: Tariff | Record<string, never>;
  settings: FactorySettings;
};

export type FactoryUpdate = Schema<'FactoryUpdate'>;
