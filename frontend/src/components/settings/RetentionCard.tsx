import { useState, type FormEvent } from 'react';
import { getErrorMessage } from '@/api/errors';
import { Banner, Button, Card, CardBody, CardHeader, Input, QueryState } from '@/components/ui';
import { useDataLifecycle, useUpdateRetention } from '@/hooks/useDataLifecycle';
import { formatDate, formatDateTime, formatNumber } from '@/lib/format';
import {
  buildRetentionUpdate,
  RETENTION_FIELDS,
  retentionValues,
  type RetentionErrors,
  type RetentionValues,
} from '@/lib/retention';
import type { DataLifecycle } from '@/types/lifecycle';

function StorageFigures({ data, timeZone }: { data: DataLifecycle; timeZone: string }) {
  const { storage, rollups } = data;
  const rows: [string, string][] = storage
    ? [
        ['Series', formatNumber(storage.series, 0)],
        ['Raw points', formatNumber(storage.raw_points, 0)],
        ['1-minute rollups', formatNumber(storage.minute_rows, 0)],
        ['15-minute rollups', formatNumber(storage.quarter_rows, 0)],
        ['Hourly rollups', formatNumber(storage.hour_rows, 0)],
        ['Oldest data', storage.oldest ? formatDate(storage.oldest, timeZone) : 'none yet'],
      ]
    : [];
  return (
    <div className="flex flex-col gap-2 text-sm">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 sm:grid-cols-3" aria-label="Storage use">
        {rows.map(([label, value]) => (
          <div key={label} className="flex justify-between gap-2 border-b border-slate-100 py-1">
            <dt className="text-slate-500">{label}</dt>
            <dd className="font-medium tabular-nums text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      <p className="text-slate-500">
        {storage && <>Counted {formatDateTime(storage.measured_at, timeZone)} from the hourly rollups. </>}
        {!rollups
          ? 'Rollups have not run yet: charts and energy figures read raw points.'
          : rollups.backfilled
            ? `Rollups hold all stored data up to ${formatDateTime(rollups.end, timeZone)}.`
            : `Rollups hold data from ${formatDateTime(rollups.start, timeZone)} (older data is still being rolled up) to ${formatDateTime(rollups.end, timeZone)}.`}
      </p>
    </div>
  );
}

function RetentionForm({ data, timeZone }: { data: DataLifecycle; timeZone: string }) {
  const update = useUpdateRetention();
  const [values, setValues] = useState<RetentionValues>(() => retentionValues(data.retention));
  const [errors, setErrors] = useState<RetentionErrors>({});
  const [saved, setSaved] = useState(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = buildRetentionUpdate(data.retention, values);
    setErrors(result.errors);
    if (Object.keys(result.errors).length > 0) return;
    if (Object.keys(result.body).length === 0) {
      setSaved(true);
      return;
    }
    update.mutate(result.body, {
      onSuccess: (next) => {
        setValues(retentionValues(next.retention));
        setSaved(true);
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Data retention" className="flex flex-col gap-4">
      <StorageFigures data={data} timeZone={timeZone} />
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        {RETENTION_FIELDS.map(({ key, label, hint }) => (
          <Input
            key={key}
            label={label}
            inputMode="numeric"
            value={values[key]}
            hint={hint}
            error={errors[key] ?? null}
            disabled={update.isPending}
            onChange={(e) => {
              setSaved(false);
              setValues((v) => ({ ...v, [key]: e.target.value }));
            }}
          />
        ))}
      </div>
      {update.isError && <Banner tone="danger" title={getErrorMessage(update.error)} />}
      {saved && !update.isError && <Banner tone="success">Retention saved. The hourly purge applies it.</Banner>}
      <div className="flex justify-end">
        <Button type="submit" loading={update.isPending}>
          Save retention
        </Button>
      </div>
    </form>
  );
}

/** Retention settings, storage use and rollup coverage of the factory. */
export function RetentionCard({ timeZone }: { timeZone: string }) {
  const lifecycle = useDataLifecycle();
  return (
    <Card>
      <CardHeader
        title="Data retention"
        description="How long each kind of data is kept. Older data is deleted every hour; raw points only once the rollups hold them."
      />
      <CardBody>
        <QueryState query={lifecycle} loadingLabel="Loading retention" errorTitle="Could not load the retention settings" loadingClassName="py-6">
          {/* Not keyed by the settings: a save updates them and must keep its confirmation. */}
          {(data) => <RetentionForm data={data} timeZone={timeZone} />}
        </QueryState>
      </CardBody>
    </Card>
  );
}
