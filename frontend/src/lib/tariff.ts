import type { Tariff, TouPeriod } from '@/types/factory';

/** Monday = 0, as the API counts. */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export interface PeriodDraft {
  /** Stable React key for a row that has no id of its own. */
  key: string;
  name: string;
  days: number[];
  start: string;
  /** As the time input shows it: midnight at the end of the day is 00:00. */
  end: string;
  price: string;
}

export interface TariffDraft {
  kind: 'flat' | 'tou';
  flatPrice: string;
  defaultPrice: string;
  periods: PeriodDraft[];
}

let nextKey = 0;
export function newPeriodKey(): string {
  nextKey += 1;
  return `period-${nextKey}`;
}

export function emptyPeriod(): PeriodDraft {
  return { key: newPeriodKey(), name: '', days: [0, 1, 2, 3, 4], start: '08:00', end: '20:00', price: '' };
}

const priceText = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '');

export function draftFromTariff(tariff: Tariff | Record<string, never> | null | undefined): TariffDraft {
  if (tariff && 'kind' in tariff && tariff.kind === 'tou') {
    return {
      kind: 'tou',
      flatPrice: priceText(tariff.default_price_per_kwh),
      defaultPrice: priceText(tariff.default_price_per_kwh),
      periods: tariff.periods.map((p) => ({
        key: newPeriodKey(),
        name: p.name,
        days: [...p.days].sort((a, b) => a - b),
        start: p.start,
        end: p.end === '24:00' ? '00:00' : p.end,
        price: priceText(p.price_per_kwh),
      })),
    };
  }
  const flat = tariff && 'kind' in tariff && tariff.kind === 'flat' ? priceText(tariff.price_per_kwh) : '';
  return { kind: 'flat', flatPrice: flat, defaultPrice: flat, periods: [] };
}

export interface TariffErrors {
  flatPrice?: string;
  defaultPrice?: string;
  /** By period key. */
  periods: Record<string, string[]>;
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

function parsePrice(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) && value >= 0 ? value : null;
}

const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * The tariff to send, or what is wrong with the draft. Checks only what a person can fix in
 * the row in front of them; overlaps between periods are left to the API, whose message
 * names both periods.
 */
export function tariffFromDraft(draft: TariffDraft): { tariff: Tariff; errors: null } | { tariff: null; errors: TariffErrors } {
  const errors: TariffErrors = { periods: {} };
  let failed = false;

  if (draft.kind === 'flat') {
    const price = parsePrice(draft.flatPrice);
    if (price === null) {
      return { tariff: null, errors: { ...errors, flatPrice: 'Enter a price of 0 or more.' } };
    }
    return { tariff: { kind: 'flat', price_per_kwh: price }, errors: null };
  }

  const defaultPrice = parsePrice(draft.defaultPrice);
  if (defaultPrice === null) {
    errors.defaultPrice = 'Enter a price of 0 or more.';
    failed = true;
  }
  const periods: TouPeriod[] = [];
  for (const p of draft.periods) {
    const problems: string[] = [];
    const price = parsePrice(p.price);
    if (p.name.trim() === '') problems.push('Give the period a name.');
    if (p.days.length === 0) problems.push('Pick at least one day.');
    if (!CLOCK.test(p.start) || !CLOCK.test(p.end)) problems.push('Enter start and end as HH:MM.');
    const end = p.end === '00:00' ? '24:00' : p.end;
    if (CLOCK.test(p.start) && CLOCK.test(p.end) && minutes(p.start) >= (end === '24:00' ? 1440 : minutes(end))) {
      problems.push('The start must be before the end; split a period that crosses midnight into two.');
    }
    if (price === null) problems.push('Enter a price of 0 or more.');
    if (problems.length > 0) {
      errors.periods[p.key] = problems;
      failed = true;
      continue;
    }
    periods.push({
      name: p.name.trim(),
      days: [...p.days].sort((a, b) => a - b),
      start: p.start,
      end,
      price_per_kwh: price!,
    });
  }
  if (failed || defaultPrice === null) return { tariff: null, errors };
  return { tariff: { kind: 'tou', default_price_per_kwh: defaultPrice, periods }, errors: null };
}
