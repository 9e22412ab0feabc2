import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import {
  getErrorDetails,
  getErrorMessage,
  getRetryAfterSeconds,
  NETWORK_ERROR_MESSAGE,
} from '@/api/errors';

const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;

function failed(status: number, data: unknown, headers: Record<string, string> = {}) {
  return new AxiosError('Request failed', AxiosError.ERR_BAD_REQUEST, config, {}, {
    status,
    statusText: '',
    data,
    headers: new AxiosHeaders(headers),
    config,
  });
}

describe('getErrorMessage', () => {
  it("uses the server's message from the error envelope", () => {
    const err = failed(404, { error: { code: 'DEVICE_NOT_FOUND', message: 'Device not found.' } });
    expect(getErrorMessage(err)).toBe('Device not found.');
  });

  it('explains a request that never reached the server', () => {
    const err = new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {});
    expect(getErrorMessage(err)).toBe(NETWORK_ERROR_MESSAGE);
  });

  it('describes a server failure that came without an envelope', () => {
    expect(getErrorMessage(failed(502, '<html>Bad gateway</html>'))).toMatch(/HTTP 502/);
  });

  it('reads the plain `detail` FastAPI sends outside the envelope', () => {
    expect(getErrorMessage(failed(400, { detail: 'Malformed body.' }))).toBe('Malformed body.');
  });

  it('falls back to the message of an ordinary error', () => {
    expect(getErrorMessage(new Error('boom'))).toBe('boom');
    expect(getErrorMessage('???')).toMatch(/something went wrong/i);
  });
});

describe('getErrorDetails', () => {
  it('lists validation details with the field they concern', () => {
    const err = failed(422, {
      error: {
        code: 'VALIDATION_ERROR',
        message: 'Invalid request.',
        details: [{ loc: ['body', 'email'], msg: 'value is not a valid email address' }],
      },
    });
    expect(getErrorDetails(err)).toEqual(['email: value is not a valid email address']);
  });

  it("reads the API's own `field` form the same way", () => {
    const err = failed(422, {
      error: {
        code: 'VALIDATION_ERROR',
        message: 'Invalid request.',
        details: [{ field: 'body.password', message: 'Field required', type: 'missing' }],
      },
    });
    expect(getErrorDetails(err)).toEqual(['password: Field required']);
  });

  it('ignores details that are not a list', () => {
    const err = failed(429, {
      error: { code: 'RATE_LIMITED', message: 'Slow down.', details: { retry_after: 60 } },
    });
    expect(getErrorDetails(err)).toEqual([]);
  });
});

describe('getRetryAfterSeconds', () => {
  it('reads seconds from the Retry-After header', () => {
    expect(getRetryAfterSeconds(failed(429, {}, { 'Retry-After': '42' }))).toBe(42);
  });

  it('returns null without the header', () => {
    expect(getRetryAfterSeconds(failed(429, {}))).toBeNull();
  });
});
