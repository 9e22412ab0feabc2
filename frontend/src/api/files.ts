/**
 * Result files of analytics and reports. Jobs list each file with its object key, and the API
 * streams any key of the signed-in user's factory to its bearer token: every file is fetched
 * the same way whichever store holds it (local folder or S3), and errors come back as the
 * envelope. The signed link beside the key is for handing a file on outside the app.
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

/** A result file by its object key, streamed by the API to the signed-in user's token whichever store holds it. */
export async function fetchResultFile(key: string, fallbackName: string): Promise<DownloadedFile> {
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
