import { AxiosHeaders, isAxiosError } from 'axios';
import type { ApiErrorBody, ApiErrorDetail } from '@/types/api';

export const NETWORK_ERROR_MESSAGE =
  'Cannot reach the FactoryOps server. Check your connection and try again.';
export const TIMEOUT_MESSAGE = 'The server took too long to answer. Try again in a moment.';
export const FALLBACK_MESSAGE = 'Something went wrong. Try again in a moment.';

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const inner = value.error;
  return (
    typeof inner === 'object' &&
    inner !== null &&
    typeof (inner as { message?: unknown }).message === 'string'
  );
}

/** The `{error: {...}}` body of a failed API call, if the server sent one. */
export function getApiError(err: unknown): ApiErrorBody['error'] | null {
  if (!isAxiosError(err)) return null;
  const body: unknown = err.response?.data;
  return isErrorBody(body) ? body.error : null;
}

export function getErrorCode(err: unknown): string | null {
  return getApiError(err)?.code ?? null;
}

export function getErrorStatus(err: unknown): number | null {
  return isAxiosError(err) ? (err.response?.status ?? null) : null;
}

/** Seconds to wait from a 429's `Retry-After` header; null when absent or unreadable. */
export function getRetryAfterSeconds(err: unknown): number | null {
  if (!isAxiosError(err) || !err.response) return null;
  const { headers } = err.response;
  const raw: unknown =
    headers instanceof AxiosHeaders
      ? headers.get('retry-after')
      : ((headers as Record<string, unknown> | undefined)?.['retry-after'] ??
        (headers as Record<string, unknown> | undefined)?.['Retry-After']);
  const value = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (value === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  // HTTP also allows an HTTP-date here.
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function detailText(detail: ApiErrorDetail): string | null {
  const text = detail.message ?? detail.msg;
  if (!text) return null;
  // The location says where in the request; users only care about the field.
  const where = (
    detail.field ?? detail.loc?.map(String).join('.')
  )?.replace(/^(body|query|path)\.?/, '');
  const line = where ? `${where}: ${text}` : text;
  // Bulk imports report each problem with the row of the file it is in.
  return typeof detail.row === 'number' ? `Row ${detail.row}, ${line}` : line;
}

/** Readable lines from a validation error's details, for forms that list them. */
export function getErrorDetails(err: unknown): string[] {
  const details = getApiError(err)?.details;
  if (!Array.isArray(details)) return [];
  return details.map(detailText).filter((line): line is string => Boolean(line));
}

/**
 * One human sentence for any failure: the server's own message when it sent the error
 * envelope, otherwise a description of what went wrong on the way.
 */
export function getErrorMessage(err: unknown, fallback: string = FALLBACK_MESSAGE): string {
  if (isAxiosError(err)) {
    const apiError = getApiError(err);
    if (apiError?.message) return apiError.message;

    if (!err.response) {
      if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return TIMEOUT_MESSAGE;
      if (err.code === 'ERR_CANCELED') return 'The request was cancelled.';
      return NETWORK_ERROR_MESSAGE;
    }

    const { status } = err.response;
    // FastAPI's own errors (before the envelope handler is installed) carry `detail`.
    const body = err.response.data as { detail?: unknown } | undefined;
    if (typeof body?.detail === 'string') return body.detail;
    if (status === 401) return 'Your session has expired. Sign in again.';
    if (status === 403) return 'You do not have permission to do that.';
    if (status === 404) return 'Not found.';
    if (status === 429) return 'Too many requests. Wait a moment and try again.';
    if (status >= 500) return `The server ran into a problem (HTTP ${status}). Try again shortly.`;
    return fallback;
  }
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}
