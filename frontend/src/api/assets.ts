import { api } from '@/api/client';
import { compactParams } from '@/api/params';
import type { ItemResponse } from '@/types/api';
import type { AssetNode, AssetTree, NodeCreate, NodeUpdate, VirtualMeter, VirtualMeterWrite } from '@/types/assets';
import type { EnergyParams, MeterEnergy } from '@/types/energy';

export async function getAssetTree(signal?: AbortSignal): Promise<AssetTree> {
  const res = await api.get<ItemResponse<AssetTree>>('/assets/tree', { signal });
  return res.data.data;
}

export async function createNode(body: NodeCreate): Promise<AssetNode> {
  const res = await api.post<ItemResponse<AssetNode>>('/assets/nodes', body);
  return res.data.data;
}

export async function updateNode(id: number, body: NodeUpdate): Promise<AssetNode> {
  const res = await api.patch<ItemResponse<AssetNode>>(`/assets/nodes/${id}`, body);
  return res.data.data;
}

export async function deleteNode(id: number): Promise<void> {
  await api.delete(`/assets/nodes/${id}`);
}

export async function setNodeDevices(id: number, deviceIds: number[]): Promise<AssetNode> {
  const res = await api.put<ItemResponse<AssetNode>>(`/assets/nodes/${id}/devices`, { device_ids: deviceIds });
  return res.data.data;
}

export async function listVirtualMeters(signal?: AbortSignal): Promise<VirtualMeter[]> {
  const res = await api.get<ItemResponse<VirtualMeter[]>>('/virtual-meters', { signal });
  return res.data.data;
}

export async function createVirtualMeter(body: VirtualMeterWrite): Promise<VirtualMeter> {
  const res = await api.post<ItemResponse<VirtualMeter>>('/virtual-meters', body);
  return res.data.data;
}

export async function updateVirtualMeter(id: number, body: Partial<VirtualMeterWrite>): Promise<VirtualMeter> {
  const res = await api.patch<ItemResponse<VirtualMeter>>(`/virtual-meters/${id}`, body);
  return res.data.data;
}

export async function deleteVirtualMeter(id: number): Promise<void> {
  await api.delete(`/virtual-meters/${id}`);
}

export async function getNodeEnergy(id: number, params: EnergyParams, signal?: AbortSignal): Promise<MeterEnergy> {
  const res = await api.get<ItemResponse<MeterEnergy>>(`/assets/nodes/${id}/energy`, { params: compactParams(params), signal });
  return res.data.data;
}

export async function getVirtualMeterEnergy(id: number, params: EnergyParams, signal?: AbortSignal): Promise<MeterEnergy> {
  const res = await api.get<ItemResponse<MeterEnergy>>(`/virtual-meters/${id}/energy`, { params: compactParams(params), signal });
  return res.data.data;
}
