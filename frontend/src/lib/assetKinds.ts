import type { NodeKind } from '@/types/assets';

export const NODE_KIND_LABELS: Record<NodeKind, string> = {
  site: 'Site',
  area: 'Area',
  line: 'Line',
  machine: 'Machine',
  other: 'Other',
};
