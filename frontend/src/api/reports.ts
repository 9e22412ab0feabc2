import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse, ListResponse, PageParams } from '@/types/api';
import type { Report, ReportCreate, ReportListParams, ReportSchedule, ReportScheduleWrite } from '@/types/jobs';

export async function listReports(params: ReportListParams, signal?: AbortSignal): Promise<ListResponse<Report>> {
  const res = await api.get<ListResponse<Report>>('/reports', { params: compactParams(params), signal });
  return res.data;
}

export async function createReport(body: ReportCreate): Promise<Report> {
  const res = await api.post<ItemResponse<Report>>('/reports', body);
  return res.data.data;
}

export async function cancelReport(id: number): Promise<Report> {
  const res = await api.post<ItemResponse<Report>>(`/reports/${id}/cancel`);
  return res.data.data;
}

export async function deleteReport(id: number): Promise<void> {
  await api.delete(`/reports/${id}`);
}

export async function listReportSchedules(params: PageParams, signal?: AbortSignal): Promise<ListResponse<ReportSchedule>> {
  const res = await api.get<ListResponse<ReportSchedule>>('/reports/schedules', { params: compactParams(params), signal });
  return res.data;
}

export async function createReportSchedule(body: ReportScheduleWrite): Promise<ReportSchedule> {
  const res = await api.post<ItemResponse<ReportSchedule>>('/reports/schedules', body);
  return res.data.data;
}

export async function updateReportSchedule(id: number, body: Partial<ReportScheduleWrite>): Promise<ReportSchedule> {
  const res = await api.patch<ItemResponse<ReportSchedule>>(`/reports/schedules/${id}`, body);
  return res.data.data;
}

export async function deleteReportSchedule(id: number): Promise<void> {
  await api.delete(`/reports/schedules/${id}`);
}
