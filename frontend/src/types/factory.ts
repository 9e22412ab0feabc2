/** The factory's settings (GET/PATCH /factories/current, backend/app/schemas/factory.py). */

export interface FlatTariff {
  kind: 'flat';
  price_per_kwh: number;
}

export interface TouPeriod {
  name: string;
  /** Monday = 0. */
  days: number[];
  /** HH:MM */
  start: string;
  /** HH:MM, or 24:00 for the end of the day. */
  end: string;
  price_per_kwh: number;
}

export interface TouTariff {
  kind: 'tou';
  default_price_per_kwh: number;
  periods: TouPeriod[];
}

export type Tariff = FlatTariff | TouTariff;

export interface FactorySettings {
  allow_auto_register?: boolean;
  online_threshold_seconds?: number;
  [key: string]: unknown;
}

export interface Factory {
  id: number;
  name: string;
  slug: string;
  timezone: string;
  currency: string;
  tariff: Tariff | Record<string, never>;
  /** A decimal: the API sends it as a string to keep its precision. */
  co2_kg_per_kwh: string | number;
  settings: FactorySettings;
}

export interface FactoryUpdate {
  name?: string;
  timezone?: string;
  currency?: string;
  co2_kg_per_kwh?: number;
  tariff?: Tariff;
  online_threshold_seconds?: number | null;
  allow_auto_register?: boolean;
}
