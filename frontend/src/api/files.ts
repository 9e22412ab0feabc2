/**
 * Result files of analytics and reports. Jobs answer with a signed link per file: from the
 * local-folder store it is an API path, from S3 a presigned address on another origin. Both
 * name the object key, and the API streams any key of the signed-in user's factory to its
 * bearer token, so every file is fetched the same way and errors come back as the envelope.
 */
import { isAxiosError } from 'axios';
import { api } from '@/api/client';

export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

export function filenameFrom(disposition: unknown, fallback: string): string {
  if (typeof disposition !== 'string') return fallback;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded?.[1]) {
    try {
      return decodeURIComponent(encoded[1]);
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/**
 * An error answer to a blob request arrives as a Blob too; turn it back into the JSON
 * envelope so `getErrorMessage` can show the server's own message.
 */
export async function decodeBlobError(err: unknown): Promise<never> {
  if (isAxiosError(err) && err.response?.data instanceof Blob) {
    try {
      err.response.data = JSON.parse(await err.response.data.text()) as unknown;
    } catch {
      // not JSON: leave it, the status still explains the failure
    }
  }
  throw err;
}

const OBJECT_KEY = /(?:^|\/)(factories\/\d+\/.+)$/;

/** The object key a download link points at, e.g. `factories/1/reports/7/report.pdf`. */
export function objectKeyFromUrl(url: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return null;
  }
  return OBJECT_KEY.exec(path)?.[1] ?? null;
}

/** A result file through the API with the signed-in user's token, whichever store made the link. */
export async function fetchResultFile(url: string, fallbackName: string): Promise<DownloadedFile> {
  const key = objectKeyFromUrl(url);
  if (!key) throw new Error('This download link is not one the app can open. Refresh the page for a new one.');
  const path = key.split('/').map(encodeURIComponent).join('/');
  const res = await api
    .get<Blob>(`/files/${path}`, {
      responseType: 'blob',
      // Large reports stream for a while; the usual 30 s would cut them off.
      timeout: 10 * 60_000,
    })
    .catch(decodeBlobError);
  const disposition: unknown = res.headers['content-disposition'];
  return { blob: res.data, filename: filenameFrom(disposition, fallbackName) };
}
