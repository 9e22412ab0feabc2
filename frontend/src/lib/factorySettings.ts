import { getApiError } from '@/api/errors';
import { draftFromTariff, tariffFromDraft, type TariffDraft, type TariffErrors } from '@/lib/tariff';
import type { Factory, FactoryUpdate } from '@/types/factory';

export interface FormValues {
  name: string;
  timezone: string;
  currency: string;
  co2: string;
  threshold: string;
  allowAutoRegister: boolean;
  tariff: TariffDraft;
}

export type FieldErrors = Partial<Record<'name' | 'timezone' | 'currency' | 'co2' | 'threshold', string>>;

export function valuesOf(factory: Factory): FormValues {
  const threshold = factory.settings.online_threshold_seconds;
  return {
    name: factory.name,
    timezone: factory.timezone,
    currency: factory.currency,
    co2: String(Number(factory.co2_kg_per_kwh)),
    threshold: typeof threshold === 'number' ? String(threshold) : '',
    allowAutoRegister: factory.settings.allow_auto_register !== false,
    tariff: draftFromTariff(factory.tariff),
  };
}

/**
 * The PATCH body: only what changed, so an unchanged tariff is not rewritten and the audit
 * trail names what someone actually edited.
 */
export function buildFactoryUpdate(
  factory: Factory,
  values: FormValues,
): { body: FactoryUpdate; errors: FieldErrors; tariffErrors: TariffErrors | null } {
  const errors: FieldErrors = {};
  const body: FactoryUpdate = {};

  const name = values.name.trim();
  if (!name) errors.name = 'Enter a name.';
  else if (name !== factory.name) body.name = name;

  if (values.timezone !== factory.timezone) body.timezone = values.timezone;

  const currency = values.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = 'Use a three-letter ISO code, e.g. EUR.';
  else if (currency !== factory.currency) body.currency = currency;

  const co2 = Number(values.co2.replace(',', '.'));
  if (values.co2.trim() === '' || !Number.isFinite(co2) || co2 < 0) errors.co2 = 'Enter a factor of 0 or more.';
  else if (co2 !== Number(factory.co2_kg_per_kwh)) body.co2_kg_per_kwh = co2;

  const currentThreshold = factory.settings.online_threshold_seconds ?? null;
  if (values.threshold.trim() === '') {
    if (currentThreshold !== null) body.online_threshold_seconds = null;
  } else {
    const seconds = Number(values.threshold);
    if (!Number.isInteger(seconds) || seconds < 10 || seconds > 86400) {
      errors.threshold = 'Enter whole seconds from 10 to 86400, or leave empty for the default.';
    } else if (seconds !== currentThreshold) {
      body.online_threshold_seconds = seconds;
    }
  }

  if (values.allowAutoRegister !== (factory.settings.allow_auto_register !== false)) {
    body.allow_auto_register = values.allowAutoRegister;
  }

  const tariff = tariffFromDraft(values.tariff);
  if (tariff.tariff && JSON.stringify(tariff.tariff) !== JSON.stringify(factory.tariff)) {
    body.tariff = tariff.tariff;
  }
  return { body, errors, tariffErrors: tariff.errors };
}

const FIELD_OF_PATH: Record<string, keyof FieldErrors> = {
  name: 'name',
  timezone: 'timezone',
  currency: 'currency',
  co2_kg_per_kwh: 'co2',
  online_threshold_seconds: 'threshold',
};

/** The API's 422 details by form field; the rest (tariff, model-level) stay in the banner. */
export function serverFieldErrors(err: unknown): FieldErrors {
  const details = getApiError(err)?.details;
  const out: FieldErrors = {};
  if (!Array.isArray(details)) return out;
  for (const d of details as { field?: string; message?: string }[]) {
    const path = (d.field ?? '').replace(/^body\.?/, '');
    const field = FIELD_OF_PATH[path];
    if (field && d.message) out[field] = d.message;
  }
  return out;
}
