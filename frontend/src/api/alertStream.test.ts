import { describe, expect, it } from 'vitest';
import { parseEvents } from '@/api/alertStream';

describe('alert stream parsing', () => {
  it('reads complete events, skips comments and retry lines, keeps an unfinished tail', () => {
    const text = 'retry: 3000\n\n: keep-alive\n\nid: 7\nevent: raised\ndata: {"id":7}\n\nid: 8\nevent: acknowledged\ndata: {"id"';
    const { events, rest } = parseEvents(text);
    expect(events).toEqual([{ id: '7', data: '{"id":7}' }]);
    expect(rest).toBe('id: 8\nevent: acknowledged\ndata: {"id"');
    expect(parseEvents(`${rest}:8}\n\n`).events).toEqual([{ id: '8', data: '{"id":8}' }]);
  });
});
