import { describe, expect, it } from 'vitest';
import { parseCsv } from '@/lib/csv';
import { anomalyChartData, forecastChartData, jobsPollInterval, JOB_POLL_MS } from '@/lib/jobResults';

describe('job results', () => {
  it('polls only while a job is pending or running', () => {
    expect(jobsPollInterval([{ status: 'complete' }, { status: 'running' }])).toBe(JOB_POLL_MS);
    expect(jobsPollInterval([{ status: 'pending' }])).toBe(JOB_POLL_MS);
    expect(jobsPollInterval([{ status: 'complete' }, { status: 'failed' }, { status: 'cancelled' }])).toBe(false);
    expect(jobsPollInterval(undefined)).toBe(false);
  });

  it('parses quoted CSV fields as pandas writes them', () => {
    expect(parseCsv('a,"b, with comma","say ""hi"""\r\n1,,3\n')).toEqual([
      ['a', 'b, with comma', 'say "hi"'],
      ['1', '', '3'],
    ]);
  });

  it('reads anomaly series under positional keys and keeps every anomalous row when thinning', () => {
    const lines = ['time_utc,local_time,"Press 7 · power_kw",Chiller · temp,score,anomalous,window'];
    for (let i = 0; i < 100; i += 1) {
      const t = new Date(Date.UTC(2026, 2, 3, 10, i)).toISOString().replace('.000', '');
      lines.push(`${t},x,${i},${i === 50 ? '' : 2 * i},0.1,${i === 33 || i === 77 ? 1 : 0},`);
    }
    const data = anomalyChartData(lines.join('\n'), 10);
    expect(data.labels).toEqual(['Press 7 · power_kw', 'Chiller · temp']);
    expect(data.totalRows).toBe(100);
    expect(data.anomalousCount).toBe(2);
    expect(data.rows.length).toBeLessThanOrEqual(13);
    expect(data.rows.filter((r) => r.anomalous).map((r) => r.s0)).toEqual([33, 77]);
    expect(data.rows[0]).toMatchObject({ t: Date.UTC(2026, 2, 3, 10, 0), s0: 0, s1: 0, anomalous: false });
  });

  it('reads a forecast with local times on the factory clock and its band', () => {
    const csv = [
      'local_time,actual_kwh,backtest_kwh,forecast_kwh,forecast_lower_kwh,forecast_upper_kwh',
      '2026-03-03 10:00,12.5,,,,',
      '2026-03-03 11:00,13,12.8,,,',
      '2026-03-05 00:00,,,14.2,11.9,16.4',
    ].join('\n');
    const rows = forecastChartData(csv, 'Europe/Berlin');
    expect(rows).toEqual([
      { t: Date.UTC(2026, 2, 3, 9), actual: 12.5, backtest: null, forecast: null, band: null },
      { t: Date.UTC(2026, 2, 3, 10), actual: 13, backtest: 12.8, forecast: null, band: null },
      { t: Date.UTC(2026, 2, 4, 23), actual: null, backtest: null, forecast: 14.2, band: [11.9, 16.4] },
    ]);
  });
});
