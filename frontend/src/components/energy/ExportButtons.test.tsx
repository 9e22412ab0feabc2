import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ExportButtons } from '@/components/energy/ExportButtons';
import { saveBlob } from '@/lib/download';
import { apiError, deferredReply, mockApi, type MockApi } from '@/test/mockApi';

vi.mock('@/lib/download', () => ({ saveBlob: vi.fn() }));

const params = { start: '2026-03-01T00:00:00+01:00', end: '2026-04-01T00:00:00+02:00', bucket: 'day' as const, node_id: 4 };

describe('ExportButtons', () => {
  let server: MockApi;
  beforeEach(() => {
    server = mockApi();
    vi.mocked(saveBlob).mockClear();
  });

  it('downloads the workbook the server names, for the page’s range and scope', async () => {
    const file = new Blob(['xlsx'], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const reply = deferredReply();
    server.on('get', '/energy/analysis/export', reply.responder);
    render(<ExportButtons params={params} />);

    await userEvent.click(screen.getByRole('button', { name: 'Excel' }));
    // One export at a time: the other format waits.
    expect(screen.getByRole('button', { name: 'CSV' })).toBeDisabled();
    reply.release({ status: 200, data: file, headers: { 'content-disposition': 'attachment; filename="energy-march.xlsx"' } });

    await waitFor(() => expect(saveBlob).toHaveBeenCalledWith(file, 'energy-march.xlsx'));
    expect(server.callsTo('get', '/energy/analysis/export')[0]?.params).toEqual({ ...params, format: 'xlsx' });
    expect(screen.getByRole('button', { name: 'CSV' })).toBeEnabled();
  });

  it('says why an export failed and saves nothing', async () => {
    server.on('get', '/energy/analysis/export', apiError(422, 'INVALID_RANGE', 'end must be after start.'));
    render(<ExportButtons params={params} />);

    await userEvent.click(screen.getByRole('button', { name: 'CSV' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('end must be after start.');
    expect(saveBlob).not.toHaveBeenCalled();
  });

  it('is disabled until the page has a range', () => {
    render(<ExportButtons params={null} />);
    expect(screen.getByRole('button', { name: 'CSV' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Excel' })).toBeDisabled();
  });
});
