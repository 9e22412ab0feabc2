import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { AddDeviceDialog } from '@/components/devices/AddDeviceDialog';
import { ImportDevicesDialog } from '@/components/devices/ImportDevicesDialog';
import { DeviceStatusBadge, OnlineIndicator } from '@/components/devices/DeviceBadges';
import { MachinesIcon, SearchIcon } from '@/components/icons';
import { ActionsHeader, Banner, Button, Card, DataTable, EmptyState, Input, QueryState, Select } from '@/components/ui';
import { useApproveDevice, useDevices } from '@/hooks/useDevices';
import { useDebouncedValue } from '@/hooks/useDebouncedValue';
import { useCanManageDevices, useFactoryLocale } from '@/hooks/useFactoryContext';
import { useNow } from '@/hooks/useNow';
import { cn } from '@/lib/cn';
import {
  DEFAULT_FILTERS,
  hasActiveFilters,
  listParams,
  readFilters,
  writeFilters,
  type DeviceFilters,
} from '@/lib/deviceFilters';
import type { Device, DeviceSort } from '@/types/device';

export const SEARCH_DEBOUNCE_MS = 300;

interface SortableColumn {
  label: string;
  field: 'name' | 'device_key' | 'last_seen_at';
}

function SortHeader({
  column,
  sort,
  onSort,
  className,
}: {
  column: SortableColumn;
  sort: DeviceSort;
  onSort: (sort: DeviceSort) => void;
  className?: string;
}) {
  const active = sort === column.field || sort === `-${column.field}`;
  const descending = sort.startsWith('-');
  const next = (active && !descending ? `-${column.field}` : column.field) as DeviceSort;
  return (
    <th
      scope="col"
      aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}
      className={cn('px-3 py-2', className)}
    >
      <button
        type="button"
        onClick={() => onSort(next)}
        className="inline-flex items-center gap-1 font-semibold uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600"
      >
        {column.label}
        <span aria-hidden="true" className={active ? 'text-slate-700' : 'text-slate-300'}>
          {active && descending ? '▼' : '▲'}
        </span>
      </button>
    </th>
  );
}

function isInteractive(target: EventTarget | null): boolean {
  return target instanceof Element && Boolean(target.closest('a, button, input, select, label'));
}

function DeviceRow({
  device,
  now,
  timeZone,
  canManage,
  onOpen,
}: {
  device: Device;
  now: number;
  timeZone: string;
  canManage: boolean;
  onOpen: (id: number) => void;
}) {
  const approve = useApproveDevice();
  const place = [device.area, device.location].filter(Boolean).join(' · ');
  return (
    <tr
      className="cursor-pointer hover:bg-slate-50"
      onClick={(e: MouseEvent) => {
        if (!isInteractive(e.target)) onOpen(device.id);
      }}
    >
      <td className="px-3 py-2.5">
        <Link
          to={`/machines/${device.id}`}
          className="font-medium text-slate-900 hover:text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600"
        >
          {device.name}
        </Link>
        {(device.type || device.model) && (
          <p className="text-xs text-slate-500">{[device.type, device.manufacturer, device.model].filter(Boolean).join(' · ')}</p>
        )}
      </td>
      <td className="hidden px-3 py-2.5 font-mono text-xs text-slate-700 sm:table-cell">{device.device_key}</td>
      <td className="px-3 py-2.5">
        <DeviceStatusBadge status={device.status} />
      </td>
      <td className="px-3 py-2.5">
        <OnlineIndicator online={device.online} lastSeenAt={device.last_seen_at} now={now} timeZone={timeZone} />
      </td>
      <td className="hidden px-3 py-2.5 text-slate-600 lg:table-cell">{place || '—'}</td>
      <td className="hidden px-3 py-2.5 text-right text-slate-600 md:table-cell">{device.parameter_count}</td>
      {canManage && (
        <td className="px-3 py-2.5 text-right">
          {device.status === 'discovered' && (
            <Button
              size="sm"
              variant="secondary"
              loading={approve.isPending}
              onClick={() => approve.mutate(device.id)}
              aria-label={`Approve ${device.name}`}
            >
              Approve
            </Button>
          )}
          {approve.isError && (
            <p role="alert" className="mt-1 text-xs text-red-700">
              {getErrorMessage(approve.error)}
            </p>
          )}
        </td>
      )}
    </tr>
  );
}

export default function Machines() {
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => readFilters(searchParams), [searchParams]);
  const { timeZone } = useFactoryLocale();
  const canManage = useCanManageDevices();
  const now = useNow(10_000);
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);

  // Typing goes into local state; the list follows once typing pauses.
  const [text, setText] = useState({ q: filters.q, type: filters.type, area: filters.area });
  const debouncedText = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);

  const update = (changes: Partial<DeviceFilters>) => {
    // Any change of filter or sort starts again at the first page.
    const next = { ...filters, page: 1, ...changes };
    setSearchParams(writeFilters(next), { replace: true });
  };

  useEffect(() => {
    const { q, type, area } = debouncedText;
    if (q !== filters.q || type !== filters.type || area !== filters.area) {
      setSearchParams(writeFilters({ ...filters, q, type, area, page: 1 }), { replace: true });
    }
    // Only a settled change of the text fields should move the list; other filter changes
    // come through `update` directly.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedText]);

  const devices = useDevices(listParams(filters));
  const data = devices.data;
  const total = data?.total ?? 0;
  const perPage = data?.per_page ?? 25;
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const firstShown = total === 0 ? 0 : (filters.page - 1) * perPage + 1;
  const lastShown = Math.min(total, filters.page * perPage);

  const suggestions = useMemo(() => {
    const rows = data?.data ?? [];
    const distinct = (values: (string | null)[]) =>
      [...new Set(values.filter((v): v is string => Boolean(v)))].sort((a, b) => a.localeCompare(b));
    return { types: distinct(rows.map((d) => d.type)), areas: distinct(rows.map((d) => d.area)) };
  }, [data]);

  const clearFilters = () => {
    setText({ q: '', type: '', area: '' });
    setSearchParams(writeFilters({ ...DEFAULT_FILTERS, sort: filters.sort }), { replace: true });
  };

  const filtered = hasActiveFilters(filters);

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Machines</h1>
          <p className="mt-1 text-sm text-slate-500">Meters and gateways of the factory, their state and their telemetry.</p>
        </div>
        {canManage && (
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => setImporting(true)}>
              Import
            </Button>
            <Button onClick={() => setAdding(true)}>Add device</Button>
          </div>
        )}
      </div>

      <Card className="p-4">
        <div role="search" aria-label="Filter machines" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr_1fr]">
          <Input
            label="Search"
            type="search"
            value={text.q}
            onChange={(e) => setText({ ...text, q: e.target.value })}
            placeholder="Name, key or location"
            leading={<SearchIcon className="size-4" />}
            autoComplete="off"
          />
          <Select label="Status" value={filters.status} onChange={(e) => update({ status: e.target.value as DeviceFilters['status'] })}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="discovered">Discovered</option>
            <option value="disabled">Disabled</option>
          </Select>
          <Select label="Connection" value={filters.online} onChange={(e) => update({ online: e.target.value as DeviceFilters['online'] })}>
            <option value="">Online or offline</option>
            <option value="online">Online</option>
            <option value="offline">Offline</option>
          </Select>
          <Input
            label="Type"
            value={text.type}
            onChange={(e) => setText({ ...text, type: e.target.value })}
            list="machine-types"
            autoComplete="off"
            placeholder="Any type"
          />
          <Input
            label="Area"
            value={text.area}
            onChange={(e) => setText({ ...text, area: e.target.value })}
            list="machine-areas"
            autoComplete="off"
            placeholder="Any area"
          />
          <datalist id="machine-types">
            {suggestions.types.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
          <datalist id="machine-areas">
            {suggestions.areas.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </div>
      </Card>

      <QueryState
        query={devices}
        loadingLabel="Loading machines"
        errorTitle="Could not load the machines"
        isEmpty={(d) => d.total === 0}
        empty={
          filtered ? (
            <EmptyState
              title="No machines match these filters"
              description="Change the search or the filters to see more."
              action={
                <Button variant="secondary" onClick={clearFilters}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={<MachinesIcon className="size-8" />}
              title="No machines yet"
              description="Add a device here, or let devices register themselves by publishing telemetry when auto-registration is on."
              action={canManage ? <Button onClick={() => setAdding(true)}>Add device</Button> : undefined}
            />
          )
        }
      >
        {(list) => (
          <Card className="overflow-hidden">
            {devices.isError && (
              <Banner tone="warning" className="m-3">
                Showing the last list loaded: {getErrorMessage(devices.error)}
              </Banner>
            )}
            <DataTable
              caption="Machines"
              dimmed={devices.isPlaceholderData}
              head={
                <>
                  <SortHeader column={{ label: 'Name', field: 'name' }} sort={filters.sort} onSort={(sort) => update({ sort })} />
                  <SortHeader
                    column={{ label: 'Key', field: 'device_key' }}
                    sort={filters.sort}
                    onSort={(sort) => update({ sort })}
                    className="hidden sm:table-cell"
                  />
                  <th scope="col" className="px-3 py-2">Status</th>
                  <SortHeader column={{ label: 'Last seen', field: 'last_seen_at' }} sort={filters.sort} onSort={(sort) => update({ sort })} />
                  <th scope="col" className="hidden px-3 py-2 lg:table-cell">Area · location</th>
                  <th scope="col" className="hidden px-3 py-2 text-right md:table-cell">Parameters</th>
                  {canManage && <ActionsHeader />}
                </>
              }
            >
              {list.data.map((device) => (
                <DeviceRow
                  key={device.id}
                  device={device}
                  now={now}
                  timeZone={timeZone}
                  canManage={canManage}
                  onOpen={(id) => void navigate(`/machines/${id}`)}
                />
              ))}
            </DataTable>
            <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-600">
              <p>
                Showing {firstShown}–{lastShown} of {total}
              </p>
              <div className="flex items-center gap-2">
                <Button variant="secondary" size="sm" disabled={filters.page <= 1} onClick={() => update({ page: filters.page - 1 })}>
                  Previous
                </Button>
                <span>
                  Page {filters.page} of {pageCount}
                </span>
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={filters.page >= pageCount}
                  onClick={() => update({ page: filters.page + 1 })}
                >
                  Next
                </Button>
              </div>
            </nav>
          </Card>
        )}
      </QueryState>

      {adding && (
        <AddDeviceDialog onClose={() => setAdding(false)} onOpenDevice={(id) => void navigate(`/machines/${id}`)} />
      )}
      {importing && <ImportDevicesDialog onClose={() => setImporting(false)} />}
    </div>
  );
}
