import { describe, expect, it } from 'vitest';
import { bucketOf, currentRange, daysSoFar, rangeAround, rangeInstants, shiftDays, shiftRange } from '@/lib/energyRange';

describe('energy ranges', () => {
  it('are whole local periods: a Monday-first week, a calendar month, a year', () => {
    expect(rangeAround('week', '2026-03-05')).toEqual({ kind: 'week', from: '2026-03-02', to: '2026-03-08' });
    expect(rangeAround('month', '2024-02-10')).toEqual({ kind: 'month', from: '2024-02-01', to: '2024-02-29' });
    expect(rangeAround('year', '2026-07-01')).toEqual({ kind: 'year', from: '2026-01-01', to: '2026-12-31' });
    expect(rangeAround('custom', '2026-03-05', '2026-03-01')).toEqual({ kind: 'custom', from: '2026-03-05', to: '2026-03-05' });
  });

  it('step to the period before and after', () => {
    expect(shiftRange(rangeAround('month', '2026-03-31'), -1)).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    expect(shiftRange(rangeAround('month', '2026-12-15'), 1)).toMatchObject({ from: '2027-01-01', to: '2027-01-31' });
    expect(shiftRange(rangeAround('week', '2026-01-01'), -1)).toMatchObject({ from: '2025-12-22', to: '2025-12-28' });
    expect(shiftRange(rangeAround('custom', '2026-03-01', '2026-03-10'), -1)).toMatchObject({ from: '2026-02-19', to: '2026-02-28' });
  });

  it('read hours of a day, days of a month and months of a year', () => {
    expect(bucketOf(rangeAround('day', '2026-03-05'))).toBe('hour');
    expect(bucketOf(rangeAround('month', '2026-03-05'))).toBe('day');
    expect(bucketOf(rangeAround('year', '2026-03-05'))).toBe('month');
    expect(bucketOf(rangeAround('custom', '2026-01-01', '2026-06-30'))).toBe('month');
  });

  it('start and end at local midnight, across the spring clock change', () => {
    expect(rangeInstants(rangeAround('month', '2026-03-15'), 'Europe/Berlin')).toEqual({
      start: '2026-02-28T23:00:00.000Z',
      end: '2026-03-31T22:00:00.000Z',
    });
  });

  it('count days only up to today, and shifts over at most 62 of them', () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    expect(currentRange('month', 'UTC', now)).toMatchObject({ from: '2026-03-01', to: '2026-03-31' });
    expect(daysSoFar(rangeAround('month', '2026-03-01'), 'UTC', now)).toEqual({ start: '2026-03-01', end: '2026-03-10' });
    expect(daysSoFar(rangeAround('month', '2026-04-01'), 'UTC', now)).toBeNull();
    expect(shiftDays(rangeAround('year', '2026-01-01'), 'UTC', now)).toEqual({ start: '2026-01-08', end: '2026-03-10' });
  });
});
