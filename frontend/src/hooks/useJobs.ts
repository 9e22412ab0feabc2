import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cancelAnalyticsJob, createAnalyticsJob, deleteAnalyticsJob, listAnalyticsJobs } from '@/api/analytics';
import { fetchResultFile } from '@/api/files';
import {
  cancelReport,
  createReport,
  createReportSchedule,
  deleteReport,
  deleteReportSchedule,
  listReports,
  listReportSchedules,
  updateReportSchedule,
} from '@/api/reports';
import { jobsPollInterval } from '@/lib/jobResults';
import type { PageParams } from '@/types/api';
import type { AnalyticsJobListParams, ReportListParams, ReportScheduleWrite } from '@/types/jobs';

// --- analytics -------------------------------------------------------------------------------
export function useAnalyticsJobs(params: AnalyticsJobListParams) {
  return useQuery({
    queryKey: ['analytics', 'jobs', params],
    queryFn: ({ signal }) => listAnalyticsJobs(params, signal),
    placeholderData: keepPreviousData,
    // Progress moves only while a job works; a list of finished jobs is not asked again.
    refetchInterval: (query) => jobsPollInterval(query.state.data?.data),
  });
}

function useInvalidate(key: string) {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: [key] });
}

export function useCreateAnalyticsJob() {
  const invalidate = useInvalidate('analytics');
  return useMutation({ mutationFn: createAnalyticsJob, onSuccess: invalidate });
}

export function useCancelAnalyticsJob() {
  const invalidate = useInvalidate('analytics');
  return useMutation({ mutationFn: (id: number) => cancelAnalyticsJob(id), onSuccess: invalidate });
}

export function useDeleteAnalyticsJob() {
  const invalidate = useInvalidate('analytics');
  return useMutation({ mutationFn: (id: number) => deleteAnalyticsJob(id), onSuccess: invalidate });
}

/** The text of a result file (the CSV a chart is drawn from); files do not change once written. */
export function useResultFileText(jobId: number, key: string | null | undefined, name: string) {
  return useQuery({
    queryKey: ['analytics', 'file', jobId, name],
    queryFn: async () => (await fetchResultFile(key ?? '', name)).blob.text(),
    enabled: Boolean(key),
    staleTime: Infinity,
  });
}

// --- reports ---------------------------------------------------------------------------------
export function useReports(params: ReportListParams) {
  return useQuery({
    queryKey: ['reports', 'list', params],
    queryFn: ({ signal }) => listReports(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => jobsPollInterval(query.state.data?.data),
  });
}

export function useCreateReport() {
  const invalidate = useInvalidate('reports');
  return useMutation({ mutationFn: createReport, onSuccess: invalidate });
}

export function useCancelReport() {
  const invalidate = useInvalidate('reports');
  return useMutation({ mutationFn: (id: number) => cancelReport(id), onSuccess: invalidate });
}

export function useDeleteReport() {
  const invalidate = useInvalidate('reports');
  return useMutation({ mutationFn: (id: number) => deleteReport(id), onSuccess: invalidate });
}

export function useReportSchedules(params: PageParams) {
  return useQuery({
    queryKey: ['reports', 'schedules', params],
    queryFn: ({ signal }) => listReportSchedules(params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useSaveReportSchedule(id: number | null) {
  const invalidate = useInvalidate('reports');
  return useMutation({
    mutationFn: (body: Partial<ReportScheduleWrite>) =>
      id === null ? createReportSchedule(body as ReportScheduleWrite) : updateReportSchedule(id, body),
    onSuccess: invalidate,
  });
}

export function useDeleteReportSchedule() {
  const invalidate = useInvalidate('reports');
  return useMutation({ mutationFn: (id: number) => deleteReportSchedule(id), onSuccess: invalidate });
}
