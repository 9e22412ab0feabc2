import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse } from '@/types/api';
import type {
  Baseline,
  BaselineCreate,
  BaselinePerformance,
  ProductionEntryInput,
  ProductionTable,
  Shift,
  ShiftReport,
  ShiftWrite,
  UploadResult,
} from '@/types/production';

export interface DayRange {
  start: string;
  end: string;
}

export async function getProduction(nodeId: number, days: DayRange, signal?: AbortSignal): Promise<ProductionTable> {
  const res = await api.get<ItemResponse<ProductionTable>>('/production', { params: { node_id: nodeId, ...days }, signal });
  return res.data.data;
}

export async function saveProduction(entries: ProductionEntryInput[]): Promise<void> {
  await api.put('/production/entries', { entries });
}

export async function uploadProduction(csv: string): Promise<UploadResult> {
  const res = await api.post<ItemResponse<UploadResult>>('/production/upload', csv, { headers: { 'Content-Type': 'text/csv' } });
  return res.data.data;
}

export async function deleteProductionEntry(id: number): Promise<void> {
  await api.delete(`/production/entries/${id}`);
}

export async function listBaselines(signal?: AbortSignal): Promise<Baseline[]> {
  const res = await api.get<ItemResponse<Baseline[]>>('/baselines', { signal });
  return res.data.data;
}

export async function createBaseline(body: BaselineCreate): Promise<Baseline> {
  const res = await api.post<ItemResponse<Baseline>>('/baselines', body);
  return res.data.data;
}

export async function deleteBaseline(id: number): Promise<void> {
  await api.delete(`/baselines/${id}`);
}

export async function getBaselinePerformance(id: number, days: Partial<DayRange>, signal?: AbortSignal): Promise<BaselinePerformance> {
  const res = await api.get<ItemResponse<BaselinePerformance>>(`/baselines/${id}/performance`, { params: compactParams(days), signal });
  return res.data.data;
}

export async function listShifts(signal?: AbortSignal): Promise<Shift[]> {
  const res = await api.get<ItemResponse<Shift[]>>('/shifts', { signal });
  return res.data.data;
}

export async function createShift(body: ShiftWrite): Promise<Shift> {
  const res = await api.post<ItemResponse<Shift>>('/shifts', body);
  return res.data.data;
}

export async function updateShift(id: number, body: Partial<ShiftWrite>): Promise<Shift> {
  const res = await api.patch<ItemResponse<Shift>>(`/shifts/${id}`, body);
  return res.data.data;
}

export async function deleteShift(id: number): Promise<void> {
  await api.delete(`/shifts/${id}`);
}

export async function getShiftReport(days: DayRange, nodeId: number | null, signal?: AbortSignal): Promise<ShiftReport> {
  const res = await api.get<ItemResponse<ShiftReport>>('/energy/shifts', { params: compactParams({ ...days, node_id: nodeId }), signal });
  return res.data.data;
}
