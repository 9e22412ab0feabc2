import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatAxisTime,
  formatCurrency,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatValue,
  NO_VALUE,
} from '@/lib/format';

describe('formatNumber and formatValue', () => {
  it('gives readings as many decimals as they deserve', () => {
    expect(formatNumber(12345.678)).toBe('12,346');
    expect(formatNumber(230.44)).toBe('230.4');
    expect(formatNumber(49.987)).toBe('49.99');
    expect(formatNumber(0.93217)).toBe('0.932');
    expect(formatNumber(0)).toBe('0');
  });

  it('puts the unit after the value, and a percent sign straight after it', () => {
    expect(formatValue(12.5, 'kW')).toBe('12.5 kW');
    expect(formatValue(3.25, '%')).toBe('3.25%');
    expect(formatValue(0.93, null)).toBe('0.93');
  });

  it('shows a dash for a value that is not there, never "NaN" or "0"', () => {
    expect(formatValue(null, 'kW')).toBe(NO_VALUE);
    expect(formatValue(Number.NaN, 'kW')).toBe(NO_VALUE);
    expect(formatCurrency(null, 'EUR')).toBe(NO_VALUE);
  });

  it('formats money in the factory currency and survives an unknown code', () => {
    expect(formatCurrency(1234.5, 'EUR')).toBe('€1,234.50');
    expect(formatCurrency(10, 'USD')).toBe('$10.00');
    expect(formatCurrency(3, 'ZZ')).toBe('3 ZZ');
  });
});

describe('times', () => {
  const instant = Date.parse('2026-07-01T10:30:05Z');

  it('shows instants on the factory clock, not the browser clock', () => {
    expect(formatDateTime(instant, 'Europe/Berlin')).toContain('12:30');
    expect(formatDateTime(instant, 'America/Chicago')).toContain('05:30');
    expect(formatDateTime(instant, 'Asia/Kolkata', true)).toContain('16:00:05');
  });

  it('labels a time axis by how much time it spans', () => {
    expect(formatAxisTime(instant, 'Europe/Berlin', 90)).toBe('12:30:05');
    expect(formatAxisTime(instant, 'Europe/Berlin', 900)).toBe('12:30');
    expect(formatAxisTime(instant, 'Europe/Berlin', 24 * 3600)).toBe('12:30');
    expect(formatAxisTime(instant, 'Europe/Berlin', 2 * 24 * 3600)).toMatch(/^Wed,? 12:30$/);
    expect(formatAxisTime(instant, 'Europe/Berlin', 7 * 24 * 3600)).toBe('Jul 1');
    expect(formatAxisTime(instant, 'Europe/Berlin', 30 * 24 * 3600)).toBe('Jul 1');
  });

  it('says how long ago something happened in words a shift worker reads at a glance', () => {
    const now = Date.parse('2026-07-01T12:00:00Z');
    expect(formatAgo('2026-07-01T11:59:58Z', now)).toBe('just now');
    expect(formatAgo('2026-07-01T11:59:18Z', now)).toBe('42 s ago');
    expect(formatAgo('2026-07-01T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2026-07-01T08:40:00Z', now)).toBe('3 h 20 min ago');
    expect(formatAgo('2026-06-27T12:00:00Z', now)).toBe('4 d ago');
    expect(formatAgo(null, now)).toBe('never');
    expect(formatDuration(7200)).toBe('2 h');
  });
});
