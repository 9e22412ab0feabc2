import { useMemo } from 'react';
import { AnomalyChart, ForecastChart } from '@/components/charts/LazyCharts';
import { DownloadFileButton } from '@/components/jobs/DownloadFileButton';
import { Card, CardBody, CardHeader, EmptyState, QueryState, TableHead } from '@/components/ui';
import { useResultFileText } from '@/hooks/useJobs';
import { formatDateTime, formatDuration, formatNumber, formatValue } from '@/lib/format';
import { anomalyChartData, csvFileOf, forecastChartData, formatBytes } from '@/lib/jobResults';
import type { AnalyticsJob, AnomalySummary, ForecastSummary } from '@/types/jobs';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50/60 px-3 py-2">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold text-slate-900">{value}</dd>
    </div>
  );
}

function AnomalyResult({ job, summary, csv, timeZone }: { job: AnalyticsJob; summary: AnomalySummary; csv: string; timeZone: string }) {
  const data = useMemo(() => anomalyChartData(csv), [csv]);
  return (
    <div className="flex flex-col gap-4">
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Moments analysed" value={formatNumber(summary.points, 0)} />
        <Stat label="Anomalous moments" value={formatNumber(summary.anomalous_points, 0)} />
        <Stat label="Anomaly windows" value={formatNumber(summary.window_count, 0)} />
        <Stat label="Resolution" value={formatDuration(summary.resolution_seconds)} />
      </dl>
      {data.rows.length === 0 ? (
        <EmptyState title="No data in the result file" />
      ) : (
        <AnomalyChart data={data} windows={summary.windows} timeZone={timeZone} />
      )}
      {summary.windows.length > 0 && (
        <div className="overflow-x-auto rounded-md border border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Strongest anomaly windows of job {job.id}</caption>
            <TableHead>
              <th scope="col" className="px-3 py-2">From</th>
              <th scope="col" className="px-3 py-2">To</th>
              <th scope="col" className="px-3 py-2">Most unusual at</th>
            </TableHead>
            <tbody className="divide-y divide-slate-100">
              {summary.windows.map((w) => (
                <tr key={w.start}>
                  <td className="px-3 py-1.5">{formatDateTime(w.start, timeZone)}</td>
                  <td className="px-3 py-1.5">{formatDateTime(w.end, timeZone)}</td>
                  <td className="px-3 py-1.5">{formatDateTime(w.peak_at, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ForecastResult({ summary, csv }: { summary: ForecastSummary; csv: string }) {
  const rows = useMemo(() => forecastChartData(csv, summary.timezone), [csv, summary.timezone]);
  const unit = summary.granularity === 'hourly' ? 'kWh per hour' : 'kWh per day';
  return (
    <div className="flex flex-col gap-4">
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label={`Forecast, next ${summary.horizon_days} days`} value={formatValue(summary.forecast.total_kwh, 'kWh')} />
        <Stat label="History used" value={formatValue(summary.history.total_kwh, 'kWh')} />
        <Stat label="Days with data" value={formatNumber(summary.history.days_with_data, 0)} />
        <Stat label="Back-test error (MAPE)" value={summary.holdout.mape_pct === null ? '—' : `${formatNumber(summary.holdout.mape_pct, 1)} %`} />
      </dl>
      {rows.length === 0 ? (
        <EmptyState title="No data in the result file" />
      ) : (
        <figure role="img" aria-label={`Energy forecast for ${summary.horizon_days} days with its uncertainty band`}>
          <ForecastChart rows={rows} timeZone={summary.timezone} unit={unit} />
        </figure>
      )}
    </div>
  );
}

/** A complete job: its figures, the chart drawn from its CSV, and its files. */
export function JobResult({ job, title, timeZone }: { job: AnalyticsJob; title: string; timeZone: string }) {
  const csvFile = csvFileOf(job.files);
  const csv = useResultFileText(job.id, csvFile?.key, csvFile?.name ?? 'result.csv');
  const summary = job.result;

  return (
    <Card>
      <CardHeader
        title={`Result: ${title}`}
        description={job.completed_at ? `Completed ${formatDateTime(job.completed_at, timeZone)}` : undefined}
        actions={
          <div className="flex flex-wrap gap-2">
            {job.files.map((f) => (
              <DownloadFileButton key={f.name} file={f}>
                {`${f.name.endsWith('.png') ? 'PNG' : f.name.endsWith('.csv') ? 'CSV' : f.name} (${formatBytes(f.size)})`}
              </DownloadFileButton>
            ))}
          </div>
        }
      />
      <CardBody>
        {!summary ? (
          <EmptyState title="No summary" />
        ) : !csvFile ? (
          <EmptyState title="No result file" description="The job finished without a data file to chart." />
        ) : (
          <QueryState query={csv} loadingLabel="Loading the result" errorTitle="Could not load the result file" loadingClassName="py-10">
            {(text) =>
              job.kind === 'anomaly' ? (
                <AnomalyResult job={job} summary={summary as unknown as AnomalySummary} csv={text} timeZone={timeZone} />
              ) : (
                <ForecastResult summary={summary as unknown as ForecastSummary} csv={text} />
              )
            }
          </QueryState>
        )}
      </CardBody>
    </Card>
  );
}
