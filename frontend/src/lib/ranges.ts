/**
 * A time window: either the last N seconds up to now (moves with every refetch) or a fixed
 * start and end.
 */
export type TimeWindow =
  | { kind: 'relative'; seconds: number }
  | { kind: 'absolute'; start: string; end: string };

export function resolveWindow(window: TimeWindow, now: number = Date.now()): { start: string; end: string } {
  if (window.kind === 'absolute') return { start: window.start, end: window.end };
  return {
    start: new Date(now - window.seconds * 1000).toISOString(),
    end: new Date(now).toISOString(),
  };
}

export const RANGE_PRESETS = [
  { id: '1h', label: '1h', seconds: 3600 },
  { id: '24h', label: '24h', seconds: 24 * 3600 },
  { id: '7d', label: '7d', seconds: 7 * 24 * 3600 },
  { id: '30d', label: '30d', seconds: 30 * 24 * 3600 },
] as const;

export type RangePresetId = (typeof RANGE_PRESETS)[number]['id'];
export type RangeChoice = RangePresetId | 'custom';

export function presetWindow(id: RangePresetId): TimeWindow {
  const preset = RANGE_PRESETS.find((p) => p.id === id) ?? RANGE_PRESETS[1];
  return { kind: 'relative', seconds: preset.seconds };
}

/** Seconds a window spans, for choosing axis labels. */
export function windowSeconds(window: TimeWindow): number {
  if (window.kind === 'relative') return window.seconds;
  return (Date.parse(window.end) - Date.parse(window.start)) / 1000;
}
