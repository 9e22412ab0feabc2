import { describe, expect, it } from 'vitest';
import { deviceKeyError } from '@/lib/deviceKey';

describe('deviceKeyError', () => {
  it('accepts keys the broker can carry in one topic level', () => {
    for (const key of ['compressor-1', 'CNC_Line.2', 'Pumpe-Ü3', 'a:b', 'x'.repeat(128)]) {
      expect(deviceKeyError(key)).toBeNull();
    }
  });

  it('refuses what the API refuses, with a reason a person can act on', () => {
    expect(deviceKeyError('')).toMatch(/Enter a device key/);
    expect(deviceKeyError('press 7')).toMatch(/spaces/);
    expect(deviceKeyError('press\t7')).toMatch(/spaces/);
    expect(deviceKeyError('hall/press')).toMatch(/\//);
    expect(deviceKeyError('press+')).toMatch(/\+/);
    expect(deviceKeyError('press#1')).toMatch(/#/);
    expect(deviceKeyError('$SYS')).toMatch(/\$/);
    expect(deviceKeyError('x'.repeat(129))).toMatch(/128/);
    expect(deviceKeyError('zero\u200bwidth')).toMatch(/invisible/);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(deviceKeyError('🏭'.repeat(128))).toBeNull();
  });
});
