/**
 * Access to the generated API types (api.gen.ts, written by `make api-types` from the
 * backend's OpenAPI document) and the envelopes every endpoint shares.
 *
 * The modules beside this one name the API's shapes as aliases of the generated schemas, so a
 * change of the API that the web app does not follow fails to compile. Where the API declares
 * a field as free-form (a condition tree, a job's summary) the module refines it and says why.
 */
import type { components, paths } from '@/types/api.gen';

type Schemas = components['schemas'];

/** A schema of the API by its OpenAPI name, e.g. `Schema<'DeviceRead'>`. */
export type Schema<Name extends keyof Schemas> = Schemas[Name];

/** The query parameters of a GET endpoint, e.g. `QueryOf<'/api/v1/devices'>`. */
export type QueryOf<Path extends keyof paths> = paths[Path] extends {
  get: { parameters: { query?: infer Query } };
}
  ? NonNullable<Query>
  : never;

/**
 * Checks at compile time that a list names every member of a union exactly: the web app keeps
 * some unions as lists (for selects and filters), in its own order, and must not miss a member
 * the API adds. `membersOf<DeviceStatus>()(['discovered', 'active', 'disabled'])`.
 */
export function membersOf<Member extends string>() {
  return <const List extends readonly Member[]>(
    list: List & ([Member] extends [List[number]] ? unknown : { missing: Exclude<Member, List[number]> }),
  ): List => list;
}

export interface ListResponse<T> {
  data: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface ItemResponse<T> {
  data: T;
}

export interface ApiErrorDetail {
  field?: string;
  loc?: (string | number)[];
  message?: string;
  msg?: string;
  /** Bulk imports: the row of the file the problem is in. */
  row?: number;
  [key: string]: unknown;
}

/** The error envelope; the API does not declare it in its document yet. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: ApiErrorDetail[] | Record<string, unknown> | null;
  };
}

export interface PageParams {
  page?: number;
  per_page?: number;
}
