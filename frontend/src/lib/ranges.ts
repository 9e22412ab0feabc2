import type { TimeWindow } from '@/hooks/useKPIHistory';

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
