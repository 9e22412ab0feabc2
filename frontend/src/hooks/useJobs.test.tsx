import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAnalyticsJobs, useReports } from '@/hooks/useJobs';
import { JOB_POLL_MS } from '@/lib/jobResults';
import { makeJob, page } from '@/test/domainFixtures';
import { mockApi } from '@/test/mockApi';
import { createTestQueryClient } from '@/test/render';
import type { AnalyticsJob, Report } from '@/types/jobs';

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={createTestQueryClient()}>{children}</QueryClientProvider>;
}

describe('job polling', () => {
  afterEach(() => vi.useRealTimers());

  it('polls the analytics list while a job works and stops once every job has finished', async () => {
    vi.useFakeTimers();
    const mock = mockApi();
    const running = makeJob<AnalyticsJob>({ status: 'running', progress: 40, completed_at: null });
    mock.once('get', '/analytics/jobs', { status: 200, data: page([running]) });
    mock.once('get', '/analytics/jobs', { status: 200, data: page([{ ...running, progress: 80 }]) });
    mock.on('get', '/analytics/jobs', { status: 200, data: page([makeJob<AnalyticsJob>()]) });

    const { result } = renderHook(() => useAnalyticsJobs({ page: 1, per_page: 20 }), { wrapper });
    await vi.advanceTimersByTimeAsync(10);
    expect(result.current.data?.data[0]?.progress).toBe(40);

    await vi.advanceTimersByTimeAsync(JOB_POLL_MS);
    expect(result.current.data?.data[0]?.progress).toBe(80);
    await vi.advanceTimersByTimeAsync(JOB_POLL_MS);
    expect(result.current.data?.data[0]?.status).toBe('complete');
    const calls = mock.callsTo('get', '/analytics/jobs').length;
    expect(calls).toBe(3);

    await vi.advanceTimersByTimeAsync(JOB_POLL_MS * 10);
    expect(mock.callsTo('get', '/analytics/jobs')).toHaveLength(calls);
  });

  it('does not poll a list of finished reports at all', async () => {
    vi.useFakeTimers();
    const mock = mockApi();
    mock.on('get', '/reports', { status: 200, data: page([makeJob<Report>({ kind: 'energy_summary', format: 'pdf', schedule_id: null, status: 'failed' })]) });
    const { result } = renderHook(() => useReports({ page: 1, per_page: 20 }), { wrapper });
    await vi.advanceTimersByTimeAsync(10);
    expect(result.current.data?.total).toBe(1);
    await vi.advanceTimersByTimeAsync(JOB_POLL_MS * 5);
    expect(mock.callsTo('get', '/reports')).toHaveLength(1);
  });
});
