import type { DeviceParameter, ParameterBulkItem, ParameterChanges, ParameterRole } from '@/types/device';

/** What the parameter table's inputs hold for one row. */
export interface ParameterDraft {
  display_name: string;
  unit: string;
  role: ParameterRole | '';
  is_kpi_selected: boolean;
}

export function draftOf(p: DeviceParameter): ParameterDraft {
  return {
    display_name: p.display_name ?? '',
    unit: p.unit ?? '',
    role: p.role ?? '',
    is_kpi_selected: p.is_kpi_selected,
  };
}

const blankToNull = (value: string) => (value.trim() === '' ? null : value.trim());

/** Only the fields that differ from the saved parameter; blanks clear a field. */
export function changesOf(saved: DeviceParameter, draft: ParameterDraft): ParameterChanges {
  const changes: ParameterChanges = {};
  const displayName = blankToNull(draft.display_name);
  if (displayName !== (saved.display_name ?? null)) changes.display_name = displayName;
  const unit = blankToNull(draft.unit);
  if (unit !== (saved.unit ?? null)) changes.unit = unit;
  const role = draft.role === '' ? null : draft.role;
  if (role !== (saved.role ?? null)) changes.role = role;
  if (draft.is_kpi_selected !== saved.is_kpi_selected) changes.is_kpi_selected = draft.is_kpi_selected;
  return changes;
}

/** The body of `PATCH /devices/{id}/parameters`: one item per changed row, in table order. */
export function bulkItems(parameters: DeviceParameter[], drafts: Record<number, ParameterDraft>): ParameterBulkItem[] {
  const items: ParameterBulkItem[] = [];
  for (const p of parameters) {
    const draft = drafts[p.id];
    if (!draft) continue;
    const changes = changesOf(p, draft);
    if (Object.keys(changes).length > 0) items.push({ id: p.id, ...changes });
  }
  return items;
}
