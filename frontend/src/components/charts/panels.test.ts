import { describe, expect, it } from 'vitest';
import { buildPanels, timeTicks } from '@/components/charts/panels';

const iso = (s: string) => Date.parse(s);

describe('buildPanels', () => {
  it('gives each unit its own panel and merges series of one unit by timestamp', () => {
    const panels = buildPanels([
      { parameter_key: 'p.l1', display_name: 'Power L1', unit: 'kW', points: [['2026-03-04T10:00:00Z', 1], ['2026-03-04T10:01:00Z', 2]] },
      { parameter_key: 'v', display_name: null, unit: 'V', points: [['2026-03-04T10:00:00Z', 230]] },
      { parameter_key: 'p.l2', display_name: 'Power L2', unit: 'kW', points: [['2026-03-04T10:01:00Z', 3]] },
    ]);
    expect(panels.map((p) => p.unit)).toEqual(['kW', 'V']);
    expect(panels[0]?.series.map((s) => s.label)).toEqual(['Power L1', 'Power L2']);
    // Keys without dots: recharts would read "p.l1" as a nested path.
    expect(panels[0]?.rows).toEqual([
      { t: iso('2026-03-04T10:00:00Z'), s0: 1 },
      { t: iso('2026-03-04T10:01:00Z'), s0: 2, s1: 3 },
    ]);
    expect(panels[1]?.series[0]?.label).toBe('v');
  });
});

describe('timeTicks', () => {
  it('puts a week’s ticks on local midnights', () => {
    const start = iso('2026-03-01T10:17:00Z');
    const ticks = timeTicks(start, start + 7 * 86_400_000, 'Europe/Berlin');
    expect(ticks).toHaveLength(7);
    expect(new Date(ticks[0]!).toISOString()).toBe('2026-03-01T23:00:00.000Z');
  });

  it('puts fifteen minutes of ticks on whole minutes', () => {
    const start = iso('2026-03-01T10:17:42Z');
    const ticks = timeTicks(start, start + 15 * 60_000, 'Asia/Kolkata');
    expect(ticks.map((t) => new Date(t).toISOString().slice(11, 19))).toEqual(['10:18:00', '10:21:00', '10:24:00', '10:27:00', '10:30:00']);
  });

  it('aligns hours in a half-hour zone to its own clock', () => {
    const start = iso('2026-03-01T00:00:00Z');
    const ticks = timeTicks(start, start + 24 * 3_600_000, 'Asia/Kolkata');
    // 6-hourly on the Indian clock: 06:00 IST is 00:30 UTC.
    expect(new Date(ticks[0]!).toISOString()).toBe('2026-03-01T00:30:00.000Z');
    expect(ticks).toHaveLength(4);
  });
});
