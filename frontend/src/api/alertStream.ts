import { API_BASE_URL, refreshAccessToken } from '@/api/client';
import { useAuthStore } from '@/stores/authStore';
import type { AlertStreamEvent } from '@/types/alerts';

const RECONNECT_MS = 3000;

/** Reads `text/event-stream` text: complete events out, the unfinished tail kept. */
export function parseEvents(buffer: string): { events: { id?: string; data: string }[]; rest: string } {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events = [];
  for (const block of blocks) {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) events.push({ id, data: data.join('\n') });
  }
  return { events, rest };
}

/**
 * Follows the factory's alert events until `signal` aborts, reconnecting with Last-Event-ID
 * so nothing is missed in between. EventSource cannot send the bearer token, so this reads
 * the stream with fetch. `onState` says whether the stream is live (polling covers the rest).
 */
export async function followAlertEvents(
  onEvent: (event: AlertStreamEvent) => void,
  onState: (live: boolean) => void,
  signal: AbortSignal,
): Promise<void> {
  let lastId: string | undefined;
  while (!signal.aborted) {
    const opened = Date.now();
    try {
      const token = useAuthStore.getState().token;
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (lastId) headers['Last-Event-ID'] = lastId;
      const response = await fetch(`${API_BASE_URL}/alerts/stream`, { headers, signal });
      if (response.status === 401) {
        await refreshAccessToken();
        continue;
      }
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      onState(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseEvents(buffer + value);
        buffer = parsed.rest;
        for (const event of parsed.events) {
          if (event.id) lastId = event.id;
          onEvent(JSON.parse(event.data) as AlertStreamEvent);
        }
      }
      // The server ends a stream after a few minutes; one that lived a while is resumed at
      // once, without showing the stream as down.
      if (Date.now() - opened >= RECONNECT_MS) continue;
    } catch {
      if (signal.aborted) return;
    }
    onState(false);
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}
