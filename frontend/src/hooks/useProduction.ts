import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createBaseline,
  createShift,
  deleteBaseline,
  deleteProductionEntry,
  deleteShift,
  getBaselinePerformance,
  getProduction,
  getShiftReport,
  listBaselines,
  listShifts,
  saveProduction,
  updateShift,
  uploadProduction,
  type DayRange,
} from '@/api/production';
import type { BaselineCreate, ProductionEntryInput, ShiftWrite } from '@/types/production';

export const productionKeys = {
  baselines: () => ['production', 'baselines'] as const,
  performance: (id: number, days: DayRange | null) => ['production', 'performance', id, days] as const,
  table: (nodeId: number, days: DayRange) => ['production', 'table', nodeId, days] as const,
  shifts: () => ['production', 'shifts'] as const,
  shiftReport: (days: DayRange, nodeId: number | null) => ['production', 'shift-report', days, nodeId] as const,
};

export function useBaselines() {
  return useQuery({ queryKey: productionKeys.baselines(), queryFn: ({ signal }) => listBaselines(signal), staleTime: 30_000 });
}

/** Expected vs actual, savings and CUSUM of a baseline over reporting days. */
export function useBaselinePerformance(id: number | null, days: DayRange | null) {
  return useQuery({
    queryKey: productionKeys.performance(id ?? 0, days),
    queryFn: ({ signal }) => getBaselinePerformance(id ?? 0, days ?? {}, signal),
    enabled: id !== null && days !== null,
    staleTime: 60_000,
  });
}

export function useProductionTable(nodeId: number | null, days: DayRange | null) {
  return useQuery({
    queryKey: productionKeys.table(nodeId ?? 0, days ?? { start: '', end: '' }),
    queryFn: ({ signal }) => getProduction(nodeId ?? 0, days ?? { start: '', end: '' }, signal),
    enabled: nodeId !== null && days !== null,
    staleTime: 60_000,
  });
}

export function useShifts() {
  return useQuery({ queryKey: productionKeys.shifts(), queryFn: ({ signal }) => listShifts(signal), staleTime: 60_000 });
}

export function useShiftReport(days: DayRange | null, nodeId: number | null) {
  return useQuery({
    queryKey: productionKeys.shiftReport(days ?? { start: '', end: '' }, nodeId),
    queryFn: ({ signal }) => getShiftReport(days ?? { start: '', end: '' }, nodeId, signal),
    enabled: days !== null,
    staleTime: 60_000,
  });
}

/** Production, baselines and shifts feed each other's figures: a write refreshes them all. */
function useProductionMutation<Args, Result>(fn: (args: Args) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['production'] }),
  });
}

export const useCreateBaseline = () => useProductionMutation((body: BaselineCreate) => createBaseline(body));
export const useDeleteBaseline = () => useProductionMutation((id: number) => deleteBaseline(id));
export const useSaveProduction = () => useProductionMutation((entries: ProductionEntryInput[]) => saveProduction(entries));
export const useCreateShift = () => useProductionMutation((body: ShiftWrite) => createShift(body));
export const useUpdateShift = () =>
  useProductionMutation(({ id, body }: { id: number; body: Partial<ShiftWrite> }) => updateShift(id, body));
export const useDeleteShift = () => useProductionMutation((id: number) => deleteShift(id));
export const useUploadProduction = () => useProductionMutation((csv: string) => uploadProduction(csv));
export const useDeleteProductionEntry = () => useProductionMutation((id: number) => deleteProductionEntry(id));
