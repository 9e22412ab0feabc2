import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { shouldRetry } from '@/lib/queryClient';

const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;

function httpError(status: number) {
  return new AxiosError('failed', AxiosError.ERR_BAD_REQUEST, config, {}, {
    status,
    statusText: '',
    data: {},
    headers: new AxiosHeaders(),
    config,
  });
}

describe('shouldRetry', () => {
  it('never retries client errors that a retry cannot fix', () => {
    for (const status of [400, 401, 403, 404, 422]) expect(shouldRetry(0, httpError(status))).toBe(false);
  });

  it('retries server errors, timeouts, rate limits and network failures twice', () => {
    for (const status of [408, 429, 500, 503]) expect(shouldRetry(0, httpError(status))).toBe(true);
    const offline = new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {});
    expect(shouldRetry(1, offline)).toBe(true);
    expect(shouldRetry(2, offline)).toBe(false);
  });
});
