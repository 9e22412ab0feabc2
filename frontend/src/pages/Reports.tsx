import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { ReportsIcon } from '@/components/icons';
import { DownloadFileButton } from '@/components/jobs/DownloadFileButton';
import { JobStatus } from '@/components/jobs/JobStatus';
import { GenerateReportForm } from '@/components/reports/GenerateReportForm';
import { ScheduleDialog } from '@/components/reports/ScheduleDialog';
import { ActionsHeader, Badge, Banner, Button, Card, CardHeader, ConfirmDialog, DataTable, EmptyState, ErrorState, Pagination, QueryState, Spinner } from '@/components/ui';
import { useDeviceNames } from '@/hooks/useDevices';
import { useFactoryLocale, useHasPermission } from '@/hooks/useFactoryContext';
import { useCancelReport, useDeleteReport, useDeleteReportSchedule, useReports, useReportSchedules } from '@/hooks/useJobs';
import { cn } from '@/lib/cn';
import { formatDate, formatDateTime } from '@/lib/format';
import { formatBytes, isJobActive } from '@/lib/jobResults';
import { REPORT_FORMAT_LABELS, REPORT_KIND_LABELS } from '@/lib/reportForm';
import type { Report, ReportSchedule } from '@/types/jobs';

const REPORTS_PER_PAGE = 20;

function reportTitle(report: Report): string {
  return `${REPORT_KIND_LABELS[report.kind] ?? report.kind} #${report.id}`;
}

function devicesOf(ids: unknown, name: (id: number) => string): string {
  if (!Array.isArray(ids) || ids.length === 0) return 'All devices';
  return ids.length <= 3 ? ids.map((id) => name(Number(id))).join(', ') : `${ids.length} devices`;
}

/**
 * A report's period is whole local days: [start, end) on the factory's clock, so the last
 * day shown is the one before `end`.
 */
function periodOf(start: unknown, end: unknown, timeZone: string): string {
  if (typeof start !== 'string' || typeof end !== 'string') return '—';
  const last = new Date(Date.parse(end) - 1);
  const first = formatDate(start, timeZone);
  const final = formatDate(last, timeZone);
  return first === final ? first : `${first} – ${final}`;
}

function ReportList({ canGenerate, timeZone }: { canGenerate: boolean; timeZone: string }) {
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);
  const reports = useReports({ page, per_page: REPORTS_PER_PAGE });
  const deviceName = useDeviceNames();
  const cancel = useCancelReport();
  const remove = useDeleteReport();
  const [deleting, setDeleting] = useState<Report | null>(null);

  return (
    <Card className="overflow-hidden">
      <CardHeader title="Reports" description="Newest first; scheduled ones are listed too." />
      <QueryState
        query={reports}
        loadingLabel="Loading reports"
        errorTitle="Could not load the reports"
        isEmpty={(d) => d.total === 0}
        empty={
          <EmptyState
            icon={<ReportsIcon className="size-8" />}
            title="No reports yet"
            description={canGenerate ? 'Generate one above, or schedule one below.' : 'People with the “generate reports” permission create them.'}
          />
        }
        inset
        loadingClassName="py-12"
      >
        {(data) => (
          <>
            {(cancel.isError || remove.isError) && (
              <Banner tone="danger" className="m-3">
                {getErrorMessage(cancel.error ?? remove.error)}
              </Banner>
            )}
            <DataTable
              caption="Reports"
              dimmed={reports.isPlaceholderData}
              head={
                <>
                  <th scope="col" className="px-3 py-2">Report</th>
                  <th scope="col" className="px-3 py-2">Period</th>
                  <th scope="col" className="hidden px-3 py-2 md:table-cell">Devices</th>
                  <th scope="col" className="px-3 py-2">Status</th>
                  <ActionsHeader />
                </>
              }
            >
              {data.data.map((report) => {
                const title = reportTitle(report);
                const main = report.files.find((f) => f.url === report.download_url) ?? report.files[0];
                return (
                  <tr key={report.id}>
                    <td className="px-3 py-2.5">
                      <p className="font-medium text-slate-900">
                        {title} <Badge className="ml-1">{REPORT_FORMAT_LABELS[report.format] ?? report.format}</Badge>
                        {report.schedule_id !== null && (
                          <Badge tone="info" className="ml-1">
                            Scheduled
                          </Badge>
                        )}
                      </p>
                      <p className="text-xs text-slate-500">Requested {formatDateTime(report.created_at, timeZone)}</p>
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap text-slate-700">{periodOf(report.request.start, report.request.end, timeZone)}</td>
                    <td className="hidden max-w-xs truncate px-3 py-2.5 text-slate-600 md:table-cell">{devicesOf(report.request.device_ids, deviceName)}</td>
                    <td className="px-3 py-2.5">
                      <JobStatus status={report.status} progress={report.progress} label={title} />
                      {report.status === 'failed' && report.error && <p className="mt-1 max-w-xs text-xs text-red-700">{report.error}</p>}
                    </td>
                    <td className="px-3 py-2.5">
                      <div className="flex flex-wrap items-start justify-end gap-1.5">
                        {report.status === 'complete' && main && (
                          <DownloadFileButton file={main}>{`Download (${formatBytes(main.size)})`}</DownloadFileButton>
                        )}
                        {canGenerate && isJobActive(report.status) && (
                          <Button size="sm" variant="secondary" loading={cancel.isPending && cancel.variables === report.id} onClick={() => cancel.mutate(report.id)} aria-label={`Cancel ${title}`}>
                            Cancel
                          </Button>
                        )}
                        {canGenerate && (
                          <Button size="sm" variant="ghost" onClick={() => setDeleting(report)} aria-label={`Delete ${title}`}>
                            Delete
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </DataTable>
            <Pagination
              page={page}
              perPage={data.per_page}
              total={data.total}
              onPage={(p) => {
                const next = new URLSearchParams(search);
                next.set('page', String(p));
                setSearch(next, { replace: true });
              }}
              what="reports"
            />
          </>
        )}
      </QueryState>
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete ${reportTitle(deleting)}?` : ''}
        confirmLabel="Delete report"
        tone="danger"
        pending={remove.isPending}
        error={remove.isError ? getErrorMessage(remove.error) : null}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
      >
        <p>The report and its file are removed.</p>
      </ConfirmDialog>
    </Card>
  );
}

function Schedules({ canGenerate, timeZone }: { canGenerate: boolean; timeZone: string }) {
  const schedules = useReportSchedules({ page: 1, per_page: 100 });
  const remove = useDeleteReportSchedule();
  const deviceName = useDeviceNames();
  const [editing, setEditing] = useState<ReportSchedule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ReportSchedule | null>(null);
  const data = schedules.data;

  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="Schedules"
        description={`Reports emailed at 06:00 on the factory's clock (${timeZone}).`}
        actions={canGenerate && <Button size="sm" onClick={() => setEditing('new')}>New schedule</Button>}
      />
      {schedules.isPending ? (
        <div className="flex justify-center py-10">
          <Spinner label="Loading schedules" showLabel />
        </div>
      ) : !data ? (
        <div className="p-4">
          <ErrorState title="Could not load the schedules" message={getErrorMessage(schedules.error)} onRetry={() => void schedules.refetch()} />
        </div>
      ) : data.total === 0 ? (
        <div className="p-4">
          <EmptyState title="No schedules" description="A schedule emails a report every day, week or month." />
        </div>
      ) : (
        <DataTable
          caption="Report schedules"
          head={
            <>
              <th scope="col" className="px-3 py-2">Name</th>
              <th scope="col" className="px-3 py-2">Report</th>
              <th scope="col" className="px-3 py-2">Cadence</th>
              <th scope="col" className="hidden px-3 py-2 lg:table-cell">Recipients</th>
              <th scope="col" className="px-3 py-2">Next run</th>
              {canGenerate && <ActionsHeader />}
            </>
          }
        >
          {data.data.map((s) => (
            <tr key={s.id} className={cn(!s.is_active && 'text-slate-500')}>
              <td className="px-3 py-2.5">
                <p className="font-medium text-slate-900">{s.name}</p>
                <p className="text-xs text-slate-500">{devicesOf(s.device_ids, deviceName)}</p>
              </td>
              <td className="px-3 py-2.5 whitespace-nowrap">
                {REPORT_KIND_LABELS[s.kind]} · {REPORT_FORMAT_LABELS[s.format]}
              </td>
              <td className="px-3 py-2.5 capitalize">{s.cadence}</td>
              <td className="hidden max-w-xs truncate px-3 py-2.5 text-slate-600 lg:table-cell">{s.recipients.join(', ')}</td>
              <td className="px-3 py-2.5 whitespace-nowrap">
                {s.is_active && s.next_run_at ? (
                  <>
                    {formatDateTime(s.next_run_at, s.timezone || timeZone)}
                    {s.next_period && <p className="text-xs text-slate-500">covers {periodOf(s.next_period.start, s.next_period.end, s.timezone || timeZone)}</p>}
                  </>
                ) : (
                  <Badge>Inactive</Badge>
                )}
              </td>
              {canGenerate && (
                <td className="px-3 py-2.5">
                  <div className="flex justify-end gap-1.5">
                    <Button size="sm" variant="secondary" onClick={() => setEditing(s)} aria-label={`Edit schedule ${s.name}`}>
                      Edit
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setDeleting(s)} aria-label={`Delete schedule ${s.name}`}>
                      Delete
                    </Button>
                  </div>
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
      {editing && <ScheduleDialog schedule={editing === 'new' ? null : editing} timeZone={timeZone} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete schedule ${deleting.name}?` : ''}
        confirmLabel="Delete schedule"
        tone="danger"
        pending={remove.isPending}
        error={remove.isError ? getErrorMessage(remove.error) : null}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
      >
        <p>No more reports are sent by it. Reports it already produced stay in the list.</p>
      </ConfirmDialog>
    </Card>
  );
}

export default function Reports() {
  const canGenerate = useHasPermission('generate_reports');
  const { timeZone } = useFactoryLocale();
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Reports</h1>
        <p className="mt-1 text-sm text-slate-500">Energy, device and alert reports as PDF or Excel, on demand or by email.</p>
      </div>
      {canGenerate && <GenerateReportForm timeZone={timeZone} />}
      <ReportList canGenerate={canGenerate} timeZone={timeZone} />
      <Schedules canGenerate={canGenerate} timeZone={timeZone} />
    </div>
  );
}
