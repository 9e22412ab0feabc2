import { afterEach, describe, expect, it, vi } from 'vitest';
import { followAlertEvents, parseEvents } from '@/api/alertStream';

describe('alert stream parsing', () => {
  it('reads complete events, skips comments and retry lines, keeps an unfinished tail', () => {
    const text = 'retry: 3000\n\n: keep-alive\n\nid: 7\nevent: raised\ndata: {"id":7}\n\nid: 8\nevent: acknowledged\ndata: {"id"';
    const { events, rest } = parseEvents(text);
    expect(events).toEqual([{ id: '7', data: '{"id":7}' }]);
    expect(rest).toBe('id: 8\nevent: acknowledged\ndata: {"id"');
    expect(parseEvents(`${rest}:8}\n\n`).events).toEqual([{ id: '8', data: '{"id":8}' }]);
  });
});

function streamOf(text: string): Response {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return { ok: true, status: 200, body } as Response;
}

describe('following the alert stream', () => {
  afterEach(() => vi.restoreAllMocks());

  it('resumes a stream the server ended at once, where it was, without going down', async () => {
    const abort = new AbortController();
    const seen: Headers[] = [];
    let now = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    vi.spyOn(globalThis, 'fetch').mockImplementation((_url, init) => {
      seen.push(new Headers(init?.headers));
      if (seen.length === 1) {
        now += 300_000; // the server's lifetime for one stream
        return Promise.resolve(streamOf('retry: 3000\n\nid: 7\nevent: raised\ndata: {"id":7}\n\n'));
      }
      abort.abort();
      return Promise.reject(new DOMException('aborted', 'AbortError'));
    });
    const events: unknown[] = [];
    const states: boolean[] = [];
    await followAlertEvents((e) => events.push(e), (live) => states.push(live), abort.signal);
    expect(events).toEqual([{ id: 7 }]);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.get('Last-Event-ID')).toBe('7');
    expect(states).toEqual([true]); // never shown as down between the two connections
  });
});
