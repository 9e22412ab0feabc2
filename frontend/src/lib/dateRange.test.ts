import { describe, expect, it } from 'vitest';
import { customRangeProblem } from '@/lib/dateRange';

const minute = { precision: 'minute' as const, requireBoth: false, timeZone: 'Europe/Berlin' };

describe('customRangeProblem', () => {
  it('wants the end after the start, as instants on the factory clock', () => {
    expect(customRangeProblem({ from: '2026-03-01T06:00', to: '2026-03-01T06:01' }, minute)).toBeNull();
    expect(customRangeProblem({ from: '2026-03-01T06:00', to: '2026-03-01T06:00' }, minute)).toBe('The end must be after the start.');
  });

  it('takes a last day equal to the first (both days included)', () => {
    const day = { ...minute, precision: 'day' as const };
    expect(customRangeProblem({ from: '2026-03-01', to: '2026-03-01' }, day)).toBeNull();
    expect(customRangeProblem({ from: '2026-03-02', to: '2026-03-01' }, day)).toBe('The last day is before the first.');
  });

  it('allows an open end unless both are required', () => {
    expect(customRangeProblem({ from: '', to: '2026-03-01T06:00' }, minute)).toBeNull();
    expect(customRangeProblem({ from: '', to: '2026-03-01T06:00' }, { ...minute, requireBoth: true })).toBe('Enter both a start and an end.');
  });
});
