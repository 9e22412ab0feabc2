import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useDashboardSummary } from '@/hooks/useEnergy';
import { useLiveHistory } from '@/hooks/useKPIHistory';
import { useKPIsLive } from '@/hooks/useKPIsLive';
import { makeHistory, makeKpi, makeLive, makeSummary } from '@/test/domainFixtures';
import { mockApi } from '@/test/mockApi';
import { createTestQueryClient } from '@/test/render';

/** Moves the fake clock, letting React settle the updates it causes. */
async function tick(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={createTestQueryClient()}>{children}</QueryClientProvider>;
}

describe('live data hooks', () => {
  afterEach(() => vi.useRealTimers());

  it('refreshes live KPIs every 5 seconds', async () => {
    vi.useFakeTimers();
    const mock = mockApi();
    mock.on('get', '/devices/5/kpis/live', { status: 200, data: { data: makeLive([makeKpi()]) } });
    const { result } = renderHook(() => useKPIsLive(5), { wrapper });

    await tick(10);
    expect(result.current.data?.kpis[0]?.value).toBe(42.5);
    expect(mock.callsTo('get', '/devices/5/kpis/live')).toHaveLength(1);

    await tick(5000);
    expect(mock.callsTo('get', '/devices/5/kpis/live')).toHaveLength(2);
    await tick(5000);
    expect(mock.callsTo('get', '/devices/5/kpis/live')).toHaveLength(3);
  });

  it('asks for the last 15 minutes with a small interval, and slides the window on every refresh', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-04T10:00:00Z'));
    const mock = mockApi();
    mock.on('get', '/devices/5/kpis/history', { status: 200, data: { data: makeHistory() } });
    renderHook(() => useLiveHistory(5), { wrapper });

    await tick(10);
    expect(mock.callsTo('get', '/devices/5/kpis/history')[0]?.params).toEqual({
      start: '2026-03-04T09:45:00.000Z',
      end: '2026-03-04T10:00:00.000Z',
      agg: 'mean',
      interval: '10s',
    });

    await tick(5000);
    const second = mock.callsTo('get', '/devices/5/kpis/history')[1]?.params as { start: string; end: string };
    expect(second.start).toMatch(/^2026-03-04T09:45:05/);
    expect(second.end).toMatch(/^2026-03-04T10:00:05/);
  });

  it('refreshes the dashboard every 30 seconds', async () => {
    vi.useFakeTimers();
    const mock = mockApi();
    mock.on('get', '/dashboard/summary', { status: 200, data: { data: makeSummary() } });
    renderHook(() => useDashboardSummary(), { wrapper });

    await tick(29_000);
    expect(mock.callsTo('get', '/dashboard/summary')).toHaveLength(1);
    await tick(1500);
    expect(mock.callsTo('get', '/dashboard/summary')).toHaveLength(2);
  });
});
