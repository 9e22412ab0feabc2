import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ReportsIcon } from '@/components/icons';
import { DownloadFileButton } from '@/components/jobs/DownloadFileButton';
import { JobList } from '@/components/jobs/JobList';
import { GenerateReportForm } from '@/components/reports/GenerateReportForm';
import { ScheduleDialog } from '@/components/reports/ScheduleDialog';
import { ActionsHeader, Badge, Button, Card, CardHeader, DataTable, DeleteDialog, EmptyState, QueryState } from '@/components/ui';
import { useDeviceNames } from '@/hooks/useDevices';
import { useFactoryLocale, useHasPermission } from '@/hooks/useFactoryContext';
import { useCancelReport, useDeleteReport, useDeleteReportSchedule, useReports, useReportSchedules } from '@/hooks/useJobs';
import { cn } from '@/lib/cn';
import { formatDate, formatDateTime } from '@/lib/format';
import { formatBytes } from '@/lib/jobResults';
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

  return (
    <JobList
      title="Reports"
      noun="Report"
      description="Newest first; scheduled ones are listed too."
      what="reports"
      query={reports}
      page={page}
      onPage={(p) => {
        const next = new URLSearchParams(search);
        next.set('page', String(p));
        setSearch(next, { replace: true });
      }}
      empty={
        <EmptyState
          icon={<ReportsIcon className="size-8" />}
          title="No reports yet"
          description={canGenerate ? 'Generate one above, or schedule one below.' : 'People with the “generate reports” permission create them.'}
        />
      }
      titleOf={reportTitle}
      tagsOf={(report) => (
        <>
          {' '}
          <Badge className="ml-1">{REPORT_FORMAT_LABELS[report.format] ?? report.format}</Badge>
          {report.schedule_id !== null && (
            <Badge tone="info" className="ml-1">
              Scheduled
            </Badge>
          )}
        </>
      )}
      createdVerb="Requested"
      columns={[
        { header: 'Period', cellClassName: 'whitespace-nowrap text-slate-700', cell: (r) => periodOf(r.request.start, r.request.end, timeZone) },
        {
          header: 'Devices',
          className: 'hidden md:table-cell',
          cellClassName: 'max-w-xs truncate text-slate-600',
          cell: (r) => devicesOf(r.request.device_ids, deviceName),
        },
      ]}
      actions={(report) => {
        const main = report.files.find((f) => f.url === report.download_url) ?? report.files[0];
        return report.status === 'complete' && main && <DownloadFileButton file={main}>{`Download (${formatBytes(main.size)})`}</DownloadFileButton>;
      }}
      canManage={canGenerate}
      cancel={cancel}
      remove={remove}
      deleteLabel="Delete report"
      deleteNote={() => 'The report and its file are removed.'}
      timeZone={timeZone}
    />
  );
}

function Schedules({ canGenerate, timeZone }: { canGenerate: boolean; timeZone: string }) {
  const schedules = useReportSchedules({ page: 1, per_page: 100 });
  const remove = useDeleteReportSchedule();
  const deviceName = useDeviceNames();
  const [editing, setEditing] = useState<ReportSchedule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ReportSchedule | null>(null);

  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="Schedules"
        description={`Reports emailed at 06:00 on the factory's clock (${timeZone}).`}
        actions={canGenerate && <Button size="sm" onClick={() => setEditing('new')}>New schedule</Button>}
      />
      <QueryState
        query={schedules}
        loadingLabel="Loading schedules"
        errorTitle="Could not load the schedules"
        isEmpty={(d) => d.total === 0}
        empty={<EmptyState title="No schedules" description="A schedule emails a report every day, week or month." />}
        inset
        loadingClassName="py-10"
      >
        {(list) => (
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
            {list.data.map((s) => (
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
      </QueryState>
      {editing && <ScheduleDialog schedule={editing === 'new' ? null : editing} timeZone={timeZone} onClose={() => setEditing(null)} />}
      <DeleteDialog item={deleting} title={(s) => `Delete schedule ${s.name}?`} confirmLabel="Delete schedule" remove={remove} onClose={() => setDeleting(null)}>
        {() => <p>No more reports are sent by it. Reports it already produced stay in the list.</p>}
      </DeleteDialog>
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
