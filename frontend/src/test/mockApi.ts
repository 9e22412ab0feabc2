import {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { api } from '@/api/client';

export interface MockReply {
  status: number;
  data?: unknown;
  headers?: Record<string, string>;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Responder = MockReply | ((config: InternalAxiosRequestConfig) => MockReply | Promise<MockReply>);

interface Route {
  method: Method;
  path: string;
  responder: Responder;
  once: boolean;
}

export interface RecordedCall {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
  params: unknown;
}

/** The network fault axios raises when no response arrives. */
export const NETWORK_ERROR = Symbol('network error');

/**
 * A tiny stand-in for the HTTP layer: routes by method and path, records every call, and
 * rejects like axios' own adapters do (AxiosError with the response attached).
 */
export function mockApi() {
  const routes: Route[] = [];
  const calls: RecordedCall[] = [];
  const networkFailures = new Set<string>();

  const adapter: AxiosAdapter = async (config) => {
    const method = (config.method ?? 'get').toLowerCase() as Method;
    const path = (config.url ?? '').split('?')[0] ?? '';
    const auth = config.headers.get('Authorization');
    calls.push({
      method,
      path,
      authorization: typeof auth === 'string' ? auth : null,
      body: typeof config.data === 'string' ? parseBody(config.data) : config.data,
      params: config.params,
    });

    if (networkFailures.has(`${method} ${path}`)) {
      throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {});
    }

    const index = routes.findIndex((r) => r.method === method && r.path === path);
    const route = routes[index];
    if (!route) throw new Error(`Unexpected request: ${method.toUpperCase()} ${path}`);
    if (route.once) routes.splice(index, 1);

    const reply =
      typeof route.responder === 'function' ? await route.responder(config) : route.responder;
    const response: AxiosResponse = {
      data: reply.data ?? '',
      status: reply.status,
      statusText: String(reply.status),
      headers: new AxiosHeaders(reply.headers ?? {}),
      config,
      request: {},
    };
    if (reply.status >= 200 && reply.status < 300) return response;
    throw new AxiosError(
      `Request failed with status code ${reply.status}`,
      reply.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
      config,
      {},
      response,
    );
  };

  api.defaults.adapter = adapter;

  const add = (method: Method, path: string, responder: Responder, once: boolean) => {
    routes.push({ method, path, responder, once });
  };

  return {
    calls,
    /** Answer every matching request with this reply. */
    on: (method: Method, path: string, responder: Responder) => add(method, path, responder, false),
    /** Answer the next matching request only; later ones fall through to other routes. */
    once: (method: Method, path: string, responder: Responder) => add(method, path, responder, true),
    failNetwork: (method: Method, path: string) => networkFailures.add(`${method} ${path}`),
    callsTo: (method: Method, path: string) =>
      calls.filter((c) => c.method === method && c.path === path),
  };
}

export type MockApi = ReturnType<typeof mockApi>;

export function apiError(status: number, code: string, message: string, headers?: Record<string, string>): MockReply {
  return { status, data: { error: { code, message } }, headers };
}

/** A reply that only arrives when the test says so, for asserting in-flight states. */
export function deferredReply() {
  let release: (reply: MockReply) => void = () => undefined;
  const promise = new Promise<MockReply>((resolve) => {
    release = resolve;
  });
  return { responder: () => promise, release: (reply: MockReply) => release(reply) };
}

/** A JSON body as its value; any other text (a CSV upload) as it was sent. */
function parseBody(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
