import { api } from '@/api/client';
import type { ItemResponse, ListResponse } from '@/types/api';
import type { FactorySummary } from '@/types/auth';
import type { Factory, FactoryUpdate } from '@/types/factory';

export const FACTORY_DIRECTORY_DISABLED = 'FACTORY_DIRECTORY_DISABLED';

const PAGE_SIZE = 100;
// A directory this long is better served by typing the factory code.
const MAX_PAGES = 10;

/** The public factory directory, all pages of it (it is small: id, name and slug only). */
export async function listFactories(signal?: AbortSignal): Promise<FactorySummary[]> {
  const factories: FactorySummary[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const res = await api.get<ListResponse<FactorySummary>>('/factories', {
      params: { page, per_page: PAGE_SIZE },
      signal,
    });
    const { data, total } = res.data;
    factories.push(...data);
    if (data.length === 0 || factories.length >= total) break;
  }
  return factories;
}

export async function getCurrentFactory(signal?: AbortSignal): Promise<Factory> {
  const res = await api.get<ItemResponse<Factory>>('/factories/current', { signal });
  return res.data.data;
}

export async function updateCurrentFactory(body: FactoryUpdate): Promise<Factory> {
  const res = await api.patch<ItemResponse<Factory>>('/factories/current', body);
  return res.data.data;
}
