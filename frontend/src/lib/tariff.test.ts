import { describe, expect, it } from 'vitest';
import { draftFromTariff, tariffFromDraft } from '@/lib/tariff';

describe('tariff drafts', () => {
  it('shows a period that runs to midnight as ending at 00:00 and sends it back as 24:00', () => {
    const draft = draftFromTariff({
      kind: 'tou',
      default_price_per_kwh: 0.18,
      periods: [{ name: 'evening', days: [5, 6], start: '18:00', end: '24:00', price_per_kwh: 0.25 }],
    });
    expect(draft.periods[0]).toMatchObject({ name: 'evening', start: '18:00', end: '00:00', price: '0.25' });
    expect(tariffFromDraft(draft).tariff).toEqual({
      kind: 'tou',
      default_price_per_kwh: 0.18,
      periods: [{ name: 'evening', days: [5, 6], start: '18:00', end: '24:00', price_per_kwh: 0.25 }],
    });
  });

  it('reads decimal commas and refuses negative or missing prices', () => {
    expect(tariffFromDraft({ kind: 'flat', flatPrice: '0,21', defaultPrice: '', periods: [] }).tariff).toEqual({
      kind: 'flat',
      price_per_kwh: 0.21,
    });
    expect(tariffFromDraft({ kind: 'flat', flatPrice: '-1', defaultPrice: '', periods: [] }).errors?.flatPrice).toMatch(/0 or more/);
  });

  it('names every problem of a period in its own row', () => {
    const result = tariffFromDraft({
      kind: 'tou',
      flatPrice: '',
      defaultPrice: '0.2',
      periods: [{ key: 'p1', name: ' ', days: [], start: '20:00', end: '08:00', price: 'x' }],
    });
    expect(result.tariff).toBeNull();
    expect(result.errors?.periods.p1).toEqual([
      'Give the period a name.',
      'Pick at least one day.',
      'The start must be before the end; split a period that crosses midnight into two.',
      'Enter a price of 0 or more.',
    ]);
  });
});
