import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse, ListResponse } from '@/types/api';
import type {
  Device,
  DeviceCreate,
  DeviceListParams,
  DeviceParameter,
  DeviceUpdate,
  DeviceWithCredentials,
  ParameterBulkItem,
} from '@/types/device';

export async function listDevices(
  params: DeviceListParams,
  signal?: AbortSignal,
): Promise<ListResponse<Device>> {
  const res = await api.get<ListResponse<Device>>('/devices', { params: compactParams(params), signal });
  return res.data;
}

export async function getDevice(id: number, signal?: AbortSignal): Promise<Device> {
  const res = await api.get<ItemResponse<Device>>(`/devices/${id}`, { signal });
  return res.data.data;
}

export async function createDevice(body: DeviceCreate): Promise<DeviceWithCredentials> {
  const res = await api.post<ItemResponse<DeviceWithCredentials>>('/devices', body);
  return res.data.data;
}

export async function updateDevice(id: number, body: DeviceUpdate): Promise<Device> {
  const res = await api.patch<ItemResponse<Device>>(`/devices/${id}`, body);
  return res.data.data;
}

export async function setDeviceEnabled(id: number, enabled: boolean): Promise<Device> {
  const res = await api.post<ItemResponse<Device>>(
    `/devices/${id}/${enabled ? 'activate' : 'deactivate'}`,
  );
  return res.data.data;
}

export async function deleteDevice(id: number): Promise<void> {
  await api.delete(`/devices/${id}`);
}

export async function rotateDeviceToken(id: number): Promise<DeviceWithCredentials> {
  const res = await api.post<ItemResponse<DeviceWithCredentials>>(`/devices/${id}/rotate-token`);
  return res.data.data;
}

const PARAMETER_PAGE_SIZE = 100;
// Far beyond what one meter reports; stops a runaway loop if totals ever disagree.
const PARAMETER_MAX_PAGES = 20;

/** Every parameter of the device (the endpoint pages at most 100 at a time). */
export async function listParameters(deviceId: number, signal?: AbortSignal): Promise<DeviceParameter[]> {
  const parameters: DeviceParameter[] = [];
  for (let page = 1; page <= PARAMETER_MAX_PAGES; page += 1) {
    const res = await api.get<ListResponse<DeviceParameter>>(`/devices/${deviceId}/parameters`, {
      params: { page, per_page: PARAMETER_PAGE_SIZE },
      signal,
    });
    parameters.push(...res.data.data);
    if (res.data.data.length === 0 || parameters.length >= res.data.total) break;
  }
  return parameters;
}

export async function updateParameters(
  deviceId: number,
  items: ParameterBulkItem[],
): Promise<DeviceParameter[]> {
  const res = await api.patch<ItemResponse<DeviceParameter[]>>(`/devices/${deviceId}/parameters`, {
    items,
  });
  return res.data.data;
}

/**
 * Creates or updates the devices of a CSV file in one go (all rows or none); the answer is a
 * CSV of the new devices' credentials, shown this once.
 */
export async function importDevices(csv: string): Promise<string> {
  const res = await api.post<string>('/devices/import', csv, {
    headers: { 'Content-Type': 'text/csv' },
    responseType: 'text',
  });
  return res.data;
}
