import { describe, expect, it } from 'vitest';
import { instantToZonedWallTime, timeZoneOptions, zonedWallTimeToInstant } from '@/lib/time';

describe('wall times in the factory time zone', () => {
  it('reads a wall time in the factory zone, summer and winter', () => {
    expect(zonedWallTimeToInstant('2026-07-01T12:30', 'Europe/Berlin')?.toISOString()).toBe('2026-07-01T10:30:00.000Z');
    expect(zonedWallTimeToInstant('2026-01-15T08:00', 'Europe/Berlin')?.toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(zonedWallTimeToInstant('2026-01-15T08:00', 'America/New_York')?.toISOString()).toBe('2026-01-15T13:00:00.000Z');
    expect(zonedWallTimeToInstant('2026-01-15T08:00', 'UTC')?.toISOString()).toBe('2026-01-15T08:00:00.000Z');
  });

  it('moves a time skipped by the spring change past the gap', () => {
    // 02:30 does not exist in Berlin on 29 March 2026: clocks jump from 02:00 to 03:00.
    expect(zonedWallTimeToInstant('2026-03-29T02:30', 'Europe/Berlin')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedWallTimeToInstant('2026-03-29T03:30', 'Europe/Berlin')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('round-trips the value of a datetime-local input', () => {
    const instant = new Date('2026-10-25T09:45:00Z');
    const wall = instantToZonedWallTime(instant, 'Europe/Berlin');
    expect(wall).toBe('2026-10-25T10:45');
    expect(zonedWallTimeToInstant(wall, 'Europe/Berlin')?.getTime()).toBe(instant.getTime());
  });

  it('refuses text that is not a wall time', () => {
    expect(zonedWallTimeToInstant('', 'UTC')).toBeNull();
    expect(zonedWallTimeToInstant('yesterday', 'UTC')).toBeNull();
  });

  it('offers UTC and the zone in use even where the browser list lacks them', () => {
    const zones = timeZoneOptions('Etc/GMT+5');
    expect(zones).toContain('UTC');
    expect(zones).toContain('Etc/GMT+5');
    expect(zones).toContain('Europe/Berlin');
  });

  it('lists zones by their current IANA names', () => {
    const zones = timeZoneOptions();
    expect(zones).toContain('Asia/Kolkata');
    expect(zones).toContain('Europe/Kyiv');
    expect(zones).not.toContain('Asia/Calcutta');
  });
});
