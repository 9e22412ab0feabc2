/** Envelopes shared by every endpoint (guide section 4). */

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
  [key: string]: unknown;
}

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
