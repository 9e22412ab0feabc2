import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createDevice,
  deleteDevice,
  getDevice,
  importDevices,
  listDevices,
  listParameters,
  rotateDeviceToken,
  setDeviceEnabled,
  updateDevice,
  updateParameters,
} from '@/api/devices';
import type { Device, DeviceListParams, DeviceParameter, DeviceUpdate, ParameterBulkItem } from '@/types/device';

export const deviceKeys = {
  all: ['devices'] as const,
  lists: () => ['devices', 'list'] as const,
  list: (params: DeviceListParams) => ['devices', 'list', params] as const,
  detail: (id: number) => ['devices', 'detail', id] as const,
  parameters: (id: number) => ['devices', 'parameters', id] as const,
};

/** A page of the device list; the previous page stays on screen while the next one loads. */
export function useDevices(params: DeviceListParams) {
  return useQuery({
    queryKey: deviceKeys.list(params),
    queryFn: ({ signal }) => listDevices(params, signal),
    placeholderData: keepPreviousData,
    // Online state changes by itself as devices report; keep the list roughly current.
    refetchInterval: 30_000,
  });
}

export function useDevice(id: number) {
  return useQuery({
    queryKey: deviceKeys.detail(id),
    queryFn: ({ signal }) => getDevice(id, signal),
    refetchInterval: 15_000,
  });
}

export function useDeviceParameters(id: number) {
  return useQuery({
    queryKey: deviceKeys.parameters(id),
    queryFn: ({ signal }) => listParameters(id, signal),
    // New parameters appear as the device reports them.
    refetchInterval: 15_000,
  });
}

function useInvalidateDevices() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: deviceKeys.all });
}

// Their answers carry a device token that must be shown once and then be gone: the mutation
// cache drops them as soon as the dialog lets go (the default would keep them 5 minutes).
const ONE_TIME_SECRET = { gcTime: 0 } as const;

export function useCreateDevice() {
  const invalidate = useInvalidateDevices();
  return useMutation({ mutationFn: createDevice, onSuccess: () => void invalidate(), ...ONE_TIME_SECRET });
}

/** A bulk import; its answer (a CSV with tokens) is handed to the browser, never cached. */
export function useImportDevices() {
  const invalidate = useInvalidateDevices();
  return useMutation({ mutationFn: importDevices, onSuccess: () => void invalidate(), ...ONE_TIME_SECRET });
}

export function useUpdateDevice(id: number) {
  const invalidate = useInvalidateDevices();
  return useMutation({
    mutationFn: (body: DeviceUpdate) => updateDevice(id, body),
    onSuccess: () => void invalidate(),
  });
}

/** Approving a discovered device from the list, where the row knows the id. */
export function useApproveDevice() {
  const invalidate = useInvalidateDevices();
  return useMutation({
    mutationFn: (id: number) => updateDevice(id, { status: 'active' }),
    onSuccess: () => void invalidate(),
  });
}

export function useSetDeviceEnabled(id: number) {
  const invalidate = useInvalidateDevices();
  return useMutation({
    mutationFn: (enabled: boolean) => setDeviceEnabled(id, enabled),
    onSuccess: () => void invalidate(),
  });
}

export function useRotateDeviceToken(id: number) {
  return useMutation({ mutationFn: () => rotateDeviceToken(id), ...ONE_TIME_SECRET });
}

export function useDeleteDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => deleteDevice(id),
    onSuccess: (_, id) => {
      // The detail queries would only 404 from now on.
      queryClient.removeQueries({ queryKey: deviceKeys.detail(id) });
      queryClient.removeQueries({ queryKey: deviceKeys.parameters(id) });
      void queryClient.invalidateQueries({ queryKey: deviceKeys.lists() });
    },
  });
}

export function useUpdateParameters(deviceId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (items: ParameterBulkItem[]) => updateParameters(deviceId, items),
    onSuccess: (updated) => {
      queryClient.setQueryData<DeviceParameter[]>(deviceKeys.parameters(deviceId), (old) => {
        if (!old) return old;
        const byId = new Map(updated.map((p) => [p.id, p]));
        return old.map((p) => byId.get(p.id) ?? p);
      });
      // KPI cards and charts follow the selection and names.
      void queryClient.invalidateQueries({ queryKey: ['kpis'] });
      void queryClient.invalidateQueries({ queryKey: ['energy'] });
    },
  });
}

const DIRECTORY_PAGE_SIZE = 100;
// Pickers list devices client-side; a factory with more than this is searched by name instead.
export const DIRECTORY_MAX_PAGES = 10;

/** Every device (id, name, type, area) for pickers and for naming devices in job lists. */
export function useDeviceDirectory() {
  return useQuery({
    queryKey: [...deviceKeys.all, 'directory'] as const,
    queryFn: async ({ signal }) => {
      const devices: Device[] = [];
      let total = 0;
      for (let page = 1; page <= DIRECTORY_MAX_PAGES; page += 1) {
        const res = await listDevices({ page, per_page: DIRECTORY_PAGE_SIZE, sort: 'name' }, signal);
        devices.push(...res.data);
        total = res.total;
        if (res.data.length === 0 || devices.length >= res.total) break;
      }
      return { devices, total, complete: devices.length >= total };
    },
    staleTime: 60_000,
  });
}

/** `id → name` over the directory, with a stand-in for devices it does not hold. */
export function useDeviceNames(): (id: number) => string {
  const directory = useDeviceDirectory();
  const byId = new Map((directory.data?.devices ?? []).map((d) => [d.id, d.name]));
  return (id: number) => byId.get(id) ?? `Device #${id}`;
}

/** Parameters of several devices at once, sharing the cache of each device page. */
export function useParametersOfDevices(ids: number[], enabled = true) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: deviceKeys.parameters(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => listParameters(id, signal),
      staleTime: 5 * 60_000,
      enabled,
    })),
  });
}
